// The decoder core: one synchronous function from pixels to barcode text, the same code in the Web Worker
// (decoder.worker.ts), in Node for `npm run scan-bench` and the benchmark, and in the unit tests.
//
//   decodeImage(img, options?)  img: RGBA pixels (ImageData or { data, width, height })  → Decoded | null
//   decodeGrey(grey, options?)  grey: one luminance byte per pixel                        → Decoded | null
//   toGrey(img)                 RGBA → luminance (ITU-R BT.601 weights)
//   rotateGrey(grey, degrees)   the turn the passes use (90° swaps the sides; other angles keep the frame size)
//
// Decoded = { text, format, pass }: text exactly as @zxing/library emits it (GS1-128 as `]C1…` with GS separators,
// GS1 DataMatrix with a leading GS), ready for parseBarcode in src/lib/domain/barcode.ts.
//
// Acceptance (acceptance.ts): with `confirm`, the passes go on after the first decode until a second, different pass
// (another binarizer, turn or filter of the same pixels) reads the same text: `confirmed: true`. Without a second
// agreeing pass the result is still returned, unconfirmed, for the camera to match against the next frame; a still
// counts only when confirmed. An EAN-13 with a leading 0 is reported as the UPC-A it is (normaliseDecode).
//
// A camera frame with no busy patch at all (locate.ts: no block of gradient energy over twice the frame's median) is
// answered null after that one gradient pass, before any ZXing call: the common frame of a live camera costs ~3 ms.
// So is a frame whose busy patches are all label text, carton edges or tape, inked unlike a code (locate.ts
// looksLikeCode: a code's bars and modules cover about half of each block they stand on).
// Each image goes through passes until one decodes. A camera frame ('frame' effort): HybridBinarizer (local
// thresholds, good under uneven light) on the upright image for every format; then the located pass (locate.ts): the
// frame's busy patches found from its gradients, scan lines laid across each 1-D patch at its own angle (and along
// its long side when the camera's angle shears the bars), sampled every half pixel and thresholded against the local
// light, and QR/DataMatrix readers given a crop centred on each 2-D patch (doubled when small) — a code off the
// middle rows, tilted, under a light falloff, or a DataMatrix off the centre, which @zxing/library's own row scan and
// centre-grown DataMatrix detector miss. A 2-D crop that neither binarizer reads is thresholded against its own
// local mean (two window sizes, so a read there can be confirmed in the frame). A located 1-D text counts only when
// two scan lines read it and no line reads another. Then GlobalHistogramBinarizer (better on blur and low contrast) for the 2-D formats (a 1-D reader
// thresholds each row by itself whatever the binarizer, so a second binarizer would only repeat its rows), the 1D
// formats on rows averaged vertically (noise), and every format once more on a 3×3-averaged image (noisy, dim
// frames). A still image ('thorough') adds whole-image turns of 90°, ±15°, ±30°, ±45°, TRY_HARDER (every
// row, both directions: ~250 ms on a 640×480 frame with no code, too slow per frame) and an inverted image for
// light-on-dark marks. ASSUME_GS1 is always set: only Code 128 reads it, and it keeps FNC1 as `]C1`/GS so a lot
// does not run into the next field. @zxing/library logs failures through console.*: kept quiet.
import {
  BarcodeFormat,
  BinaryBitmap,
  BitArray,
  DecodeHintType,
  GlobalHistogramBinarizer,
  HybridBinarizer,
  InvertedLuminanceSource,
  MultiFormatOneDReader,
  MultiFormatReader,
  RGBLuminanceSource,
  type LuminanceSource
} from '@zxing/library';
import { normaliseDecode } from './acceptance';
import {
  binariseProfile,
  locate,
  looksLikeCode,
  regulariseCode128,
  scanLines,
  sharpenProfile,
  type Region
} from './locate';

/** Every format the decoder can read. The 1-D ones beyond the default list are off unless a station turns them on:
 * each reader more is one more way for a smudge to read as a code (ITF and Codabar have no check digit at all). */
export const SCAN_FORMATS = [
  'code_128',
  'ean_13',
  'ean_8',
  'upc_a',
  'qr_code',
  'data_matrix',
  'code_39',
  'code_93',
  'itf',
  'codabar'
] as const;
export type ScanFormat = (typeof SCAN_FORMATS)[number];
/** What the plant prints and its suppliers send: the station's default. */
export const DEFAULT_SCAN_FORMATS: readonly ScanFormat[] = [
  'code_128',
  'ean_13',
  'ean_8',
  'upc_a',
  'qr_code',
  'data_matrix'
];

export interface RgbaImage {
  data: Uint8ClampedArray | Uint8Array;
  width: number;
  height: number;
}
interface GreyImage {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}
export interface Decoded {
  text: string;
  format: ScanFormat;
  /** Which pass found it, for the benchmark: e.g. "hybrid", "rot90+global", "denoise+hybrid", "hybrid+harder". */
  pass: string;
  /** With `confirm`: a second, different pass read the same text and format. */
  confirmed?: boolean;
}
export interface DecodeOptions {
  formats?: readonly ScanFormat[];
  /** 'frame' (default) for camera frames: FRAME_PASSES. 'thorough' for still images: THOROUGH_PASSES too. */
  effort?: 'frame' | 'thorough';
  /** Look on after the first decode for a second pass that agrees (see the top of this file). */
  confirm?: boolean;
}

const TO_ZXING: Record<ScanFormat, BarcodeFormat> = {
  code_128: BarcodeFormat.CODE_128,
  ean_13: BarcodeFormat.EAN_13,
  ean_8: BarcodeFormat.EAN_8,
  upc_a: BarcodeFormat.UPC_A,
  qr_code: BarcodeFormat.QR_CODE,
  data_matrix: BarcodeFormat.DATA_MATRIX,
  code_39: BarcodeFormat.CODE_39,
  code_93: BarcodeFormat.CODE_93,
  itf: BarcodeFormat.ITF,
  codabar: BarcodeFormat.CODABAR
};
const FROM_ZXING = new Map<BarcodeFormat, ScanFormat>(SCAN_FORMATS.map((f) => [TO_ZXING[f], f]));

export function toGrey(img: RgbaImage, into?: Uint8ClampedArray): GreyImage {
  const { width, height, data } = img;
  if (data.length < width * height * 4)
    throw new RangeError(`expected ${width}×${height} RGBA pixels, got ${data.length} bytes`);
  const out = into?.length === width * height ? into : new Uint8ClampedArray(width * height);
  for (let i = 0, p = 0; i < out.length; i++, p += 4)
    out[i] = (data[p] * 77 + data[p + 1] * 150 + data[p + 2] * 29) >> 8;
  return { data: out, width, height };
}

// The luminance of the last frame's size, written over by the next: a camera sends frames of one size, and a new
// 300 KB array per frame was garbage for the collector. Nothing keeps a frame's grey past its decodeImage call.
let greyBuffer: Uint8ClampedArray = new Uint8ClampedArray(0);

export function decodeImage(img: RgbaImage, options: DecodeOptions = {}): Decoded | null {
  const grey = toGrey(img, greyBuffer);
  greyBuffer = grey.data;
  return decodeGrey(grey, options);
}

export function decodeGrey(grey: GreyImage, options: DecodeOptions = {}): Decoded | null {
  const formats = options.formats ?? DEFAULT_SCAN_FORMATS;
  const linear = formats.filter((f) => LINEAR.has(f));
  const passes = options.effort === 'thorough' ? [...FRAME_PASSES, ...THOROUGH_PASSES] : FRAME_PASSES;
  const turned = new Map<string, RGBLuminanceSource>();
  let halved: GreyImage | undefined;
  // Texts read so far by earlier passes (confirm mode): the first one a second pass reads again wins.
  const seen: Decoded[] = [];
  // The gate: a camera frame with no busy patch (bare paper, a wall, the floor: most frames of a live camera) has no
  // code any pass could read, and one gradient pass over it (~3 ms) is all it costs instead of every ZXing pass
  // (~30 ms). A still keeps every pass: it is decoded once, and time matters less than a miss.
  const located = locate(grey);
  if (!located.faint && options.effort !== 'thorough') return null;
  // The second gate: a busy patch of label text, a carton's edge or tape (the usual cluttered frame) is not inked
  // like a code (locate.ts looksLikeCode), and a camera frame with no patch that is has no pass to run: the ZXing
  // passes over the whole frame and the located pass cost 40-70 ms on such a frame. A still keeps every patch.
  const { regions, bars } =
    options.effort === 'thorough'
      ? located
      : {
          regions: located.regions.filter((r) => looksLikeCode(grey, r)),
          bars: located.bars.filter((r) => looksLikeCode(grey, r))
        };
  // A frame whose only busy blocks are faint ones (a low-contrast code under heavy noise, locate.ts) has no patch to
  // judge: it keeps every pass.
  if (!regions.length && !bars.length && (located.regions.length || located.bars.length)) return null;
  return quietly(() => {
    for (const [index, pass] of passes.entries()) {
      if (index === LOCATED_AFTER) {
        // The located pass: scan lines across each busy patch at its own angle, 2-D readers on a crop centred on it.
        for (const found of readLocated(grey, regions, bars, formats)) {
          if (!options.confirm) return found;
          const match = seen.find((d) => d.text === found.text && d.format === found.format);
          if (match) return { ...match, pass: `${match.pass}|${found.pass}`, confirmed: true };
          if (found.confirmed) return found;
          seen.push(found);
        }
      }
      const wanted = pass.linearOnly ? linear : pass.twoDOnly ? formats.filter((f) => !LINEAR.has(f)) : formats;
      if (!wanted.length) continue;
      const key = `${pass.angle}${pass.smooth ? 's' : ''}${pass.denoise ? 'd' : ''}${pass.half ? 'h' : ''}`;
      let source: LuminanceSource | undefined = turned.get(key);
      if (!source) {
        if (pass.half) halved ??= halve(grey);
        const { data, width: w, height: h } = rotateGrey(pass.half ? halved! : grey, pass.angle);
        source = new RGBLuminanceSource(
          pass.smooth ? smoothColumns(data, w, h) : pass.denoise ? boxBlur3(data, w, h) : data,
          w,
          h
        );
        turned.set(key, source as RGBLuminanceSource);
      }
      if (pass.inverted) source = new InvertedLuminanceSource(source);
      const reader = readerFor(wanted, pass.harder);
      try {
        const result = reader.decodeWithState(
          new BinaryBitmap(pass.global ? new GlobalHistogramBinarizer(source) : new HybridBinarizer(source))
        );
        const format = FROM_ZXING.get(result.getBarcodeFormat());
        if (format && wellFormed(result.getText(), format)) {
          const found = normaliseDecode({ text: result.getText(), format: format as ScanFormat, pass: passName(pass) });
          if (!options.confirm) return found;
          const match = seen.find((d) => d.text === found.text && d.format === found.format);
          if (match) return { ...match, pass: `${match.pass}|${found.pass}`, confirmed: true };
          seen.push(found);
        }
      } catch {
        // NotFound / Checksum / Format: this pass saw no readable code; the next one may.
      } finally {
        reader.reset();
      }
    }
    return seen.length ? { ...seen[0], confirmed: false } : null;
  });
}

interface Pass {
  angle: number;
  global?: boolean;
  linearOnly?: boolean;
  /** QR and DataMatrix only: a 1-D reader thresholds each row by itself whichever binarizer is given, so a second
   * binarizer over the same turn would only repeat its work. */
  twoDOnly?: boolean;
  harder?: boolean;
  inverted?: boolean;
  /** Average each pixel with the rows above and below: bars are vertical, so noise fades and bars stay sharp. */
  smooth?: boolean;
  /** A 3×3 mean first: sensor noise averages out before the binarizer sees it. */
  denoise?: boolean;
  /** The image at half size (2×2 means) first: a still from a phone has pixels and noise to spare. */
  half?: boolean;
}
const LINEAR = new Set<ScanFormat>(['code_128', 'ean_13', 'ean_8', 'upc_a', 'code_39', 'code_93', 'itf', 'codabar']);
// The 90° and ±15° turns of the whole frame read nothing on the benchmark's frames that the located pass does not
// (it lays its lines at the code's own angle): on a camera frame they only cost time; stills keep them.
const FRAME_PASSES: Pass[] = [
  { angle: 0 },
  { angle: 0, global: true, twoDOnly: true },
  { angle: 0, linearOnly: true, smooth: true },
  { angle: 0, denoise: true }
];
const THOROUGH_PASSES: Pass[] = [
  { angle: 90, linearOnly: true },
  { angle: 15, linearOnly: true },
  { angle: -15, linearOnly: true },
  { angle: 30, linearOnly: true },
  { angle: -30, linearOnly: true },
  { angle: 45, linearOnly: true },
  { angle: -45, linearOnly: true },
  { angle: 0, harder: true },
  { angle: 0, global: true, harder: true },
  { angle: 90, linearOnly: true, smooth: true },
  { angle: 0, inverted: true },
  // Photos: at half size the noise of a phone sensor averages out and every pass costs a quarter.
  { angle: 0, half: true },
  { angle: 0, half: true, global: true },
  { angle: 0, half: true, denoise: true },
  { angle: 90, half: true, linearOnly: true },
  { angle: 15, half: true, linearOnly: true },
  { angle: -15, half: true, linearOnly: true },
  { angle: 30, half: true, linearOnly: true },
  { angle: -30, half: true, linearOnly: true },
  { angle: 0, half: true, smooth: true, linearOnly: true },
  { angle: 90, half: true, smooth: true, linearOnly: true }
];

function passName(p: Pass): string {
  return [
    p.angle ? `rot${p.angle}` : '',
    p.smooth ? 'smooth' : '',
    p.denoise ? 'denoise' : '',
    p.half ? 'half' : '',
    p.twoDOnly ? '2d' : '',
    p.global ? 'global' : 'hybrid',
    p.harder ? 'harder' : '',
    p.inverted ? 'inverted' : ''
  ]
    .filter(Boolean)
    .join('+');
}

/**
 * Whether a decoded text could have been printed so. A GS1-128 ending in an FNC1 separator (GS) never was: an FNC1
 * separates an element string from the next one, and the GS1 General Specifications' rules for concatenating
 * element strings put none after the last. Such a text is a misread whose mod-103 check happened to come out right
 * (seen once in 300 generated frames, two scan lines agreeing on it): refused, not cleaned up. So is a GS1-128
 * holding no element string at all (start, FNC1, check, stop: a fragment of a longer code).
 */
function wellFormed(text: string, format: ScanFormat): boolean {
  return !(format === 'code_128' && text.startsWith(']C1') && (text.endsWith('\u001d') || text.length === 3));
}

/** The located pass runs after this many passes (after the upright one: most codes aimed at read there). */
const LOCATED_AFTER = 1;
/** Scan lines laid across each located 1-D patch; two of them must agree before the patch's text counts. */
const LINES = 9;

/**
 * Codes read from the located patches (locate.ts), best first. A 1-D text counts only when at least two of the
 * patch's scan lines read it and no line reads another text (confirmed when three or more agree, or two lines of
 * different thresholds); a 2-D text is read from a crop centred on the patch, confirmed when a second binarizer reads
 * it too.
 */
function readLocated(grey: GreyImage, regions: Region[], bars: Region[], formats: readonly ScanFormat[]): Decoded[] {
  const linear = formats.filter((f) => LINEAR.has(f));
  const square = formats.filter((f) => !LINEAR.has(f));
  const out: Decoded[] = [];
  // Scan lines across the bar regions (bars that run one way, without the text or edges beside them), crops of the
  // busy patches that are not bars alone.
  const tries: [Region, boolean][] = [
    ...(linear.length ? bars.filter(acrossBars).map((r): [Region, boolean] => [r, true]) : []),
    ...(square.length ? regions.filter((r) => r.coherence < 0.7).map((r): [Region, boolean] => [r, false]) : [])
  ];
  let crops = 0;
  for (const [region, lines] of tries) {
    const best = !lines && crops++ === 0;
    let found = lines ? readLines(grey, region, linear) : readCrop(grey, region, square, best && compact(region));
    // Print beside a 2-D code joins its patch, and the crop centred on the whole patch puts the code off the middle,
    // where the DataMatrix detector (grown from the centre) never reaches it: the patch's densest squares instead.
    if (!found && best && !compact(region))
      for (const core of densest(region)) if ((found = readCrop(grey, core, square, false))) break;
    if (found) out.push(found);
    if (out.some((d) => d.confirmed)) break;
  }
  return out.sort((a, b) => Number(b.confirmed ?? false) - Number(a.confirmed ?? false));
}

/** A patch a 2-D code could fill: a square symbol at any turn covers over a third of its bounding box, where the
 * print and edges around a label that join into one patch spread thin over most of the frame (measured on the frame
 * corpus: codes 0.39 and up where only the thresholded crop read them; text-only patches 0.09 to 0.34). */
function compact(r: Region): boolean {
  const boxBlocks = ((r.x1 - r.x0) * (r.y1 - r.y0)) / (16 * 16);
  return r.blocks >= 12 && r.blocks / boxBlocks >= 0.36;
}

/** The squares of 5 and 8 blocks a side holding most of the region's blocks (at least 60 % full), as regions. */
function densest(r: Region): Region[] {
  const out: Region[] = [];
  const have = new Set(r.cells.map(([x, y]) => `${(x - 8) / 16},${(y - 8) / 16}`));
  for (const k of [8, 5]) {
    let bestN = 0,
      bx = 0,
      by = 0;
    for (let y = r.y0 / 16; y + k <= r.y1 / 16; y++)
      for (let x = r.x0 / 16; x + k <= r.x1 / 16; x++) {
        let n = 0;
        for (let j = 0; j < k; j++) for (let i = 0; i < k; i++) if (have.has(`${x + i},${y + j}`)) n++;
        if (n > bestN) [bestN, bx, by] = [n, x, y];
      }
    if (bestN < 0.6 * k * k) continue;
    const cells = r.cells.filter(([x, y]) => x >= bx * 16 && x < (bx + k) * 16 && y >= by * 16 && y < (by + k) * 16);
    out.push({ ...r, x0: bx * 16, y0: by * 16, x1: (bx + k) * 16, y1: (by + k) * 16, cells, blocks: cells.length });
  }
  return out;
}

/** Bars only where the region is long across them: the shortest code we read (EAN-8, 67 modules at 1.3 pixels each)
 * spans over five blocks across its bars; a carton's edge, tape or a ruled line is one or two blocks across its
 * edge however long it runs, and its scan lines (dozens of reader calls each) could never hold a code. */
function acrossBars(r: Region): boolean {
  // Across the bars on the block grid: the cells' spread along the bars' normal, in blocks.
  let u0 = Infinity,
    u1 = -Infinity;
  for (const [x, y] of r.cells) {
    const u = x * r.dx + y * r.dy;
    u0 = Math.min(u0, u);
    u1 = Math.max(u1, u);
  }
  return u1 - u0 >= ACROSS_MIN_PX;
}
const ACROSS_MIN_PX = 40;

function readLines(grey: GreyImage, region: Region, formats: readonly ScanFormat[]): Decoded | null {
  const { reader, hints } = lineReaderFor(formats);
  type Votes = Map<string, { d: Decoded; lines: Set<number>; thresholds: Set<string> }>;
  // The lines as thresholded, and the same lines redrawn edge to edge (Code 128): counted apart, so a redrawn line
  // never outvotes or spoils what the plain lines agree on; it is heard only when they read nothing.
  const plain: Votes = new Map(),
    redrawn: Votes = new Map();
  // Perspective turns the bars a little across a patch: the located angle first, then a few degrees either way; a
  // long patch whose long side is not square to its bars (sheared by the camera's angle) along its long side too.
  const skew = Math.abs(region.ax * region.dy - region.ay * region.dx); // sine of the angle between the two
  const sheared = region.elongation > 1.6 && skew > 0.05;
  // Along the long side, a few degrees either way too: print beside a sheared code widens its patch, and its long
  // side's direction comes out a little off, so one line at the located angle may be the only one inside the code.
  const ways: [number, boolean][] = [
    [0, false],
    ...(sheared ? ([[0, true]] as [number, boolean][]) : []),
    [4, false],
    [-4, false],
    ...(sheared
      ? ([
          [4, true],
          [-4, true]
        ] as [number, boolean][])
      : [])
  ];
  const edgeToEdge = formats.includes('code_128');
  for (const [angle, alongAxis] of ways) {
    for (const line of scanLines(grey, region, LINES, angle, alongAxis)) {
      const local = binariseProfile(line.profile),
        sharp = binariseProfile(sharpenProfile(line.profile)),
        sharper = binariseProfile(sharpenProfile(line.profile, 3, 3));
      // Too few bars for any code we read (EAN-8 has 22, the shortest Code 128 we print over 25), however it is
      // thresholded (the sharpest threshold splits the most): a line across print or a box edge, not bars.
      if (Math.max(darkRuns(local), darkRuns(sharp), darkRuns(sharper)) < MIN_BARS) continue;
      for (const [name, bits] of [
        ['local', local],
        ['wide', binariseProfile(line.profile, 64)],
        ['sharp', sharp],
        ['sharper', sharper],
        ...(edgeToEdge ? edgeLines(local) : []),
        ...(edgeToEdge ? edgeLines(sharp) : [])
      ] as const) {
        if (!bits) continue;
        const d = decodeBits(reader, hints, bits, line.offset);
        if (!d) continue;
        const key = `${d.format}\u0000${d.text}`;
        const votes = name === 'edges' ? redrawn : plain;
        const v = votes.get(key) ?? { d, lines: new Set<number>(), thresholds: new Set<string>() };
        votes.set(key, v);
        v.lines.add(line.offset * 1000 + angle * 10 + (alongAxis ? 1 : 0));
        v.thresholds.add(name);
      }
    }
    const agreed = [...plain.values()].filter((v) => v.lines.size >= 2);
    if (agreed.length && plain.size === 1) break;
  }
  return agreement(plain, 'located-lines') ?? (plain.size ? null : agreement(redrawn, 'located-lines+edges'));
}

/** Fewer dark runs than this on a scan line: no code of ours is on it. */
const MIN_BARS = 20;
function darkRuns(bits: boolean[]): number {
  let n = 0;
  for (let i = 0; i < bits.length; i++) if (bits[i] && (i === 0 || !bits[i - 1])) n++;
  return n;
}

/** The one text two or more lines read, when no line read another: a smudge or two codes are never a guess. */
function agreement(
  votes: Map<string, { d: Decoded; lines: Set<number>; thresholds: Set<string> }>,
  pass: string
): Decoded | null {
  if (votes.size !== 1) return null;
  const [v] = votes.values();
  if (v.lines.size < 2) return null;
  return { ...normaliseDecode(v.d), pass, confirmed: v.lines.size >= 3 || v.thresholds.size >= 2 };
}

/** The line redrawn edge to edge as a Code 128 (locate.ts), read from either end. */
function edgeLines(bits: boolean[]): [string, boolean[] | null][] {
  return [
    ['edges', regulariseCode128(bits)],
    ['edges', regulariseCode128([...bits].reverse())]
  ];
}

function decodeBits(
  reader: MultiFormatOneDReader,
  hints: Map<DecodeHintType, unknown>,
  bits: boolean[],
  row: number
): Decoded | null {
  const arr = new BitArray(bits.length);
  for (let i = 0; i < bits.length; i++) if (bits[i]) arr.set(i);
  for (let turn = 0; turn < 2; turn++) {
    try {
      const r = reader.decodeRow(row, arr, hints);
      const format = FROM_ZXING.get(r.getBarcodeFormat());
      if (format && wellFormed(r.getText(), format)) return { text: r.getText(), format, pass: 'located-lines' };
    } catch {
      // no code on this line this way round
    }
    arr.reverse();
  }
  return null;
}

function readCrop(grey: GreyImage, region: Region, formats: readonly ScanFormat[], best = true): Decoded | null {
  const { data, width: w, height: h } = grey;
  const side = Math.max(region.x1 - region.x0, region.y1 - region.y0);
  const pad = Math.round(side * 0.35 + 12);
  const cx = (region.x0 + region.x1) / 2,
    cy = (region.y0 + region.y1) / 2;
  const half = side / 2 + pad;
  const x0 = Math.max(0, Math.round(cx - half)),
    y0 = Math.max(0, Math.round(cy - half));
  const x1 = Math.min(w, Math.round(cx + half)),
    y1 = Math.min(h, Math.round(cy + half));
  const cw = x1 - x0,
    ch = y1 - y0;
  if (cw < 16 || ch < 16) return null;
  // Small modules: the crop at twice the size (bilinear), so the detector's sampling grid lands inside each module.
  const up = side < 160 ? 2 : 1;
  const ow = cw * up,
    oh = ch * up;
  const crop = new Uint8ClampedArray(ow * oh);
  for (let y = 0; y < oh; y++) {
    const sy = Math.min(ch - 1.001, Math.max(0, (y + 0.5) / up - 0.5));
    const iy = sy | 0,
      fy = sy - iy;
    for (let x = 0; x < ow; x++) {
      const sx = Math.min(cw - 1.001, Math.max(0, (x + 0.5) / up - 0.5));
      const ix = sx | 0,
        fx = sx - ix;
      const i = (y0 + iy) * w + x0 + ix;
      crop[y * ow + x] =
        (data[i] * (1 - fx) + data[i + 1] * fx) * (1 - fy) + (data[i + w] * (1 - fx) + data[i + w + 1] * fx) * fy;
    }
  }
  const straight = squareUp(crop, ow, oh);
  const plain = { data: crop, width: ow, height: oh };
  // Each try: the image, its binarizer, and its name. The thresholded ones come last: noise averaged out (3×3 mean)
  // and each pixel held against the mean of a window a few modules wide, which neither of ZXing's binarizers is on a
  // crop: HybridBinarizer's 40-pixel windows fall inside the big modules of a close code, GlobalHistogramBinarizer's
  // one threshold fails under a light falloff, and both let sensor noise through on a faint code.
  // Lazily: each thresholded image costs a blur and a window sum over the crop, and most crops read on the first try
  // or (text, a carton's print) never do.
  type Try = [() => GreyImage, boolean, string];
  // A crop of (nearly) the whole frame at its own size is what the frame passes already give HybridBinarizer and
  // GlobalHistogramBinarizer: only its squared and thresholded forms are new.
  const whole = up === 1 && cw * ch >= 0.85 * w * h;
  const tries: Try[] = [
    ...(whole
      ? []
      : ([
          [() => plain, false, 'hybrid'],
          [() => plain, true, 'global']
        ] as Try[])),
    ...(straight ? ([[() => straight, false, 'squared+hybrid']] as Try[]) : []),
    ...(best
      ? ([
          [() => threshold(plain), false, 'thresholded'],
          ...(straight ? ([[() => threshold(straight), false, 'squared+thresholded']] as Try[]) : []),
          // A window twice as wide: a second, different binarisation, so a read there can be confirmed in one frame.
          [() => threshold(straight ?? plain, 2), false, `${straight ? 'squared+' : ''}thresholded-wide`]
        ] as Try[])
      : [])
  ];
  const reader = readerFor(formats);
  let first: Decoded | null = null;
  for (const [make, global, how] of tries) {
    const img = make();
    const source = new RGBLuminanceSource(img.data, img.width, img.height);
    try {
      const r = reader.decodeWithState(
        new BinaryBitmap(global ? new GlobalHistogramBinarizer(source) : new HybridBinarizer(source))
      );
      const format = FROM_ZXING.get(r.getBarcodeFormat());
      if (!format) continue;
      const d = normaliseDecode({ text: r.getText(), format, pass: `located-crop+${how}` });
      if (first && first.text === d.text && first.format === d.format) return { ...first, confirmed: true };
      if (first) return null; // two tries, two texts: neither is trusted
      first = d;
    } catch {
      // not on this try
    } finally {
      reader.reset();
    }
  }
  return first ? { ...first, confirmed: false } : null;
}

/**
 * The image as black and white: 3×3 mean, then each pixel dark when below the mean of the square window around it
 * (a side of an eighth of the image, or a quarter with `wide` 2, at least 17 pixels) by a twentieth of the image's contrast, so bare paper under
 * noise stays white. A binary image goes through HybridBinarizer unchanged.
 */
function threshold(img: GreyImage, wide = 1): GreyImage {
  const { width: w, height: h } = img;
  const data = boxBlur3(img.data, w, h);
  const sum = new Float64Array((w + 1) * (h + 1));
  for (let y = 0; y < h; y++) {
    let row = 0;
    for (let x = 0; x < w; x++) {
      row += data[y * w + x];
      sum[(y + 1) * (w + 1) + x + 1] = sum[y * (w + 1) + x + 1] + row;
    }
  }
  const offset = (quantile(data, 0.98) - quantile(data, 0.02)) / 20;
  const r = Math.max(8, Math.round((wide * Math.max(w, h)) / 16));
  const out = new Uint8ClampedArray(w * h);
  for (let y = 0; y < h; y++) {
    const ya = Math.max(0, y - r),
      yb = Math.min(h, y + r + 1);
    for (let x = 0; x < w; x++) {
      const xa = Math.max(0, x - r),
        xb = Math.min(w, x + r + 1);
      const total = sum[yb * (w + 1) + xb] - sum[ya * (w + 1) + xb] - sum[yb * (w + 1) + xa] + sum[ya * (w + 1) + xa];
      const mean = total / ((yb - ya) * (xb - xa));
      out[y * w + x] = data[y * w + x] < mean - offset ? 0 : 255;
    }
  }
  return { data: out, width: w, height: h };
}

/** The value at rank floor(q · n) of the bytes in ascending order (what sorting them and indexing would give), from
 * a histogram: no copy, no sort. */
function quantile(data: Uint8ClampedArray, q: number): number {
  const hist = new Uint32Array(256);
  for (let i = 0; i < data.length; i++) hist[data[i]]++;
  const rank = Math.floor(data.length * q);
  let seen = 0;
  for (let v = 0; v < 256; v++) {
    seen += hist[v];
    if (seen > rank) return v;
  }
  return 255;
}

/**
 * The crop turned so the code's module edges run square to it, or null when they already do (within 8°). The
 * DataMatrix detector follows the symbol's L-shaped edge badly near 45°. The turn is read from the gradients: the
 * mean of (gx + i·gy)⁴ / |g|² points four times the edges' angle, so the two edge directions of a square grid add
 * up instead of cancelling.
 */
function squareUp(data: Uint8ClampedArray, w: number, h: number): GreyImage | null {
  let re = 0,
    im = 0;
  for (let y = 1; y < h - 1; y++)
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const gx = data[i + 1] - data[i - 1],
        gy = data[i + w] - data[i - w];
      const m2 = gx * gx + gy * gy;
      if (m2 < 400) continue;
      // (gx + i·gy)⁴ / |g|² = |g|² · e^{4iθ}
      const c2 = (gx * gx - gy * gy) / m2,
        s2 = (2 * gx * gy) / m2;
      re += m2 * (c2 * c2 - s2 * s2);
      im += m2 * (2 * c2 * s2);
    }
  const angle = Math.atan2(im, re) / 4; // -45°..45°
  if (Math.abs(angle) < (8 * Math.PI) / 180) return null;
  // Into a square canvas the crop's diagonal wide, so no corner of the code is cut, paper-white where nothing lands.
  const side = Math.ceil(Math.hypot(w, h));
  const out = new Uint8ClampedArray(side * side);
  let paper = 0;
  for (let i = 0; i < w; i++) paper = Math.max(paper, data[i], data[(h - 1) * w + i]);
  const cos = Math.cos(angle),
    sin = Math.sin(angle);
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++) {
      const dx = x - side / 2,
        dy = y - side / 2;
      const sx = cos * dx - sin * dy + w / 2,
        sy = sin * dx + cos * dy + h / 2;
      const ix = sx | 0,
        iy = sy | 0;
      out[y * side + x] = sx >= 0 && sy >= 0 && ix < w - 1 && iy < h - 1 ? data[iy * w + ix] : paper;
    }
  return { data: out, width: side, height: side };
}

const lineReaders = new Map<string, { reader: MultiFormatOneDReader; hints: Map<DecodeHintType, unknown> }>();
function lineReaderFor(formats: readonly ScanFormat[]) {
  const key = formats.join(',');
  let r = lineReaders.get(key);
  if (!r) {
    const hints = new Map<DecodeHintType, unknown>([
      [DecodeHintType.POSSIBLE_FORMATS, formats.map((f) => TO_ZXING[f])],
      [DecodeHintType.ASSUME_GS1, true]
    ]);
    r = { reader: new MultiFormatOneDReader(hints), hints };
    lineReaders.set(key, r);
  }
  return r;
}

// A MultiFormatReader builds its sub-readers in setHints: keep one per (formats, effort) instead of one per pass.
const readers = new Map<string, MultiFormatReader>();
function readerFor(formats: readonly ScanFormat[], harder = false): MultiFormatReader {
  const key = `${formats.join(',')}|${harder}`;
  let reader = readers.get(key);
  if (!reader) {
    const hints = new Map<DecodeHintType, unknown>([
      [DecodeHintType.POSSIBLE_FORMATS, formats.map((f) => TO_ZXING[f])],
      [DecodeHintType.ASSUME_GS1, true]
    ]);
    if (harder) hints.set(DecodeHintType.TRY_HARDER, true);
    reader = new MultiFormatReader();
    reader.setHints(hints);
    readers.set(key, reader);
  }
  return reader;
}

/** The image turned by `degrees` about its centre: 90° swaps width and height; other angles keep the frame size
 * (a code near the centre stays inside it) with white where the turn leaves no pixel. */
export function rotateGrey(grey: GreyImage, degrees: number): GreyImage {
  const { width: w, height: h, data } = grey;
  if (degrees === 0) return grey;
  if (degrees === 90) {
    const out = new Uint8ClampedArray(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[(w - 1 - x) * h + y] = data[y * w + x];
    return { data: out, width: h, height: w };
  }
  const a = (degrees * Math.PI) / 180;
  const cos = Math.cos(a),
    sin = Math.sin(a);
  const out = new Uint8ClampedArray(w * h).fill(255);
  const cx = w / 2,
    cy = h / 2;
  for (let y = 0; y < h; y++) {
    const dy = y - cy;
    // Walk the source along the row: two additions per pixel instead of a rotation.
    let sx = cos * -cx + sin * dy + cx;
    let sy = -sin * -cx + cos * dy + cy;
    for (let x = 0; x < w; x++, sx += cos, sy -= sin) {
      const ix = sx | 0,
        iy = sy | 0;
      if (sx >= 0 && sy >= 0 && ix < w && iy < h) out[y * w + x] = data[iy * w + ix];
    }
  }
  return { data: out, width: w, height: h };
}

/** Half the width and height, each pixel the mean of four. */
function halve(grey: GreyImage): GreyImage {
  const { data, width: w } = grey;
  const hw = grey.width >> 1,
    hh = grey.height >> 1;
  const out = new Uint8ClampedArray(hw * hh);
  for (let y = 0; y < hh; y++)
    for (let x = 0; x < hw; x++) {
      const i = 2 * y * w + 2 * x;
      out[y * hw + x] = (data[i] + data[i + 1] + data[i + w] + data[i + w + 1] + 2) >> 2;
    }
  return { data: out, width: hw, height: hh };
}

function boxBlur3(data: Uint8ClampedArray, w: number, h: number): Uint8ClampedArray {
  const out = Uint8ClampedArray.from(data); // the one-pixel border stays as it was
  for (let y = 1; y < h - 1; y++)
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      out[i] =
        (data[i - w - 1] +
          data[i - w] +
          data[i - w + 1] +
          data[i - 1] +
          data[i] +
          data[i + 1] +
          data[i + w - 1] +
          data[i + w] +
          data[i + w + 1]) /
        9;
    }
  return out;
}

/** A vertical running mean over 7 rows. */
function smoothColumns(data: Uint8ClampedArray, w: number, h: number): Uint8ClampedArray {
  const R = 3;
  const out = new Uint8ClampedArray(w * h);
  for (let x = 0; x < w; x++) {
    let sum = 0,
      n = 0;
    for (let y = 0; y < Math.min(R, h); y++) {
      sum += data[y * w + x];
      n++;
    }
    for (let y = 0; y < h; y++) {
      if (y + R < h) {
        sum += data[(y + R) * w + x];
        n++;
      }
      if (y - R - 1 >= 0) {
        sum -= data[(y - R - 1) * w + x];
        n--;
      }
      out[y * w + x] = sum / n;
    }
  }
  return out;
}

type Console = Pick<typeof console, 'error' | 'warn' | 'log' | 'debug'>;
/** Runs fn with console.error/warn/log/debug silenced: the library logs every failed attempt. */
function quietly<T>(fn: () => T): T {
  const saved: Console = { error: console.error, warn: console.warn, log: console.log, debug: console.debug };
  const hush = () => {};
  console.error = console.warn = console.log = console.debug = hush;
  // Every reader that finds nothing throws (NotFoundException, through ts-custom-error, which captures the stack
  // twice): a no-code frame throws thousands of times, and the stacks were a quarter of its time. No one reads them.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return fn();
  } finally {
    Error.stackTraceLimit = limit;
    Object.assign(console, saved);
  }
}
