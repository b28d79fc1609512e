// A photographed slip read by local OCR into the same table reader as digital PDFs gives most of its lines.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { parseTextLayer } from '#domain/slip-parse';
import { buildCorpus, scoreSlip } from '../../../tests/fixtures/slip-corpus';
import { closeOcr, estimateSkew, ocrTextLayer, preprocess } from './ocr';

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
