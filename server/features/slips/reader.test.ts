// The digital reader over the generated slips: every line of every digital layout exactly; and the CLI prints the
// same reading as one JSON object.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasText, parseTextLayer } from '#domain/slip-parse';
import { slipFixtures, type SlipFixture } from '../../../tests/fixtures/slips';
import type { ParsedSlip } from '#domain/slip';
import { buildCorpus, scoreSlip } from '../../../tests/fixtures/slip-corpus';
import { closeOcr, MAX_OCR_PAGES } from './ocr';
import { readSlip } from './reader';
import { readTextLayer } from './pdf';

let fixtures: SlipFixture[];
beforeAll(async () => {
  fixtures = await slipFixtures();
});
afterAll(closeOcr);

describe('generated packing slips', () => {
  it('has at least six digital layouts and one picture of a slip', () => {
    expect(fixtures.filter((f) => f.digital).length).toBeGreaterThanOrEqual(6);
    expect(fixtures.some((f) => !f.digital)).toBe(true);
  });

  it('reads every line of every digital layout exactly, with supplier, slip number, PO and date', async () => {
    for (const f of fixtures.filter((f) => f.digital)) {
      const layer = await readTextLayer(f.bytes);
      expect(hasText(layer), f.name).toBe(true);
      expect(parseTextLayer(layer), f.name).toEqual(f.expected);
    }
  });

  it('finds no text in the picture of a slip, so local OCR reads it when no model is configured', async () => {
    const scanned = fixtures.find((f) => !f.digital)!;
    expect(hasText(await readTextLayer(scanned.bytes))).toBe(false);
    const read = await readSlip([{ contentType: 'application/pdf', bytes: scanned.bytes }], null);
    expect(read.parser).toBe('ocr');
    expect(read.slip.lines.map((l) => [l.supplier_part, l.qty])).toEqual(
      scanned.expected.lines.map((l) => [l.supplier_part, l.qty])
    );
  }, 60_000);

  it('keeps what the header says when no reader finds a line, and says why', async () => {
    const [noTable] = (await buildCorpus(1)).filter((s) => s.truth.kind === 'header-only-no-table');
    const read = await readSlip([{ contentType: 'application/pdf', bytes: noTable.bytes }], null);
    expect(read).toMatchObject({
      parser: 'manual',
      slip: { slip_number: noTable.truth.slip_number, po_number: noTable.truth.po_number, lines: [] },
      error: expect.stringMatching(/enter them by hand/)
    });
    const blank = await readSlip([{ contentType: 'image/png', bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47]) }], null);
    expect(blank).toMatchObject({ parser: 'manual', error: expect.stringMatching(/picture 1 is not a JPEG/) });
  });
});

describe('the PDF reader thread', () => {
  it('keeps pdf.js and its polyfills out of the server thread (they slowed JSON.stringify 15×)', async () => {
    const [stringify, push] = [JSON.stringify, Array.prototype.push];
    await readTextLayer(fixtures.find((f) => f.digital)!.bytes);
    expect('__core-js_shared__' in globalThis).toBe(false);
    expect('pdfjsLib' in globalThis).toBe(false);
    expect(JSON.stringify).toBe(stringify);
    expect(Array.prototype.push).toBe(push);
  });

  it('answers a damaged PDF as unreadable, and reads the next one', async () => {
    await expect(readTextLayer(new TextEncoder().encode('%PDF-1.7 not really'))).rejects.toThrow(/cannot be read/);
    expect(hasText(await readTextLayer(fixtures.find((f) => f.digital)!.bytes))).toBe(true);
  });
});

describe('npm run parse-slip', () => {
  const run = promisify(execFile);
  it('prints the slip as one JSON object, and a clear error for a damaged PDF', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slips-'));
    const f = fixtures.find((x) => x.name === 'part-first-lot')!;
    await writeFile(join(dir, 'slip.pdf'), f.bytes);
    await writeFile(join(dir, 'cut.pdf'), f.bytes.slice(0, 300));
    const env = { ...process.env, SLIP_MODEL_ENDPOINT: '' };
    const { stdout } = await run('node', ['--import', 'tsx', 'scripts/parse-slip.ts', join(dir, 'slip.pdf')], { env });
    expect(JSON.parse(stdout)).toEqual({
      ...f.expected,
      lines: f.expected.lines.map(({ supplier_part, description, qty, unit, lot, confidence }) => ({
        supplier_part,
        description,
        qty,
        unit,
        lot,
        confidence
      }))
    });
    const bad = await run('node', ['--import', 'tsx', 'scripts/parse-slip.ts', join(dir, 'cut.pdf')], { env }).catch(
      (e) => e
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/The PDF cannot be read: it is damaged/);
  });
});

describe('npm run parse-slip with photos', () => {
  const run = promisify(execFile);
  it("reads the photos of a slip's pages by local OCR as one slip, and says so", async () => {
    const slip = (await buildCorpus(1)).find((s) => s.truth.kind === 'repeated-headers-pages')!;
    expect(slip.truth.pages).toBe(2);
    const dir = await mkdtemp(join(tmpdir(), 'slip-photos-'));
    await writeFile(join(dir, 'slip.pdf'), slip.bytes);
    // Clean 150 dpi pictures of the two pages, as a flatbed scanner or a careful photo gives them.
    await run('pdftoppm', ['-r', '150', '-png', join(dir, 'slip.pdf'), join(dir, 'page')]);
    const pages = (await readdir(dir)).filter((f) => f.startsWith('page')).sort();
    expect(pages).toHaveLength(2);
    const env = { ...process.env, SLIP_MODEL_ENDPOINT: '' };
    const { stdout, stderr } = await run(
      'node',
      ['--import', 'tsx', 'scripts/parse-slip.ts', ...pages.map((p) => join(dir, p))],
      { env }
    );
    expect(stderr).toContain('2 photo(s): read by local OCR (no SLIP_MODEL_ENDPOINT is set).');
    expect(stderr).toContain('read by: ocr');
    expect(stderr).not.toMatch(/not built/);
    const read = JSON.parse(stdout) as ParsedSlip;
    const score = scoreSlip(slip.truth, read);
    // More lines than the first page holds: the second photo was read into the same slip.
    const firstPage = parseTextLayer([(await readTextLayer(slip.bytes))[0]]).lines.length;
    expect(firstPage).toBeLessThan(slip.truth.lines.length);
    expect(score.right).toBeGreaterThan(firstPage);
    expect(read.slip_number).toBe(slip.truth.slip_number);
  }, 120_000);
});

describe('a scanned PDF longer than OCR reads', () => {
  it('is drawn only as far as OCR reads, and says how many of its pages were read', async () => {
    const { PDFDocument } = await import('pdf-lib');
    const doc = await PDFDocument.create();
    // A blank scan: one small grey picture stretched over each page (no text layer, nothing for OCR to find).
    const grey = new PNG({ width: 8, height: 8 });
    grey.data.fill(235);
    const png = await doc.embedPng(PNG.sync.write(grey));
    for (let i = 0; i < MAX_OCR_PAGES + 2; i++)
      doc.addPage([612, 792]).drawImage(png, { x: 0, y: 0, width: 612, height: 792 });
    const read = await readSlip([{ contentType: 'application/pdf', bytes: await doc.save() }], null);
    expect(read).toMatchObject({
      parser: 'manual',
      error: expect.stringContaining(`only the first ${MAX_OCR_PAGES} of its ${MAX_OCR_PAGES + 2} pages are read`)
    });
  }, 60_000);
});

describe('readSlip over several files', () => {
  it('reads one table across two PDFs uploaded as one slip', async () => {
    const twoPages = fixtures.find((f) => f.name === 'two-pages')!;
    const { PDFDocument } = await import('pdf-lib');
    const source = await PDFDocument.load(twoPages.bytes);
    const split = await Promise.all(
      [0, 1].map(async (i) => {
        const doc = await PDFDocument.create();
        const [page] = await doc.copyPages(source, [i]);
        doc.addPage(page);
        return doc.save();
      })
    );
    const read = await readSlip(
      split.map((bytes) => ({ contentType: 'application/pdf' as const, bytes })),
      null
    );
    expect(read).toEqual({ slip: twoPages.expected, parser: 'digital', error: null });
  });
});
