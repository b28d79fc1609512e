// A photographed slip read by local OCR into the same table reader as digital PDFs gives most of its lines.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { UNSURE } from '#domain/slip';
import { parseTextLayer } from '#domain/slip-parse';
import { buildCorpus, scoreSlip } from '../../../tests/fixtures/slip-corpus';
import { closeOcr, estimateSkew, ocrTextLayer, ocrUnsure, preprocess, runsOf } from './ocr';

afterAll(closeOcr);

test('a turned, blurred photo of a generated slip gives most of its part/qty pairs', async () => {
  const [slip] = await buildCorpus(15);
  const dir = mkdtempSync(join(tmpdir(), 'ocr-'));
  writeFileSync(join(dir, 's.pdf'), slip.bytes);
  execFileSync('pdftoppm', [
    '-r',
    '150',
    '-f',
    '1',
    '-l',
    '1',
    '-singlefile',
    '-png',
    join(dir, 's.pdf'),
    join(dir, 's')
  ]);
  execFileSync('convert', [
    join(dir, 's.png'),
    '-background',
    'white',
    '-rotate',
    '2.5',
    '-blur',
    '0x0.7',
    '-quality',
    '80',
    join(dir, 's.jpg')
  ]);
  const layer = await ocrTextLayer(new Uint8Array(readFileSync(join(dir, 's.jpg'))));
  const score = scoreSlip(slip.truth, parseTextLayer(layer));
  console.log(slip.truth.name, JSON.stringify(score));
  expect(score.right).toBeGreaterThan(score.lines / 2);
}, 120_000);

test('straightens a turned photo in one draw and hands tesseract an uncompressed grey page', async () => {
  const [slip] = await buildCorpus(15);
  const dir = mkdtempSync(join(tmpdir(), 'ocr-'));
  writeFileSync(join(dir, 's.pdf'), slip.bytes);
  execFileSync('pdftoppm', ['-r', '100', '-singlefile', '-png', join(dir, 's.pdf'), join(dir, 's')]);
  execFileSync('convert', [join(dir, 's.png'), '-background', 'white', '-rotate', '3', join(dir, 't.jpg')]);
  const { image, width, height } = await preprocess(new Uint8Array(readFileSync(join(dir, 't.jpg'))));
  const head = `P5\n${width} ${height}\n255\n`;
  expect(Buffer.from(image.subarray(0, head.length)).toString()).toBe(head);
  expect(image.length).toBe(head.length + width * height);
  expect(Math.abs(estimateSkew(image.subarray(head.length), width, height))).toBeLessThanOrEqual(0.3);
}, 60_000);

test('keeps an unsure word that fills an empty cell of a row, marked unsure, and drops unsure noise', () => {
  const word = (text: string, x0: number, confidence: number) => ({
    text,
    confidence,
    bbox: { x0, y0: 100, x1: x0 + text.length * 12, y1: 120 }
  });
  const line = (...words: ReturnType<typeof word>[]) => ({
    words,
    baseline: { x0: 0, y0: 120, x1: 1000, y1: 120 },
    bbox: { x0: 0, y0: 100, x1: 1000, y1: 120 }
  });
  const items = runsOf(
    [
      // A part tesseract read right but at 9 %, a confident description and quantity, and noise beside the quantity.
      line(word('T8767HG', 40, 9), word('Hose', 300, 90), word('25', 800, 95), word('xx', 836, 5)),
      // A row of unsure words only is noise.
      line(word('lI', 40, 3), word('ww', 300, 8))
    ],
    1000
  );
  expect(items.map((i) => [i.s, ocrUnsure(i)])).toEqual([
    ['Hose', false],
    ['25', false],
    ['T8767HG', true]
  ]);
  const slip = parseTextLayer(
    [
      {
        width: 612,
        height: 792,
        items: [
          ...runsOf([line(word('Part', 40, 90), word('Description', 300, 90), word('Qty', 800, 90))], 1000).map(
            (i) => ({ ...i, y: i.y - 20 })
          ),
          ...items
        ]
      }
    ],
    { ocr: true, unsure: ocrUnsure }
  );
  expect(slip.lines).toMatchObject([{ supplier_part: 'T8767HG', qty: 25 }]);
  expect(slip.lines[0].confidence).toBeLessThan(UNSURE);
});
