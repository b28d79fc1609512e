import { describe, expect, it } from 'vitest';
import { claimedType, sniffSlipFile } from './slip-files';

const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

describe('sniffSlipFile', () => {
  it.each([
    ['a PDF', bytes('%PDF-1.7\n'), 'application/pdf'],
    ['a PDF after a little junk', bytes([0, 0, 0], '%PDF-1.4'), 'application/pdf'],
    ['a JPEG', bytes([0xff, 0xd8, 0xff, 0xe0]), 'image/jpeg'],
    ['a PNG', bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a]), 'image/png'],
    ['a WebP', bytes('RIFF', [1, 2, 3, 4], 'WEBPVP8 '), 'image/webp'],
    ['a HEIC', bytes([0, 0, 0, 24], 'ftypheic', [0, 0, 0, 0]), 'image/heic'],
    ['an MP4', bytes([0, 0, 0, 24], 'ftypisom', [0, 0, 0, 0]), null],
    ['a GIF', bytes('GIF89a'), null],
    ['text', bytes('hello'), null],
    ['nothing', bytes(), null]
  ])('knows %s', (_n, b, expected) => expect(sniffSlipFile(b)).toBe(expected));
});

describe('claimedType', () => {
  it('believes a known declared type first, then the name, else nothing', () => {
    expect(claimedType('x.bin', 'image/png')).toBe('image/png');
    expect(claimedType('slip.PDF', 'application/octet-stream')).toBe('application/pdf');
    expect(claimedType('IMG_1.heif', '')).toBe('image/heic');
    expect(claimedType('capture', '')).toBeNull();
  });
});
