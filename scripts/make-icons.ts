// Draws the app icons into static/ (192, 512 and a maskable 512): a barcode on the app's blue. Run it again only
// when the design changes: `node --import tsx scripts/make-icons.ts`. The PNGs are committed.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const BLUE = [0x1f, 0x3a, 0x5f];
const WHITE = [0xff, 0xff, 0xff];
const GREEN = [0x7e, 0xe2, 0xa0];
// Bar widths of the mark, in units: a stylised code, not a readable one.
const BARS = [2, 1, 1, 3, 1, 2, 2, 1, 3, 1, 1, 2, 1, 3, 2, 1];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function png(size: number, pixel: (x: number, y: number) => number[]): Buffer {
  const rows = Buffer.alloc(size * (size * 3 + 1));
  for (let y = 0; y < size; y++) {
    rows[y * (size * 3 + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) rows.set(pixel(x, y), y * (size * 3 + 1) + 1 + x * 3);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0))
  ]);
}

/** The mark fills `fill` of the icon's width, centred: maskable icons keep it inside the 80% safe zone. */
function icon(size: number, fill: number, rounded: boolean): Buffer {
  const units = BARS.reduce((a, b) => a + b, 0) + BARS.length - 1;
  const markW = size * fill;
  const unit = markW / units;
  const left = (size - markW) / 2;
  const top = size * (0.5 - fill / 2.6);
  const bottom = size * (0.5 + fill / 3.2);
  const edges: [number, number][] = [];
  let at = left;
  BARS.forEach((w) => {
    edges.push([at, at + w * unit]);
    at += (w + 1) * unit;
  });
  const radius = size * 0.18;
  return png(size, (x, y) => {
    if (rounded) {
      const cx = Math.min(Math.max(x, radius), size - radius);
      const cy = Math.min(Math.max(y, radius), size - radius);
      if ((x - cx) ** 2 + (y - cy) ** 2 > radius ** 2) return WHITE;
    }
    if (y >= bottom + unit * 2 && y < bottom + unit * 5 && x >= left && x < left + markW) return GREEN; // the scan line
    if (y >= top && y < bottom && edges.some(([a, b]) => x >= a && x < b)) return WHITE;
    return BLUE;
  });
}

const dir = new URL('../static/', import.meta.url);
writeFileSync(new URL('icon-192.png', dir), icon(192, 0.62, true));
writeFileSync(new URL('icon-512.png', dir), icon(512, 0.62, true));
writeFileSync(new URL('icon-maskable-512.png', dir), icon(512, 0.5, false));
console.log('Wrote static/icon-192.png, static/icon-512.png, static/icon-maskable-512.png');
