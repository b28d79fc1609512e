// The PDF reader's cost bounds: what pdf-scan.mjs measures before pdf.js reads a file, and the reader threads' own
// limits (a wall clock that ends a worker, text runs per page), with a normal PDF read beside a costly one.
import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { PDF_LIMITS, scanPdf } from './pdf-scan.mjs';
import { pdfReaders, readTextLayer, renderPages, UnreadablePdf } from './pdf';
import { formReuse, normalSlip, spacesDeflated, writePdf } from '../../../tests/fixtures/hostile-pdfs';
import { slipFixtures, type SlipFixture } from '../../../tests/fixtures/slips';

let fixtures: SlipFixture[];
beforeAll(async () => {
  fixtures = await slipFixtures();
});

const FONT = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>';
/** One page per content stream given, each its own object. */
function pdfOf(contents: ({ dict: string; stream: Uint8Array } | string)[]) {
  const n = contents.length;
  const pages = contents.map(
    (_, i) =>
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents ${4 + n + i} 0 R >>`
  );
  return writePdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${pages.map((_, i) => `${4 + i} 0 R`).join(' ')}] /Count ${n} >>`,
    FONT,
    ...pages,
    ...contents.map((c) => (typeof c === 'string' ? { dict: '', stream: Buffer.from(c, 'latin1') } : c))
  ]);
}
const ops = (n: number) => `BT /F1 8 Tf\n${'1 0 Td\n'.repeat(n)}ET`;
const flate = (s: string | Uint8Array, dict = '') => ({
  dict: `${dict} /Filter /FlateDecode`,
  stream: deflateSync(typeof s === 'string' ? Buffer.from(s, 'latin1') : s)
});

/** LZW codes (9 bits each, no table growth needed) that repeat one long string: every code after the first few names
 *  the longest entry so far, so each 9–12 bits emit hundreds of bytes. */
function lzwBomb(codes: number): Uint8Array {
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  let next = 258;
  let width = 9;
  const emit = (code: number) => {
    acc = (acc << width) | code;
    bits += width;
    while (bits >= 8) {
      out.push((acc >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
    acc &= (1 << bits) - 1;
  };
  // 'a', then 258 ('aa'), 259 ('aaa'), …: code k names a string one longer than the one before.
  emit(0x61);
  for (let k = 0; k < codes; k++) {
    if (next >= 4095) break;
    emit(next); // the KwKwK case: the entry being defined
    next++;
    if (next + 1 >= 1 << width && width < 12) width++;
  }
  emit(257);
  if (bits) out.push((acc << (8 - bits)) & 0xff);
  return new Uint8Array(out);
}

describe('scanPdf', () => {
  it('passes every fixture slip and a normal one, measuring what it read', () => {
    for (const f of fixtures) expect(() => scanPdf(f.bytes), f.name).not.toThrow();
    const m = scanPdf(normalSlip());
    expect(m).toMatchObject({ streams: 1, encrypted: false, opsTotal: 23 });
    expect(m.decodedBytes).toBeGreaterThan(100);
  });

  it('bounds the operators of a page and of the whole file', () => {
    expect(() => scanPdf(pdfOf([flate(ops(PDF_LIMITS.maxOpsPerPage - 10))]))).not.toThrow();
    expect(() => scanPdf(pdfOf([flate(ops(PDF_LIMITS.maxOpsPerPage + 10))]))).toThrow(
      /a page's content has 20,013 operations; a packing slip page may have at most 20,000/
    );
    const eleven = Array.from({ length: 11 }, () => flate(ops(19_000)));
    expect(() => scanPdf(pdfOf(eleven))).toThrow(/more than 200,000 operations in all/);
    // Uncompressed content counts the same; numbers, names, strings and true/false/null are not operators.
    expect(scanPdf(pdfOf(['BT /F1 8 Tf (a b c Tj) Tj [1 (x) -2] TJ true false null ET'])).opsTotal).toBe(5);
  });

  it('bounds what streams inflate to, through Flate, nested filters, LZW, RunLength and ASCIIHex', () => {
    expect(() => scanPdf(pdfOf([{ dict: '/Filter /FlateDecode', stream: spacesDeflated(33) }]))).toThrow(
      /inflate to more than 32 MB/
    );
    expect(() => scanPdf(pdfOf([{ dict: '/Filter /FlateDecode', stream: spacesDeflated(8) }]))).not.toThrow();
    // Four 9 MB streams: each is fine, together they are not.
    const nine = { dict: '/Filter /FlateDecode', stream: spacesDeflated(9) };
    expect(() => scanPdf(pdfOf([nine, nine, nine, nine]))).toThrow(/inflate to more than 32 MB/);
    const twice = deflateSync(spacesDeflated(40));
    expect(() => scanPdf(pdfOf([{ dict: '/Filter [/FlateDecode /FlateDecode]', stream: twice }]))).toThrow(
      /more than 32 MB/
    );
    const hex = Buffer.from(Buffer.from(spacesDeflated(40)).toString('hex') + '>', 'latin1');
    expect(() => scanPdf(pdfOf([{ dict: '/Filter [/ASCIIHexDecode /FlateDecode]', stream: hex }]))).toThrow(
      /more than 32 MB/
    );
    expect(() => scanPdf(pdfOf([{ dict: '/Filter /LZWDecode', stream: lzwBomb(4000) }]))).not.toThrow(); // 8 MB
    const lzwDict = '/Filter [/LZWDecode /LZWDecode /LZWDecode /LZWDecode /LZWDecode]';
    expect(() => scanPdf(pdfOf([{ dict: lzwDict, stream: lzwBomb(4000) }]))).not.toThrow(); // not LZW in the end
    // RunLength: 2 bytes make 128, so 600 KB of them make 38 MB.
    const rl = Buffer.alloc(600 * 1024);
    for (let i = 0; i < rl.length; i += 2) [rl[i], rl[i + 1]] = [129, 0x20];
    expect(() => scanPdf(pdfOf([{ dict: '/Filter /RunLengthDecode', stream: rl }]))).toThrow(/more than 32 MB/);
    // A bomb with a wrong checksum or no end is decoded as pdf.js would decode it: still a bomb.
    const bad = Buffer.from(spacesDeflated(40));
    bad.writeUInt32BE(0, bad.length - 4);
    expect(() => scanPdf(pdfOf([{ dict: '/Filter /FlateDecode', stream: bad }]))).toThrow(/more than 32 MB/);
    const whole = spacesDeflated(40);
    const cut = whole.subarray(0, whole.length - 3_000); // about 37 MB of it
    expect(() => scanPdf(pdfOf([{ dict: '/Filter /FlateDecode', stream: cut }]))).toThrow(/more than 32 MB/);
  });

  it('does not count an image, or binary data that is not drawn as a page, as operators', () => {
    const image = { dict: '/Type /XObject /Subtype /Image /Width 8000 /Height 8000', stream: spacesDeflated(40) };
    expect(() =>
      scanPdf(pdfOf([flate(ops(10)), { ...image, dict: `${image.dict} /Filter /FlateDecode` }]))
    ).not.toThrow();
    const profile = flate(randomBytes(500_000), '/N 3');
    expect(scanPdf(pdfOf([flate(ops(10)), profile])).opsTotal).toBe(13); // BT Tf 10×Td ET
    const noise = flate(randomBytes(500_000));
    expect(scanPdf(pdfOf([flate(ops(10)), noise])).opsTotal).toBe(13);
  });

  it('bounds how deep objects nest, in the file and in content', () => {
    const deep = (d: number) => `${'['.repeat(d)}1${']'.repeat(d)}`;
    expect(() => scanPdf(pdfOf([`BT ${deep(60)} TJ ET`]))).not.toThrow();
    expect(() => scanPdf(pdfOf([`BT ${deep(65)} TJ ET`]))).toThrow(/nest more than 64 levels deep/);
    const objects = [
      '<< /Type /Catalog /Pages 2 0 R /Deep ' + deep(1000) + ' >>',
      '<< /Type /Pages /Kids [] /Count 0 >>'
    ];
    expect(() => scanPdf(writePdf(objects))).toThrow(/nest more than 64 levels deep/);
  });

  it("leaves an encrypted file's streams to pdf.js (they are ciphertext) and says so", () => {
    const pdf = writePdf(
      ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [] /Count 0 >>', flate(ops(30_000))],
      {
        trailer: '<< /Size 4 /Root 1 0 R /Encrypt << /Filter /Standard /V 2 /R 3 >> >>'
      }
    );
    expect(scanPdf(pdf)).toMatchObject({ encrypted: true, opsTotal: 0 });
  });
});

describe('the reader threads', () => {
  it('answers a page of too many text runs as too costly', async () => {
    // Two content streams, each within the operator bound, that together draw 20,200 runs of text on one page.
    // Each run on a line of its own, so pdf.js keeps every one as a text item.
    const runs = Array.from(
      { length: 5_050 },
      (_, i) => `1 0 0 1 ${50 + Math.floor(i / 66) * 6} ${800 - (i % 66) * 12} Tm (a) Tj`
    );
    const half = `BT /F1 8 Tf\n${runs.join('\n')}\nET`;
    const pdf = writePdf([
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [4 0 R] /Count 1 >>',
      FONT,
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents [5 0 R 6 0 R 5 0 R 6 0 R] >>',
      flate(half),
      flate(half)
    ]);
    const e = await readTextLayer(pdf).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UnreadablePdf);
    expect(e).toMatchObject({
      code: 'pdf_too_costly',
      message:
        'The PDF is too costly to read: page 1 has more than 20,000 runs of text; a packing slip page has a few hundred.'
    });
  });

  it('ends a read that takes too long, and reads a normal PDF beside it meanwhile', async () => {
    const order: string[] = [];
    const slow = readTextLayer(formReuse(), { timeoutMs: 4_000 }).then(
      () => order.push('slow read'),
      (e: UnreadablePdf) => order.push(`slow ${e.code}: ${e.message}`)
    );
    // The slow read holds one reader; the normal one gets another and is answered while the slow one still runs.
    const normal = await readTextLayer(normalSlip());
    order.push('normal');
    expect(normal[0].items.map((i) => i.s)).toContain('AF-100');
    await slow;
    expect(order).toEqual([
      'normal',
      'slow pdf_too_costly: The PDF is too costly to read: reading it took longer than 4 s.'
    ]);
    // The reader that was ended is replaced: the next PDF is read as usual.
    expect((await readTextLayer(normalSlip()))[0].items.length).toBeGreaterThan(0);
    expect(pdfReaders().busy).toBe(0);
  }, 60_000);
  it('draws only the first pages asked for, and every page when not asked', async () => {
    const pdf = pdfOf(Array.from({ length: 5 }, (_, i) => `BT /F1 24 Tf 72 700 Td (Page ${i + 1}) Tj ET`));
    expect(await renderPages(pdf, 0.5)).toHaveLength(5);
    const two = await renderPages(pdf, 0.5, { maxPages: 2 });
    expect(two).toHaveLength(2);
    expect(two.every((png) => png[0] === 0x89 && png[1] === 0x50)).toBe(true);
  });
});
