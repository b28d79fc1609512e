// The repeat window of the camera; the camera itself runs in Chromium in the end-to-end tests (fake camera).
import { describe, expect, it } from 'vitest';
import { CAMERA_FORMATS, createRepeatFilter, scanFormats, setScanFormats } from './camera';

describe('repeat filter', () => {
  it('reports a code once while it stays in view, again after it has been out of sight for the window', () => {
    let t = 0;
    const f = createRepeatFilter(1500, () => t);
    expect(f.accept('A')).toBe(true);
    for (t = 100; t < 5000; t += 100) expect(f.accept('A')).toBe(false); // held in front of the camera for 5 s
    t += 1500;
    expect(f.accept('A')).toBe(true);
  });

  it('counts a different code at once, and each code has its own window', () => {
    let t = 0;
    const f = createRepeatFilter(1500, () => t);
    expect(f.accept('A')).toBe(true);
    t = 200;
    expect(f.accept('B')).toBe(true);
    t = 400;
    expect(f.accept('A')).toBe(false);
    t = 2000;
    expect(f.accept('B')).toBe(true);
  });

  it('counts the same code again once after again()', () => {
    let t = 0;
    const f = createRepeatFilter(1500, () => t);
    f.accept('A');
    t = 100;
    f.again();
    expect(f.accept('A')).toBe(true);
    t = 200;
    expect(f.accept('A')).toBe(false);
  });

  it('takes its window from the caller', () => {
    let t = 0;
    const f = createRepeatFilter(300, () => t);
    f.accept('A');
    t = 299;
    expect(f.accept('A')).toBe(false);
    t = 600;
    expect(f.accept('A')).toBe(true);
  });
});

describe('scan formats setting', () => {
  const memory = () => {
    const m = new Map<string, string>();
    return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), m };
  };

  it('defaults to Code 128, EAN-13/8, UPC-A, QR and DataMatrix, and keeps what is saved', () => {
    const s = memory();
    expect(scanFormats(s)).toEqual([...CAMERA_FORMATS]);
    expect(setScanFormats(['ean_13', 'qr_code', 'itf'], s)).toBe(true);
    expect(scanFormats(s)).toEqual(['ean_13', 'qr_code', 'itf']);
  });

  it('refuses an empty list and drops unknown names', () => {
    const s = memory();
    expect(setScanFormats([], s)).toBe(false);
    expect(scanFormats(s)).toEqual([...CAMERA_FORMATS]);
    s.setItem('linesync:scan-formats', JSON.stringify(['pdf417', 'code_39']));
    expect(scanFormats(s)).toEqual(['code_39']);
    s.setItem('linesync:scan-formats', '{not json');
    expect(scanFormats(s)).toEqual([...CAMERA_FORMATS]);
  });
});
