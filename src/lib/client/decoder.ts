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
// Each image goes through passes until one decodes. A camera frame ('frame' effort): HybridBinarizer (local
// thresholds, good under uneven light) then GlobalHistogramBinarizer (better on blur and low contrast) on the
// upright image for every format, then the 1D formats on the image turned by 90° and tilted by ±15° (a 1D reader
// only scans rows; QR and DataMatrix find themselves at any angle), on rows averaged vertically (noise), and
// every format once more on a 3×3-averaged image (noisy, dim frames). A still image ('thorough') adds ±30°/±45°,
// TRY_HARDER (every row, both directions: ~250 ms on a 640×480 frame with no code, too slow per frame) and an
// inverted image for light-on-dark marks. ASSUME_GS1 is always set: only Code 128 reads it, and it keeps FNC1 as
// `]C1`/GS so a lot does not run into the next field. @zxing/library logs failures through console.*: kept quiet.
import {
  BarcodeFormat,
  BinaryBitmap,
  DecodeHintType,
  GlobalHistogramBinarizer,
  HybridBinarizer,
  InvertedLuminanceSource,
  MultiFormatReader,
  RGBLuminanceSource,
  type LuminanceSource
} from '@zxing/library';

export const SCAN_FORMATS = ['code_128', 'ean_13', 'ean_8', 'upc_a', 'qr_code', 'data_matrix'] as const;
export type ScanFormat = (typeof SCAN_FORMATS)[number];

export interface RgbaImage {
  data: Uint8ClampedArray | Uint8Array;
  width: number;
  height: number;
}
export interface GreyImage {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}
export interface Decoded {
  text: string;
  format: ScanFormat;
  /** Which pass found it, for the benchmark: e.g. "hybrid", "rot90+global", "denoise+hybrid", "hybrid+harder". */
  pass: string;
}
export interface DecodeOptions {
  formats?: readonly ScanFormat[];
  /** 'frame' (default) for camera frames: FRAME_PASSES. 'thorough' for still images: THOROUGH_PASSES too. */
  effort?: 'frame' | 'thorough';
}

const TO_ZXING: Record<ScanFormat, BarcodeFormat> = {
  code_128: BarcodeFormat.CODE_128,
  ean_13: BarcodeFormat.EAN_13,
  ean_8: BarcodeFormat.EAN_8,
  upc_a: BarcodeFormat.UPC_A,
  qr_code: BarcodeFormat.QR_CODE,
  data_matrix: BarcodeFormat.DATA_MATRIX
};
const FROM_ZXING = new Map<BarcodeFormat, ScanFormat>(SCAN_FORMATS.map((f) => [TO_ZXING[f], f]));

export function toGrey(img: RgbaImage): GreyImage {
  const { width, height, data } = img;
  if (data.length < width * height * 4)
    throw new RangeError(`expected ${width}×${height} RGBA pixels, got ${data.length} bytes`);
  const out = new Uint8ClampedArray(width * height);
  for (let i = 0, p = 0; i < out.length; i++, p += 4)
    out[i] = (data[p] * 77 + data[p + 1] * 150 + data[p + 2] * 29) >> 8;
  return { data: out, width, height };
}

export function decodeImage(img: RgbaImage, options: DecodeOptions = {}): Decoded | null {
  return decodeGrey(toGrey(img), options);
}

export function decodeGrey(grey: GreyImage, options: DecodeOptions = {}): Decoded | null {
  const formats = options.formats ?? SCAN_FORMATS;
  const linear = formats.filter((f) => LINEAR.has(f));
  const passes = options.effort === 'thorough' ? [...FRAME_PASSES, ...THOROUGH_PASSES] : FRAME_PASSES;
  const turned = new Map<string, RGBLuminanceSource>();
  return quietly(() => {
    for (const pass of passes) {
      const wanted = pass.linearOnly ? linear : formats;
      if (!wanted.length) continue;
      const key = `${pass.angle}${pass.smooth ? 's' : ''}${pass.denoise ? 'd' : ''}`;
      let source: LuminanceSource | undefined = turned.get(key);
      if (!source) {
        const { data, width: w, height: h } = rotateGrey(grey, pass.angle);
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
        if (format) return { text: result.getText(), format, pass: passName(pass) };
      } catch {
        // NotFound / Checksum / Format: this pass saw no readable code; the next one may.
      } finally {
        reader.reset();
      }
    }
    return null;
  });
}

interface Pass {
  angle: number;
  global?: boolean;
  linearOnly?: boolean;
  harder?: boolean;
  inverted?: boolean;
  /** Average each pixel with the rows above and below: bars are vertical, so noise fades and bars stay sharp. */
  smooth?: boolean;
  /** A 3×3 mean first: sensor noise averages out before the binarizer sees it. */
  denoise?: boolean;
}
const LINEAR = new Set<ScanFormat>(['code_128', 'ean_13', 'ean_8', 'upc_a']);
const FRAME_PASSES: Pass[] = [
  { angle: 0 },
  { angle: 0, global: true },
  { angle: 90, linearOnly: true },
  { angle: 90, linearOnly: true, global: true },
  { angle: 15, linearOnly: true },
  { angle: -15, linearOnly: true },
  { angle: 0, linearOnly: true, smooth: true },
  { angle: 0, denoise: true }
];
const THOROUGH_PASSES: Pass[] = [
  { angle: 30, linearOnly: true },
  { angle: -30, linearOnly: true },
  { angle: 45, linearOnly: true },
  { angle: -45, linearOnly: true },
  { angle: 0, harder: true },
  { angle: 0, global: true, harder: true },
  { angle: 90, linearOnly: true, smooth: true },
  { angle: 0, inverted: true }
];

function passName(p: Pass): string {
  return [
    p.angle ? `rot${p.angle}` : '',
    p.smooth ? 'smooth' : '',
    p.denoise ? 'denoise' : '',
    p.global ? 'global' : 'hybrid',
    p.harder ? 'harder' : '',
    p.inverted ? 'inverted' : ''
  ]
    .filter(Boolean)
    .join('+');
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
  try {
    return fn();
  } finally {
    Object.assign(console, saved);
  }
}
