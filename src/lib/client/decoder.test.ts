// The decoder core on barcode images made by bwip-js (tests/fixtures/barcodes.ts), in Node: the same code the
// worker runs. Each decoded text must parse to what the label says.
import bwipjs from 'bwip-js/node';
import { PNG } from 'pngjs';
import { MultiFormatOneDReader, MultiFormatReader } from '@zxing/library';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  barcodeFixtures,
  BARCODES,
  cameraFrame,
  FIXTURE_ITEMS,
  renderBarcode,
  VARIANTS,
  type Fixture
} from '../../../tests/fixtures/barcodes';
import { frameCorpus, noCodeFrames } from '../../../tests/fixtures/frame-corpus';
import { gtinLookup, parseBarcode } from '../domain/barcode';
import { ALL_CAMERA_FORMATS, CAMERA_FORMATS } from './camera';
import { DEFAULT_SCAN_FORMATS, decodeGrey, decodeImage, SCAN_FORMATS, toGrey } from './decoder';
import { locate } from './locate';

const lookup = gtinLookup(FIXTURE_ITEMS);
const pick = (...names: string[]) => VARIANTS.filter((v) => names.includes(v.name));
let fixtures: Fixture[] = [];

beforeAll(async () => {
  const all = await barcodeFixtures(BARCODES, pick('clean', 'rot90', 'rot180', 'noisy'));
  // A long GS1-128 held sideways has under 2 pixels per module across a 480-pixel frame: below what @zxing/library
  // resolves (the benchmark counts those frames; here each frame must decode).
  fixtures = all.filter((f) => !(f.variant.name === 'rot90' && /^gs1-128-(lot-expiry|pallet)$/.test(f.spec.name)));
}, 60_000);

describe('decodeImage on camera frames', () => {
  it('reads every symbology the station supports, upright, turned and noisy, and the text parses to the label', () => {
    expect(fixtures.length).toBe(BARCODES.length * 4 - 2);
    const failures: string[] = [];
    for (const f of fixtures) {
      const decoded = decodeImage(f.image);
      if (!decoded) {
        failures.push(`${f.file}: nothing decoded`);
        continue;
      }
      if (decoded.format !== f.spec.format)
        failures.push(`${f.file}: format ${decoded.format}, expected ${f.spec.format}`);
      // A fixed reference date for the century of GS1 years: parseBarcode has no clock.
      const parsed = parseBarcode(decoded.text, { gtinToItem: lookup, today: new Date('2026-12-02T00:00:00Z') });
      if (!parsed.ok || JSON.stringify(sorted(parsed)) !== JSON.stringify(sorted({ ok: true, ...f.spec.expect })))
        failures.push(`${f.file}: ${JSON.stringify(decoded.text)} parsed to ${JSON.stringify(parsed)}`);
    }
    expect(failures).toEqual([]);
  }, 60_000); // 46 frames through every pass: seconds on a shared machine

  it('keeps FNC1 in GS1-128 (ASSUME_GS1) and emits DataMatrix FNC1 as a leading GS', () => {
    const gs1128 = fixtures.find((f) => f.file === 'gs1-128-lot-expiry/clean.png')!;
    expect(decodeImage(gs1128.image)!.text).toMatch(/^\]C101\d{14}17\d{6}10LOT-A17$/);
    const count = fixtures.find((f) => f.file === 'gs1-128-lot-count/clean.png')!;
    expect(decodeImage(count.image)!.text).toMatch(/^\]C101\d{14}10B7\u001d3012$/);
    const dm = fixtures.find((f) => f.file === 'gs1-datamatrix/clean.png')!;
    expect(decodeImage(dm.image)!.text.startsWith('\u001d01')).toBe(true);
  });

  it('reads a 1D code held sideways (scan lines across the located bars, or the 90° pass)', () => {
    const f = fixtures.find((x) => x.file === 'ean13/rot90.png')!;
    expect(decodeImage(f.image)).toMatchObject({
      text: FIXTURE_ITEMS[2].gtin,
      format: 'ean_13',
      pass: expect.stringMatching(/^(rot90|located-lines)/)
    });
  });

  it('reads a 1D code tilted by 40°, which a single upright pass misses', async () => {
    const symbol = await renderBarcode({ bcid: 'ean13', data: FIXTURE_ITEMS[0].gtin });
    const frame = cameraFrame(symbol, { ...VARIANTS[0], name: 'tilt40', angle: 40 });
    expect(decodeImage(frame)).toMatchObject({ text: FIXTURE_ITEMS[0].gtin, pass: 'located-lines' });
    expect(decodeImage(frame, { effort: 'thorough' })).toMatchObject({ text: FIXTURE_ITEMS[0].gtin });
  });

  // A code anywhere in the frame, not only where the worker aimed: @zxing/library's 1-D readers scan rows about the
  // middle only, and its DataMatrix detector grows from the image centre.
  it('reads a Code 128 near the top edge and a DataMatrix in a corner, located where they are', async () => {
    const c128 = await renderBarcode({ bcid: 'code128', data: 'WO-48213;QTY=12' });
    const top = offCentre(c128, 0.32, 320, 60);
    expect(decodeImage(top, { confirm: true })).toMatchObject({
      text: 'WO-48213;QTY=12',
      format: 'code_128',
      confirmed: true,
      pass: expect.stringContaining('located-lines')
    });
    const dm = await renderBarcode({ bcid: 'datamatrix', data: 'ITEM=P-1003;QTY=2', scale: 4 });
    for (const [x, y] of [
      [90, 80],
      [540, 390]
    ]) {
      expect(decodeImage(offCentre(dm, 0.14, x, y), { confirm: true })).toMatchObject({
        text: 'ITEM=P-1003;QTY=2',
        format: 'data_matrix',
        pass: expect.stringContaining('located-crop')
      });
    }
  });

  it('reads a DataMatrix turned near 45° off the centre, from its crop squared up to its module edges', async () => {
    const gtin = '0' + FIXTURE_ITEMS[0].gtin;
    const dm = await renderBarcode({ bcid: 'gs1datamatrix', data: `(01)${gtin}(10)L-77(30)5`, scale: 4 });
    const found = [40, 45, -47].map((angle) => decodeImage(offCentre(dm, 0.14, 470, 330, angle), { confirm: true }));
    for (const d of found) expect(d).toMatchObject({ text: `\u001d01${gtin}10L-77\u001d305` });
    expect(found.some((d) => d?.pass.includes('squared'))).toBe(true);
  });

  // Seen in the frame corpus: close, faint, noisy DataMatrix codes under a light falloff that neither of ZXing's
  // binarizers separates from the paper on the located crop, read once the crop is thresholded against its own
  // local mean (and confirmed by a second, wider window).
  it('reads a close, faint, noisy DataMatrix at 45° under a light falloff from its thresholded crop', async () => {
    const dm = await renderBarcode({ bcid: 'datamatrix', data: 'ITEM=P-2151;QTY=31', scale: 4 });
    const frame = offCentre(dm, 0.15, 420, 270, 44, { ink: 15, paper: 176, noise: 9, blur: 1 });
    for (let i = 0; i < frame.width * frame.height; i++) {
      const k = 1 - (0.25 * (i % frame.width)) / frame.width;
      for (let c = 0; c < 3; c++) frame.data[i * 4 + c] *= k;
    }
    expect(decodeImage(frame, { confirm: true })).toMatchObject({
      text: 'ITEM=P-2151;QTY=31',
      format: 'data_matrix',
      confirmed: true,
      pass: expect.stringContaining('thresholded')
    });
  });

  it('refuses a GS1-128 that ends in an FNC1: no element string follows it, so it is a misread', async () => {
    const gtin = '0' + FIXTURE_ITEMS[0].gtin;
    const draw = async (text: string) => {
      const png = PNG.sync.read(
        await bwipjs.toBuffer({
          bcid: 'code128',
          text,
          parsefnc: true,
          scale: 3,
          height: 12,
          paddingwidth: 10,
          paddingheight: 10,
          backgroundcolor: 'FFFFFF'
        })
      );
      const symbol = { data: new Uint8ClampedArray(png.data), width: png.width, height: png.height };
      return cameraFrame(symbol, VARIANTS[0]);
    };
    // The same element strings without the stray FNC1 read.
    expect(decodeImage(await draw(`^FNC101${gtin}10L7`))).toMatchObject({ text: `]C101${gtin}10L7` });
    expect(decodeImage(await draw(`^FNC101${gtin}10L7^FNC1`), { effort: 'thorough' })).toBeNull();
  });

  it('reads a Code 128 under a strong light falloff, thresholded against the local light', async () => {
    const symbol = await renderBarcode({ bcid: 'code128', data: 'LOC=A-1207' });
    const frame = cameraFrame(symbol, { ...VARIANTS[0], name: 'tilt', angle: 20, fill: 0.6 });
    // Light falling off from left to right: the right end of the code is darker than the left end's paper.
    for (let i = 0; i < frame.width * frame.height; i++) {
      const x = i % frame.width;
      const k = 1 - (0.6 * x) / frame.width;
      for (let c = 0; c < 3; c++) frame.data[i * 4 + c] *= k;
    }
    expect(decodeImage(frame, { confirm: true })).toMatchObject({ text: 'LOC=A-1207', confirmed: true });
  });

  it('returns null for a frame with no code, and keeps the library quiet while it looks', () => {
    const blank = {
      data: new Uint8ClampedArray(640 * 480 * 4).map((_, i) => (i % 4 === 3 ? 255 : 128 + ((i * 7919) % 61))),
      width: 640,
      height: 480
    };
    const error = vi.spyOn(console, 'error');
    const warn = vi.spyOn(console, 'warn');
    const log = vi.spyOn(console, 'log');
    try {
      expect(decodeImage(blank, { effort: 'thorough' })).toBeNull();
      expect(error).not.toHaveBeenCalled();
      expect(warn).not.toHaveBeenCalled();
      expect(log).not.toHaveBeenCalled();
      // The console is given back afterwards, and so are error stacks (off while the readers throw).
      console.error('after');
      expect(error).toHaveBeenCalledWith('after');
      expect(new Error('after').stack).toContain('decoder.test');
    } finally {
      error.mockRestore();
      warn.mockRestore();
      log.mockRestore();
    }
  }, 30_000); // every still-image pass over 640×480 pixels: seconds on a loaded machine

  it('honours a restricted list of formats', () => {
    const qr = fixtures.find((f) => f.file === 'seed-qr/clean.png')!;
    expect(decodeImage(qr.image, { formats: ['code_128', 'ean_13'] })).toBeNull();
    expect(decodeImage(qr.image, { formats: ['qr_code'] })?.format).toBe('qr_code');
  });

  it('decodes the same from RGBA and from luminance', () => {
    const f = fixtures.find((x) => x.file === 'seed-code128/noisy.png')!;
    expect(decodeGrey(toGrey(f.image))).toEqual(decodeImage(f.image));
  });

  it('refuses pixel data shorter than its size says', () => {
    expect(() => toGrey({ data: new Uint8ClampedArray(10), width: 640, height: 480 })).toThrow(RangeError);
  });

  it('reads the formats of the issue by default, the same the camera asks for and offers', () => {
    expect([...DEFAULT_SCAN_FORMATS].sort()).toEqual([
      'code_128',
      'data_matrix',
      'ean_13',
      'ean_8',
      'qr_code',
      'upc_a'
    ]);
    expect([...CAMERA_FORMATS].sort()).toEqual([...DEFAULT_SCAN_FORMATS].sort());
    expect([...ALL_CAMERA_FORMATS].sort()).toEqual([...SCAN_FORMATS].sort());
  });

  it('with confirm, says whether a second pass agreed, and reports UPC-A in one form', async () => {
    const qr = fixtures.find((f) => f.file === 'seed-qr/clean.png')!;
    expect(decodeImage(qr.image, { confirm: true })).toMatchObject({
      text: 'ITEM=P-1004;QTY=3',
      confirmed: true,
      pass: expect.stringContaining('|')
    });
    // A UPC-A read only by the EAN-13 reader (UPC-A not asked for) comes out as UPC-A's 12 digits all the same.
    const upc = fixtures.find((f) => f.file === 'upca/clean.png')!;
    expect(decodeImage(upc.image, { formats: ['ean_13'] })).toMatchObject({ text: '036000291452', format: 'upc_a' });
    // A frame with no code: nothing, confirmed or not.
    const blank = { data: new Uint8ClampedArray(320 * 240 * 4).fill(255), width: 320, height: 240 };
    expect(decodeImage(blank, { confirm: true })).toBeNull();
  });

  it('reads a Code 39 only when asked for', async () => {
    const symbol = await renderBarcode({ bcid: 'code39', data: 'LS-42' });
    const frame = cameraFrame(symbol, VARIANTS[0]);
    expect(decodeImage(frame)).toBeNull();
    expect(decodeImage(frame, { formats: ['code_39'] })).toMatchObject({ text: 'LS-42', format: 'code_39' });
  });
});

/** The symbol `fill` of a 1280-wide frame across, with its centre at (x, y) of a 640×480 frame: placed off the
 * centre, as cameraFrame (which centres) cannot. */
// Seen in the frame corpus: label print beside a DataMatrix joins its busy patch, and the crop centred on the whole
// patch left the code off the middle, where the DataMatrix detector (grown from the centre) never reached it. The
// patch's densest square is cropped too. Seed 126's DataMatrix (frame 10 of 12): read nowhere before.
it('reads a DataMatrix whose busy patch the print beside it has joined, from the densest square of the patch', async () => {
  const frame = (await frameCorpus({ count: 12, seed: 126 }))[10];
  expect(frame).toMatchObject({ kind: 'datamatrix', look: { clutter: 1 } });
  const d = decodeImage(frame.image, { confirm: true });
  expect(d).toMatchObject({ text: frame.text, format: 'data_matrix', pass: expect.stringContaining('located-crop') });
}, 30_000);

it('runs no reader on a frame of label text, edges and tape with no code, and still reads the code among them', async () => {
  // The live camera's usual frame: print busy enough to be located, inked unlike any code (locate.ts looksLikeCode).
  const frames = noCodeFrames({ count: 30 });
  const busy = frames.filter((f) => locate(toGrey(f)).regions.length);
  expect(busy.length).toBeGreaterThan(20);
  const frame = vi.spyOn(MultiFormatReader.prototype, 'decodeWithState');
  const line = vi.spyOn(MultiFormatOneDReader.prototype, 'decodeRow');
  try {
    // Frames on which some reader ran: every busy one before the gate; now only those with a patch as inked as a
    // code's (4 of the 24: a bold word, a thick edge across print).
    let read = 0;
    for (const f of busy) {
      frame.mockClear();
      line.mockClear();
      expect(decodeImage(f, { confirm: true })).toBeNull();
      if (frame.mock.calls.length || line.mock.calls.length) read++;
    }
    expect(read).toBeLessThanOrEqual(busy.length / 4);
    // A code in the same clutter is still read (the corpus's frames with a label's print beside the code).
    const corpus = await frameCorpus({ count: 12, seed: 126 });
    const coded = [corpus[3], corpus[6], corpus[10]]; // a GS1-128, an EAN-8 and a DataMatrix
    for (const e of coded) expect(e.look.clutter).toBe(1);
    for (const e of coded)
      expect(decodeImage(e.image, { confirm: true })?.text.replace(/^\]C1|^\u001d/, '')).toBe(e.text);
  } finally {
    frame.mockRestore();
    line.mockRestore();
  }
}, 60_000);

it('reads a DataMatrix held close, its modules too big for a 16-pixel block to see two edges of', async () => {
  // 10 pixels a module: at 16-pixel blocks the patch is not inked like a code; at 32 and 64 pixels it is.
  const s = await renderBarcode({ bcid: 'datamatrix', data: 'P1', scale: 10 });
  const img = new Uint8ClampedArray(640 * 480 * 4).fill(255);
  const ox = (640 - s.width) >> 1,
    oy = (480 - s.height) >> 1;
  for (let y = 0; y < s.height; y++)
    for (let x = 0; x < s.width; x++)
      for (let c = 0; c < 3; c++)
        img[((oy + y) * 640 + ox + x) * 4 + c] = s.data[(y * s.width + x) * 4 + c] * 0.7 + 40 + ((x * 7 + y * 13) % 9);
  expect(decodeImage({ data: img, width: 640, height: 480 }, { confirm: true })).toMatchObject({
    text: 'P1',
    format: 'data_matrix'
  });
});

function offCentre(
  symbol: Awaited<ReturnType<typeof renderBarcode>>,
  fill: number,
  x: number,
  y: number,
  angle = 0,
  look: Partial<(typeof VARIANTS)[number]> = {}
) {
  const variant = { ...VARIANTS[0], ...look, name: 'off-centre', fill, angle };
  const big = cameraFrame(symbol, variant, 1, { width: 1280, height: 960 });
  const out = new Uint8ClampedArray(640 * 480 * 4);
  const ox = 640 - x,
    oy = 480 - y;
  for (let row = 0; row < 480; row++)
    out.set(big.data.subarray(((row + oy) * 1280 + ox) * 4, ((row + oy) * 1280 + ox + 640) * 4), row * 640 * 4);
  return { data: out, width: 640, height: 480 };
}

function sorted(o: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}
