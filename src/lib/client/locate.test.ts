// The located pass's pixel work (locate.ts) on symbols bwip-js draws: where the code is, and a Code 128 line that
// ink spread has thickened read again edge to edge.
import { BitArray, Code128Reader, DecodeHintType } from '@zxing/library';
import { describe, expect, it } from 'vitest';
import { renderBarcode } from '../../../tests/fixtures/barcodes';
import { noCodeFrames } from '../../../tests/fixtures/frame-corpus';
import { toGrey } from './decoder';
import { binariseProfile, locate, locateCodes, looksLikeCode, regulariseCode128 } from './locate';

/** The symbol's middle row as bars (true) and spaces, each bar `spread` pixels wider on its right, the space after it
 * as much narrower: ink spread, or blur thresholded too dark. */
async function spreadRow(text: string, spread: number): Promise<boolean[]> {
  const s = await renderBarcode({ bcid: 'code128', data: text, scale: 3 });
  const y = s.height >> 1;
  const row = Array.from({ length: s.width }, (_, x) => s.data[(y * s.width + x) * 4] < 128);
  const out = [...row];
  for (let x = 1; x < row.length; x++) if (row[x - 1] && !row[x]) for (let k = 0; k < spread; k++) out[x + k] = true;
  return out;
}

function read(bits: boolean[]): string | null {
  const arr = new BitArray(bits.length);
  bits.forEach((b, i) => b && arr.set(i));
  try {
    return new Code128Reader().decodeRow(0, arr, new Map([[DecodeHintType.ASSUME_GS1, true]])).getText();
  } catch {
    return null;
  }
}

describe('regulariseCode128', () => {
  it('reads edge to edge a line whose bars ink spread has widened past what run widths survive', async () => {
    const text = 'WO-48213;QTY=12';
    const bits = await spreadRow(text, 2);
    expect(read(bits)).not.toBe(text);
    expect(read(regulariseCode128(bits)!)).toBe(text);
    // An even line comes back the same.
    expect(read(regulariseCode128(await spreadRow(text, 0))!)).toBe(text);
  });

  it('gives nothing for runs that are no Code 128', () => {
    const noise = Array.from({ length: 400 }, (_, i) => (i * 7919) % 13 < 6);
    expect(regulariseCode128(noise)).toBeNull();
    expect(regulariseCode128([])).toBeNull();
  });
});

describe('locateCodes', () => {
  it('finds nothing on bare paper and the code where it is', async () => {
    const w = 640,
      h = 480;
    const paper = new Uint8ClampedArray(w * h).map((_, i) => 200 + ((i * 7919) % 9));
    expect(locateCodes({ data: paper, width: w, height: h })).toEqual([]);
    const s = await renderBarcode({ bcid: 'code128', data: 'P-1001', scale: 2 });
    const img = Uint8ClampedArray.from(paper);
    for (let y = 0; y < s.height; y++)
      for (let x = 0; x < s.width; x++) img[(300 + y) * w + 40 + x] = s.data[(y * s.width + x) * 4];
    const [r] = locateCodes({ data: img, width: w, height: h });
    expect(r.x0).toBeLessThanOrEqual(60);
    expect(r.y0).toBeGreaterThanOrEqual(288);
    expect(r.coherence).toBeGreaterThan(0.5);
    expect(Math.abs(r.dx)).toBeGreaterThan(0.95); // across vertical bars: horizontal
  });
});

describe('looksLikeCode', () => {
  it('takes a Code 128 and a DataMatrix on paper for codes, and the print, edges and tape of a label for none', async () => {
    const w = 640,
      h = 480;
    const paper = new Uint8ClampedArray(w * h).map((_, i) => 200 + ((i * 7919) % 9));
    for (const [bcid, data] of [
      ['code128', 'ITEM=P-1001;QTY=12'],
      ['datamatrix', 'ITEM=P-1001;QTY=12']
    ]) {
      const s = await renderBarcode({ bcid, data, scale: 3 });
      const img = Uint8ClampedArray.from(paper);
      for (let y = 0; y < s.height; y++)
        for (let x = 0; x < s.width; x++) img[(200 + y) * w + 100 + x] = s.data[(y * s.width + x) * 4];
      const grey = { data: img, width: w, height: h };
      const { regions } = locate(grey);
      expect(regions.length).toBeGreaterThan(0);
      expect(looksLikeCode(grey, regions[0])).toBe(true);
    }
    // Cluttered frames with no code: busy, located, and not one patch inked like a code on most of them.
    let passed = 0,
      patches = 0;
    for (const f of noCodeFrames({ count: 30 })) {
      const grey = toGrey(f);
      const { regions, bars } = locate(grey);
      for (const r of [...regions, ...bars]) {
        patches++;
        if (looksLikeCode(grey, r)) passed++;
      }
    }
    expect(patches).toBeGreaterThan(100);
    expect(passed).toBeLessThanOrEqual(patches / 10);
  }, 30_000);
});

describe('binariseProfile', () => {
  // The envelope comes from a monotonic queue (O(n)); it must give what the scan of every window gave.
  it('thresholds each sample against the midpoint of the extremes of its own window', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (const [n, r] of [
      [1, 24],
      [40, 24],
      [900, 8],
      [2500, 64]
    ]) {
      const p = Float32Array.from({ length: n }, () => (next() < 0.2 ? 90 : Math.round(next() * 255)));
      const sorted = Float32Array.from(p).sort();
      const min = Math.max(18, 0.4 * (sorted[Math.floor(n * 0.95)] - sorted[Math.floor(n * 0.05)]));
      const want = Array.from(p, (v, i) => {
        const w = p.slice(Math.max(0, i - r), i + r + 1);
        const lo = Math.min(...w),
          hi = Math.max(...w);
        return hi - lo >= min && v < (hi + lo) / 2;
      });
      expect(binariseProfile(p, r)).toEqual(want);
    }
  });
});
