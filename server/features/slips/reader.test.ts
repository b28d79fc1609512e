// The digital reader over the generated slips: every line of every digital layout exactly; and the CLI prints the
// same reading as one JSON object.
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasText, parseTextLayer } from '#domain/slip-parse';
import { slipFixtures, type SlipFixture } from '../../../tests/fixtures/slips';
import { readSlip } from './reader';
import { readTextLayer } from './pdf';

let fixtures: SlipFixture[];
beforeAll(async () => {
  fixtures = await slipFixtures();
});

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

  it('finds no text in the picture of a slip, so it goes to the model or a person', async () => {
    const scanned = fixtures.find((f) => !f.digital)!;
    expect(hasText(await readTextLayer(scanned.bytes))).toBe(false);
    expect(await readSlip([{ contentType: 'application/pdf', bytes: scanned.bytes }], null)).toMatchObject({
      parser: 'manual',
      slip: { lines: [] }
    });
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
    expect(bad.stderr).toMatch(/cut\.pdf: The PDF cannot be read: it is damaged/);
  });
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
