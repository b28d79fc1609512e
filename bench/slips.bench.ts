// Packing slips, per corpus side by side: the generated slips read from their PDFs (the digital reader, before issue
// 15 and today) and from photo-like JPEGs of their pages (local OCR, then the same table reader), on held-out seeds
// the reader was never tuned on. For each: lines right (part and quantity both right), spurious lines (a part read
// that the slip does not have), header fields right (slip number, PO number, supplier, date) and the time a page
// takes. The old six hand-made layouts are timed and checked too. BENCH_QUICK=1: one seed, and photos of its first
// QUICK_PHOTO_SLIPS slips only. The photos are made once (pdftoppm + ImageMagick) and kept in .cache/slip-corpus/.
import { readFile } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import type { BenchFn, BenchSection } from './harness';
import { percentile, round } from './harness';
import { UNSURE, type ParsedSlip, type TextItem, type TextLayer } from '#domain/slip';
import { parseTextLayer } from '#domain/slip-parse';
import { parseTextLayer as parseBefore } from './slip-parse-before';
import { readTextLayer } from '../server/features/slips/pdf';
import { closeOcr, ocrTextLayer, ocrUnsure } from '../server/features/slips/ocr';
import { slipFixtures } from '../tests/fixtures/slips';
import { scoreSlip, writeCorpus, type CorpusEntry, type CorpusTruth } from '../tests/fixtures/slip-corpus';

/** Seeds of the benchmark corpus: never the unit tests' (1) nor those failures were studied on (7, 15). */
export const BENCH_SEEDS = [2026, 4242];
const QUICK_PHOTO_SLIPS = 6;

export interface CorpusFigures {
  slips: number;
  pages: number;
  lines: number;
  right: number;
  spurious: number;
  slipRight: number;
  poRight: number;
  supplierRight: number;
  dateRight: number;
  /** Lines marked for checking (confidence below UNSURE), and lines not right that were not marked. */
  marked: number;
  wrongUnmarked: number;
  msPerPage: number;
  /** Lines right / lines per kind of layout, worst first. */
  kinds: { kind: string; right: number; lines: number }[];
}

interface Reading {
  truth: CorpusTruth;
  slip: ParsedSlip;
  ms: number;
  pages: number;
}

function tally(readings: Reading[]): CorpusFigures {
  const f: CorpusFigures = {
    slips: readings.length,
    pages: 0,
    lines: 0,
    right: 0,
    spurious: 0,
    slipRight: 0,
    poRight: 0,
    supplierRight: 0,
    dateRight: 0,
    marked: 0,
    wrongUnmarked: 0,
    msPerPage: 0,
    kinds: []
  };
  const perPage: number[] = [];
  const kinds = new Map<string, { kind: string; right: number; lines: number }>();
  for (const r of readings) {
    const s = scoreSlip(r.truth, r.slip);
    f.pages += r.pages;
    f.lines += s.lines;
    f.right += s.right;
    f.spurious += s.spurious;
    f.slipRight += +s.slipRight;
    f.poRight += +s.poRight;
    f.supplierRight += +s.supplierRight;
    f.dateRight += +s.dateRight;
    const key = (part: string | null, qty: number) => `${(part ?? '').replace(/\s+/g, '').toUpperCase()}|${qty}`;
    const truth = r.truth.lines.map((l) => key(l.part, l.qty));
    for (const l of r.slip.lines) {
      const right = truth.indexOf(key(l.supplier_part, l.qty));
      if (right >= 0) truth.splice(right, 1);
      if (l.confidence < UNSURE) f.marked++;
      else if (right < 0) f.wrongUnmarked++;
    }
    perPage.push(r.ms / Math.max(1, r.pages));
    const k = kinds.get(r.truth.kind) ?? { kind: r.truth.kind, right: 0, lines: 0 };
    k.right += s.right;
    k.lines += s.lines;
    kinds.set(r.truth.kind, k);
  }
  perPage.sort((a, b) => a - b);
  f.msPerPage = round(percentile(perPage, 50), 1);
  f.kinds = [...kinds.values()]
    .filter((k) => k.lines)
    .sort((a, b) => a.right / a.lines - b.right / b.lines || b.lines - a.lines);
  return f;
}

/** Each slip's photos through `readPhoto` (JPEG bytes → text layer), all pages as one slip, then the table reader. */
export async function photoFigures(
  entries: CorpusEntry[],
  readPhoto: (jpeg: Uint8Array) => Promise<TextLayer>,
  unsure?: (item: TextItem) => boolean
): Promise<CorpusFigures> {
  const out: Reading[] = [];
  for (const e of entries) {
    const t0 = performance.now();
    const layer: TextLayer = [];
    for (const photo of e.photos) layer.push(...(await readPhoto(new Uint8Array(await readFile(photo)))));
    out.push({
      truth: e.truth,
      slip: parseTextLayer(layer, { ocr: true, unsure }),
      ms: performance.now() - t0,
      pages: e.photos.length
    });
  }
  return tally(out);
}

async function digitalFigures(entries: CorpusEntry[], parse: (l: TextLayer) => ParsedSlip): Promise<CorpusFigures> {
  const out: Reading[] = [];
  for (const e of entries) {
    const t0 = performance.now();
    const layer = await readTextLayer(new Uint8Array(await readFile(e.pdf)));
    const slip = parse(layer);
    out.push({ truth: e.truth, slip, ms: performance.now() - t0, pages: layer.length });
  }
  return tally(out);
}

const pct = (a: number, b: number) => round((100 * a) / Math.max(1, b), 1);
const frac = (a: number, b: number) => `${a}/${b} (${pct(a, b)}%)`;

/** The figures of one corpus under a key prefix, for bench/results.json. */
function flat(prefix: string, f: CorpusFigures): BenchSection['results'] {
  return {
    [`${prefix}_slips`]: f.slips,
    [`${prefix}_pages`]: f.pages,
    [`${prefix}_lines`]: f.lines,
    [`${prefix}_lines_right`]: f.right,
    [`${prefix}_lines_right_pct`]: pct(f.right, f.lines),
    [`${prefix}_spurious`]: f.spurious,
    [`${prefix}_spurious_pct`]: pct(f.spurious, f.lines),
    [`${prefix}_slip_no_right`]: f.slipRight,
    [`${prefix}_po_right`]: f.poRight,
    [`${prefix}_supplier_right`]: f.supplierRight,
    [`${prefix}_date_right`]: f.dateRight,
    [`${prefix}_lines_marked`]: f.marked,
    [`${prefix}_wrong_unmarked`]: f.wrongUnmarked,
    [`${prefix}_page_ms_median`]: f.msPerPage
  };
}

const bench: BenchFn = async (ctx) => {
  const fixtures = (await slipFixtures()).filter((f) => f.digital);
  const rounds = ctx.quick ? 5 : 30;
  await readTextLayer(fixtures[0].bytes); // pdf.js loads its worker code once per process; not a per-page cost
  ctx.log(`${fixtures.length} old digital layouts, ${rounds} rounds`);
  const perPage: number[] = [];
  const parseOnly: number[] = [];
  let expected = 0;
  let exact = 0;
  let exactBefore = 0;
  let slipsExact = 0;
  for (let r = 0; r < rounds; r++)
    for (const f of fixtures) {
      const t0 = performance.now();
      const layer = await readTextLayer(f.bytes);
      const t1 = performance.now();
      const slip = parseTextLayer(layer);
      const t2 = performance.now();
      perPage.push((t2 - t0) / layer.length);
      parseOnly.push((t2 - t1) / layer.length);
      if (r === 0) {
        const before = parseBefore(layer);
        expected += f.expected.lines.length;
        exact += f.expected.lines.filter((line, i) => isDeepStrictEqual(slip.lines[i], line)).length;
        exactBefore += f.expected.lines.filter((line, i) => isDeepStrictEqual(before.lines[i], line)).length;
        if (isDeepStrictEqual(slip, f.expected)) slipsExact++;
      }
    }
  perPage.sort((a, b) => a - b);
  parseOnly.sort((a, b) => a - b);
  const median = percentile(perPage, 50);

  // The generated corpus (every kind of issue 15) of held-out seeds, digital and photographed.
  const seeds = ctx.quick ? BENCH_SEEDS.slice(0, 1) : BENCH_SEEDS;
  const entries: CorpusEntry[] = [];
  for (const seed of seeds) {
    ctx.log(`corpus seed ${seed} with photos (slow the first time, cached after)`);
    entries.push(...(await writeCorpus(seed, { photos: true })));
  }
  const before = await digitalFigures(entries, parseBefore);
  const digital = await digitalFigures(entries, parseTextLayer);
  const photoEntries = ctx.quick ? entries.slice(0, QUICK_PHOTO_SLIPS) : entries;
  ctx.log(`local OCR of ${photoEntries.reduce((n, e) => n + e.photos.length, 0)} photos`);
  await ocrTextLayer(new Uint8Array(await readFile(photoEntries[0].photos[0]))); // the OCR worker starts once
  const photo = await photoFigures(photoEntries, ocrTextLayer, ocrUnsure);
  await closeOcr();

  const results: BenchSection['results'] = {
    digital_layouts: fixtures.length,
    page_ms_median: round(median, 2),
    page_ms_p95: round(percentile(perPage, 95), 2),
    table_rebuild_ms_median: round(percentile(parseOnly, 50), 3),
    lines_expected: expected,
    lines_exact: exact,
    lines_exact_before: exactBefore,
    line_accuracy: round(exact / expected, 4),
    slips_exact: slipsExact,
    corpus_seeds: seeds.join(','),
    ...flat('corpus_before', before),
    ...flat('corpus', digital),
    photo_seeds: seeds.join(','),
    ...flat('photo', photo),
    photo_weakest_kinds: photo.kinds
      .slice(0, 5)
      .map((k) => `${k.kind} ${k.right}/${k.lines}`)
      .join('; ')
  };
  const side = (d: string, p: string) => `${d} │ ${p}`;
  const header = (f: CorpusFigures, fn: (f: CorpusFigures) => number) => `${fn(f)}/${f.slips}`;
  const rows: BenchSection['rows'] = [
    ['old fixtures: digital page, median', `${round(median, 2)} ms`, 'target ≤ 50 ms'],
    ['old fixtures: digital page, p95', `${round(percentile(perPage, 95), 2)} ms`, ''],
    ['old fixtures: table rebuild alone, median', `${round(percentile(parseOnly, 50), 3)} ms`, ''],
    ['old fixtures: lines read exactly', `${exact} / ${expected}`, `before: ${exactBefore} / ${expected}`],
    ['old fixtures: slips read exactly', `${slipsExact} / ${fixtures.length}`, ''],
    [
      `generated, seeds ${seeds.join('+')}`,
      side(
        `digital: ${digital.slips} slips, ${digital.pages} pages`,
        `photos: ${photo.slips} slips, ${photo.pages} pages`
      ),
      ''
    ],
    [
      '  lines right',
      side(frac(digital.right, digital.lines), frac(photo.right, photo.lines)),
      `targets ≥ 98% │ ≥ 90%; digital before: ${frac(before.right, before.lines)}`
    ],
    [
      '  spurious lines',
      side(frac(digital.spurious, digital.lines), frac(photo.spurious, photo.lines)),
      `targets 0 │ ≤ 2%; digital before: ${before.spurious}`
    ],
    [
      '  lines marked for checking',
      side(String(digital.marked), String(photo.marked)),
      `wrong lines not marked: ${digital.wrongUnmarked} │ ${photo.wrongUnmarked} (target 0)`
    ],
    [
      '  slip numbers right',
      side(
        header(digital, (f) => f.slipRight),
        header(photo, (f) => f.slipRight)
      ),
      `digital before: ${before.slipRight}`
    ],
    [
      '  PO numbers right',
      side(
        header(digital, (f) => f.poRight),
        header(photo, (f) => f.poRight)
      ),
      `digital before: ${before.poRight}`
    ],
    [
      '  suppliers right',
      side(
        header(digital, (f) => f.supplierRight),
        header(photo, (f) => f.supplierRight)
      ),
      `digital before: ${before.supplierRight}`
    ],
    [
      '  dates right',
      side(
        header(digital, (f) => f.dateRight),
        header(photo, (f) => f.dateRight)
      ),
      `digital before: ${before.dateRight}`
    ],
    [
      '  a page, median',
      side(`${digital.msPerPage} ms`, `${photo.msPerPage} ms`),
      'targets ≤ 50 ms │ ≤ 8,000 ms (OCR + parse)'
    ],
    [
      '  photos: weakest kinds',
      photo.kinds
        .slice(0, 3)
        .map((k) => `${k.kind} ${k.right}/${k.lines}`)
        .join('; '),
      ''
    ]
  ];
  return { key: 'slips', results, rows };
};

export default bench;
