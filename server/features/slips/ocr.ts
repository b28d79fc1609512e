// Local OCR for photos and scanned pages: straighten and binarise the picture, let tesseract.js (LSTM, English data
// from @tesseract.js-data/eng, nothing fetched at run time) find the words, and hand them on as the same positioned
// text layer pdf.ts gives for a digital PDF, so one table reader reads both.
import { createRequire } from 'node:module';
import path from 'node:path';
import { createCanvas, loadImage, type Canvas } from '@napi-rs/canvas';
import { createWorker, OEM, type Worker } from 'tesseract.js';
import type { TextLayer, TextPage } from '#domain/slip';

export const MAX_OCR_PAGES = 10;
/** Pages are read at most this wide, which keeps a page well under 8 s and is plenty for slip-sized print. */
const MAX_SIDE = 2000;
/** Page coordinates come back in PDF points of an A4/Letter-wide page, like the digital text layer. */
const POINTS_WIDE = 612;

const require = createRequire(import.meta.url);
const langPath = path.join(path.dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0');

let worker: Promise<Worker> | null = null;
function ocrWorker(): Promise<Worker> {
  worker ??= createWorker('eng', OEM.LSTM_ONLY, {
    langPath,
    gzip: true,
    cacheMethod: 'none' // the data is on disk already; nothing is written or downloaded
  }).catch((e: unknown) => {
    worker = null;
    throw e;
  });
  return worker;
}

/** Ends the shared worker (tests and scripts call it so the process can exit). */
export async function closeOcr(): Promise<void> {
  const w = worker;
  worker = null;
  if (w) await (await w).terminate();
}

function gray(data: Uint8ClampedArray, n: number): Uint8Array {
  const g = new Uint8Array(n);
  for (let i = 0; i < n; i++) g[i] = (data[4 * i] * 299 + data[4 * i + 1] * 587 + data[4 * i + 2] * 114) / 1000;
  return g;
}

function otsu(g: Uint8Array): number {
  const hist = new Array<number>(256).fill(0);
  for (const v of g) hist[v]++;
  let sum = 0;
  for (let i = 0; i < 256; i++) sum += i * hist[i];
  let sumB = 0,
    wB = 0,
    best = 0,
    threshold = 128;
  for (let t = 0; t < 256; t++) {
    wB += hist[t];
    if (!wB) continue;
    const wF = g.length - wB;
    if (!wF) break;
    sumB += t * hist[t];
    const mB = sumB / wB,
      mF = (sum - sumB) / wF;
    const between = wB * wF * (mB - mF) ** 2;
    if (between > best) {
      best = between;
      threshold = t;
    }
  }
  return threshold;
}

/** Adaptive threshold against the local mean (integral image), so uneven light does not blacken a corner. */
function binarise(g: Uint8Array, w: number, h: number): Uint8Array {
  const integral = new Float64Array((w + 1) * (h + 1));
  for (let y = 0; y < h; y++) {
    let row = 0;
    for (let x = 0; x < w; x++) {
      row += g[y * w + x];
      integral[(y + 1) * (w + 1) + x + 1] = integral[y * (w + 1) + x + 1] + row;
    }
  }
  const r = Math.max(8, Math.round(Math.min(w, h) / 40));
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - r),
      y1 = Math.min(h, y + r + 1);
    for (let x = 0; x < w; x++) {
      const x0 = Math.max(0, x - r),
        x1 = Math.min(w, x + r + 1);
      const s =
        integral[y1 * (w + 1) + x1] -
        integral[y0 * (w + 1) + x1] -
        integral[y1 * (w + 1) + x0] +
        integral[y0 * (w + 1) + x0];
      const mean = s / ((x1 - x0) * (y1 - y0));
      out[y * w + x] = g[y * w + x] < mean * 0.85 ? 0 : 255;
    }
  }
  return out;
}

/** Skew in degrees by projection profile: the angle whose row histogram of dark pixels is the most peaked. */
export function estimateSkew(g: Uint8Array, w: number, h: number): number {
  const t = otsu(g);
  const step = Math.max(1, Math.round(Math.max(w, h) / 800));
  const xs: number[] = [],
    ys: number[] = [];
  for (let y = 0; y < h; y += step)
    for (let x = 0; x < w; x += step)
      if (g[y * w + x] < t) {
        xs.push(x / step);
        ys.push(y / step);
      }
  if (xs.length < 100) return 0;
  const diag = Math.ceil(Math.hypot(w, h) / step) + 2;
  let bestAngle = 0,
    bestScore = -1;
  const score = (deg: number) => {
    const a = (deg * Math.PI) / 180,
      sin = Math.sin(a),
      cos = Math.cos(a);
    const bins = new Float64Array(2 * diag);
    for (let i = 0; i < xs.length; i++) bins[Math.round(ys[i] * cos - xs[i] * sin) + diag]++;
    let s = 0;
    for (let i = 1; i < bins.length; i++) s += (bins[i] - bins[i - 1]) ** 2;
    return s;
  };
  for (let deg = -5; deg <= 5.001; deg += 0.5) {
    const s = score(deg);
    if (s > bestScore) [bestScore, bestAngle] = [s, deg];
  }
  const coarse = bestAngle;
  for (let deg = coarse - 0.4; deg <= coarse + 0.401; deg += 0.1) {
    const s = score(deg);
    if (s > bestScore) [bestScore, bestAngle] = [s, deg];
  }
  return bestAngle;
}

/** Grayscale, deskewed, binarised PNG of a picture of a page, with its size in pixels. */
export async function preprocess(image: Uint8Array): Promise<{ png: Buffer; width: number; height: number }> {
  const img = await loadImage(Buffer.from(image));
  const scale = Math.min(1, MAX_SIDE / Math.max(img.width, img.height));
  const w = Math.round(img.width * scale),
    h = Math.round(img.height * scale);
  const canvas: Canvas = createCanvas(w, h);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0, w, h);
  let g = gray(ctx.getImageData(0, 0, w, h).data, w * h);
  const skew = estimateSkew(g, w, h);
  if (Math.abs(skew) >= 0.1) {
    const rotated = createCanvas(w, h);
    const rctx = rotated.getContext('2d');
    rctx.fillStyle = '#fff';
    rctx.fillRect(0, 0, w, h);
    rctx.translate(w / 2, h / 2);
    rctx.rotate((-skew * Math.PI) / 180);
    rctx.drawImage(canvas, -w / 2, -h / 2);
    g = gray(rctx.getImageData(0, 0, w, h).data, w * h);
  }
  const bin = binarise(g, w, h);
  const out = createCanvas(w, h);
  const octx = out.getContext('2d');
  const data = octx.createImageData(w, h);
  for (let i = 0; i < w * h; i++) {
    data.data[4 * i] = data.data[4 * i + 1] = data.data[4 * i + 2] = bin[i];
    data.data[4 * i + 3] = 255;
  }
  octx.putImageData(data, 0, 0);
  return { png: await out.encode('png'), width: w, height: h };
}

interface Bbox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}
interface OcrWord {
  text: string;
  bbox: Bbox;
  confidence: number;
  baseline?: Bbox;
}

/** One picture of a page read by OCR: its words as positioned text items (baselines from the top, in points). */
export async function ocrPage(image: Uint8Array): Promise<TextPage> {
  const { png, width, height } = await preprocess(image);
  const w = await ocrWorker();
  const { data } = await w.recognize(png, {}, { blocks: true, text: false });
  const k = POINTS_WIDE / width;
  const items: TextPage['items'] = [];
  for (const block of data.blocks ?? [])
    for (const para of block.paragraphs)
      for (const line of para.lines)
        for (const word of line.words as OcrWord[]) {
          const s = word.text.replace(/[\p{Cc}\p{Cs}]/gu, '').trim();
          if (!s || word.confidence < 30) continue;
          const { x0, y0, x1, y1 } = word.bbox;
          // The line's baseline at this word, if tesseract gave one; else the bottom of the word's box.
          const bl = line.baseline as Bbox | undefined;
          let base = y1;
          if (bl && bl.x1 > bl.x0) base = bl.y0 + ((bl.y1 - bl.y0) * ((x0 + x1) / 2 - bl.x0)) / (bl.x1 - bl.x0);
          items.push({ s: s.slice(0, 1000), x: x0 * k, y: base * k, w: (x1 - x0) * k, h: (y1 - y0) * k });
        }
  return { width: width * k, height: height * k, items };
}

/** Pictures of pages (JPEG/PNG) read by OCR, at most MAX_OCR_PAGES, as one text layer for the table reader. */
export async function ocrTextLayer(...images: Uint8Array[]): Promise<TextLayer> {
  const layer: TextLayer = [];
  for (const img of images.slice(0, MAX_OCR_PAGES)) layer.push(await ocrPage(img));
  return layer;
}
