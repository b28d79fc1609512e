// Local OCR for photos and scanned pages: straighten the picture and even out its light, let tesseract.js (LSTM, English data
// from @tesseract.js-data/eng, nothing fetched at run time) find the words, and hand them on as the same positioned
// text layer pdf.ts gives for a digital PDF, so one table reader reads both.
import { createRequire } from 'node:module';
import path from 'node:path';
import { createCanvas, loadImage, type Canvas } from '@napi-rs/canvas';
import { createWorker, OEM, type Worker } from 'tesseract.js';
import type { TextItem, TextLayer, TextPage } from '#domain/slip';

export const MAX_OCR_PAGES = 10;
/** A page that takes longer than this is given up (the worker is replaced): OCR is meant to take ≤ 8 s a page. */
export const OCR_PAGE_TIMEOUT_MS = 30_000;
/** Pictures larger than this are not decoded at all (a 20 MB file may claim 30,000 × 30,000 px). */
const MAX_PIXELS = 40_000_000;
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

/**
 * The page's light evened out: each pixel divided by the mean of its neighbourhood (integral image), so a shadowed
 * corner is as white as the lit one and print keeps its grey edges for tesseract's own thresholding (a hard
 * threshold here broke thin strokes and lost about a third of the words).
 */
function evenLight(g: Uint8Array, w: number, h: number): Uint8Array {
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
      out[y * w + x] = Math.min(255, Math.round((255 * g[y * w + x]) / Math.max(1, mean)));
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

/** Width and height from a PNG, JPEG or WebP header, without decoding; null when the header cannot be read. */
export function imageSize(b: Uint8Array): { width: number; height: number } | null {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length >= 24 && b[0] === 0x89 && b[1] === 0x50) return { width: v.getUint32(16), height: v.getUint32(20) };
  if (b.length >= 30 && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50) {
    const kind = String.fromCharCode(b[12], b[13], b[14], b[15]);
    if (kind === 'VP8 ') return { width: v.getUint16(26, true) & 0x3fff, height: v.getUint16(28, true) & 0x3fff };
    if (kind === 'VP8L') {
      const bits = v.getUint32(21, true);
      return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
    }
    if (kind === 'VP8X')
      return { width: 1 + (b[24] | (b[25] << 8) | (b[26] << 16)), height: 1 + (b[27] | (b[28] << 8) | (b[29] << 16)) };
    return null;
  }
  if (b[0] === 0xff && b[1] === 0xd8) {
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) return null;
      const marker = b[i + 1];
      if (marker === 0xff) {
        i++;
        continue;
      }
      const len = v.getUint16(i + 2);
      // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
        return { width: v.getUint16(i + 7), height: v.getUint16(i + 5) };
      i += 2 + len;
    }
  }
  return null;
}

/** A grayscale picture as a binary PGM (P5): no compression to pay for, and Leptonica reads it directly. */
function pgm(g: Uint8Array, w: number, h: number): Uint8Array {
  const head = new TextEncoder().encode(`P5\n${w} ${h}\n255\n`);
  const out = new Uint8Array(head.length + g.length);
  out.set(head);
  out.set(g, head.length);
  return out;
}

/**
 * Grayscale, deskewed picture of a page with its light evened out (as PGM), and its size in pixels. The picture is
 * turned straight in one draw from the decoded photo with high-quality smoothing: drawing it small first and turning
 * that (two resamplings, the second with the canvas's default low-quality filter) softened small print.
 */
export async function preprocess(image: Uint8Array): Promise<{ image: Uint8Array; width: number; height: number }> {
  const img = await loadImage(Buffer.from(image));
  const scale = Math.min(1, MAX_SIDE / Math.max(img.width, img.height));
  const w = Math.round(img.width * scale),
    h = Math.round(img.height * scale);
  const canvas: Canvas = createCanvas(w, h);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0, w, h);
  const skew = estimateSkew(gray(ctx.getImageData(0, 0, w, h).data, w * h), w, h);
  const straight = createCanvas(w, h);
  const sctx = straight.getContext('2d');
  sctx.imageSmoothingEnabled = true;
  sctx.imageSmoothingQuality = 'high';
  sctx.fillStyle = '#fff';
  sctx.fillRect(0, 0, w, h);
  sctx.translate(w / 2, h / 2);
  if (Math.abs(skew) >= 0.1) sctx.rotate((-skew * Math.PI) / 180);
  sctx.drawImage(img, -w / 2, -h / 2, w, h);
  const even = evenLight(gray(sctx.getImageData(0, 0, w, h).data, w * h), w, h);
  return { image: pgm(even, w, h), width: w, height: h };
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

interface OcrLine {
  words: OcrWord[];
  baseline: Bbox;
  bbox: Bbox;
}

/**
 * How far a baseline climbs per pixel across the page, as a function of its height on the page (a + b·y): after the
 * page is turned straight a photo's perspective still tilts rows near the top differently from those near the
 * bottom. Fitted by least squares over the long lines tesseract found, weighted by their length.
 */
export function slantOf(lines: { x0: number; y0: number; x1: number; y1: number }[], minLength: number) {
  const long = lines.filter((l) => l.x1 - l.x0 >= minLength);
  if (long.length < 2) return (_y: number) => 0;
  let sw = 0,
    sy = 0,
    ss = 0,
    syy = 0,
    sys = 0;
  for (const l of long) {
    const w = l.x1 - l.x0,
      slope = (l.y1 - l.y0) / w,
      y = (l.y0 + l.y1) / 2;
    sw += w;
    sy += w * y;
    ss += w * slope;
    syy += w * y * y;
    sys += w * y * slope;
  }
  const vy = syy / sw - (sy / sw) ** 2;
  const b = vy > 1e-6 ? (sys / sw - (sy / sw) * (ss / sw)) / vy : 0;
  const a = ss / sw - b * (sy / sw);
  return (y: number) => a + b * y;
}

/**
 * Tesseract's lines of words as positioned runs, as a PDF's text layer has them: rows levelled (baselines at the
 * same height across the page whatever the photo's slant), and words of one line closer than half an em joined into
 * one run ("Packing Slip No: 4711"), whose height is the line's font size.
 *
 * Words below `minConfidence` are mostly noise, but a small code in a table cell often comes back that unsure
 * ("T8767HG" at 9 %): such a word is kept where it stands alone in a row of confident words, a cell they leave empty
 * (no confident run within an em of it), and is marked unsure (`ocrUnsure`) so its line is checked by a person.
 */
export function runsOf(lines: OcrLine[], width: number, minConfidence = 20): TextPage['items'] {
  const slant = slantOf(
    lines.map((l) => l.baseline),
    width / 8
  );
  const k = POINTS_WIDE / width;
  const items: TextPage['items'] = [];
  for (const line of lines) {
    const all = line.words
      .map((w) => ({ ...w, text: w.text.replace(/[\p{Cc}\p{Cs}]/gu, '').trim() }))
      .filter((w) => w.text);
    const words = all.filter((w) => w.confidence >= minConfidence);
    if (!words.length) continue;
    const heights = words.map((w) => w.bbox.y1 - w.bbox.y0).sort((a, b) => a - b);
    const em = Math.max(4, heights[Math.floor(heights.length / 2)] / 0.8);
    const bl = line.baseline;
    const baseAt = (x: number) =>
      bl && bl.x1 > bl.x0 ? bl.y0 + ((bl.y1 - bl.y0) * (x - bl.x0)) / (bl.x1 - bl.x0) : line.bbox.y1;
    type Run = { s: string; x0: number; x1: number; mid: number };
    const runsOfWords = (list: typeof words) => {
      const out: Run[] = [];
      for (const w of list) {
        const run = out[out.length - 1];
        if (run && w.bbox.x0 - run.x1 < em * 0.5) {
          run.s += ' ' + w.text;
          run.x1 = w.bbox.x1;
        } else out.push({ s: w.text, x0: w.bbox.x0, x1: w.bbox.x1, mid: 0 });
        out[out.length - 1].mid = (out[out.length - 1].x0 + out[out.length - 1].x1) / 2;
      }
      return out;
    };
    const item = (run: Run) => {
      const base = baseAt(run.mid) - slant(baseAt(run.mid)) * (run.mid - width / 2);
      return { s: run.s.slice(0, 1000), x: run.x0 * k, y: base * k, w: (run.x1 - run.x0) * k, h: em * k };
    };
    const strong = runsOfWords(words);
    for (const run of strong) items.push(item(run));
    const weak = runsOfWords(all.filter((w) => w.confidence < minConfidence && /[A-Za-z0-9]{2}/.test(w.text)));
    for (const run of weak)
      if (!strong.some((r) => r.x0 - run.x1 < em && run.x0 - r.x1 < em)) {
        const it = item(run);
        weakRuns.add(it);
        items.push(it);
      }
  }
  return items;
}

/** Runs OCR gave with a low confidence (kept only where they fill an otherwise empty cell). */
const weakRuns = new WeakSet<TextItem>();
/** Whether OCR was unsure of a run it gave: the table reader marks a line with one for checking. */
export const ocrUnsure = (item: TextItem): boolean => weakRuns.has(item);

/** One picture of a page read by OCR: its words as positioned text items (baselines from the top, in points). */
export async function ocrPage(image: Uint8Array): Promise<TextPage> {
  const { image: picture, width, height } = await preprocess(image);
  const w = await ocrWorker();
  const { data } = await w.recognize(Buffer.from(picture), {}, { blocks: true, text: false });
  const lines: OcrLine[] = [];
  for (const block of data.blocks ?? [])
    for (const para of block.paragraphs)
      for (const line of para.lines)
        lines.push({ words: line.words as OcrWord[], baseline: line.baseline as Bbox, bbox: line.bbox as Bbox });
  const k = POINTS_WIDE / width;
  return { width: width * k, height: height * k, items: runsOf(lines, width) };
}

/** One page within OCR_PAGE_TIMEOUT_MS, or an error; a page that overran takes its worker with it. */
async function ocrPageTimed(image: Uint8Array): Promise<TextPage> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void closeOcr(); // the next page gets a fresh worker
      reject(new Error(`it took longer than ${OCR_PAGE_TIMEOUT_MS / 1000} s`));
    }, OCR_PAGE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([ocrPage(image), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Pictures of pages (JPEG, PNG, WebP) read by OCR, at most MAX_OCR_PAGES, as one text layer for the table reader;
 * a page that cannot be read is left out and said why (a picture that does not decode, is too large, or overran).
 * `notDrawn` counts further pages of the slip that were left undrawn because they are beyond the cap.
 */
export async function ocrPictures(
  images: Uint8Array[],
  notDrawn = 0
): Promise<{ layer: TextLayer; problems: string[] }> {
  const layer: TextLayer = [];
  const problems: string[] = [];
  const pages = images.slice(0, MAX_OCR_PAGES);
  const total = images.length + notDrawn;
  if (total > pages.length) problems.push(`only the first ${MAX_OCR_PAGES} of its ${total} pages are read`);
  for (const [i, img] of pages.entries()) {
    const size = imageSize(img);
    if (!size) {
      problems.push(`picture ${i + 1} is not a JPEG, PNG or WebP image it can decode`);
      continue;
    }
    if (size.width * size.height > MAX_PIXELS) {
      problems.push(`picture ${i + 1} is ${size.width} × ${size.height} px, larger than it reads`);
      continue;
    }
    try {
      layer.push(await ocrPageTimed(img));
    } catch (e) {
      problems.push(`picture ${i + 1} could not be read (${(e as Error).message})`);
    }
  }
  return { layer, problems };
}

/** Pictures of pages read by OCR as one text layer (pages that cannot be read are left out). */
export async function ocrTextLayer(...images: Uint8Array[]): Promise<TextLayer> {
  return (await ocrPictures(images)).layer;
}
