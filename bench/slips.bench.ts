// Packing slips: how many lines the digital reader gets right on generated layouts it was not tuned on, how many it
// invents, whether it finds the slip and PO numbers, and how long a page takes (pdf.js extraction + table rebuild, as
// the server runs it on upload). Each figure is printed for the reader before issue 15 (bench/slip-parse-before.ts)
// and for today's, on the old six fixtures and on the generated corpus of two held-out seeds (the unit tests use
// seed 1). The photo-like JPEGs of the corpus are written to .cache/slip-corpus/<seed>/ for the OCR figures:
// `photoFigures(entries, readPhoto)` scores any reader that turns a JPEG into a TextLayer.
import { readFile } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import type { BenchFn, BenchSection } from './harness';
import { percentile, round } from './harness';
import type { ParsedSlip, TextLayer } from '#domain/slip';
import { parseTextLayer } from '#domain/slip-parse';
import { parseTextLayer as parseBefore } from './slip-parse-before';
import { readTextLayer } from '../server/features/slips/pdf';
import { slipFixtures } from '../tests/fixtures/slips';
import { scoreSlip, writeCorpus, type CorpusEntry } from '../tests/fixtures/slip-corpus';

/** Seeds of the benchmark corpus: never the unit tests' seed (1), so the figures are on layouts not tuned to. */
export const BENCH_SEEDS = [2026, 4242];

export interface CorpusFigures {
  slips: number;
  pages: number;
  lines: number;
  right: number;
  spurious: number;
  slipRight: number;
  poRight: number;
  msPerPage: number;
}

function tally(entries: { truth: CorpusEntry['truth']; slip: ParsedSlip; ms: number; pages: number }[]): CorpusFigures {
  const f: CorpusFigures = {
    slips: entries.length,
    pages: 0,
    lines: 0,
    right: 0,
    spurious: 0,
    slipRight: 0,
    poRight: 0,
    msPerPage: 0
  };
  const perPage: number[] = [];
  for (const e of entries) {
    const s = scoreSlip(e.truth, e.slip);
    f.pages += e.pages;
    f.lines += s.lines;
    f.right += s.right;
    f.spurious += s.spurious;
    f.slipRight += +s.slipRight;
    f.poRight += +s.poRight;
    perPage.push(e.ms / Math.max(1, e.pages));
  }
  perPage.sort((a, b) => a - b);
  f.msPerPage = round(percentile(perPage, 50), 2);
  return f;
}

/** The hook for the OCR figures: each slip's photos through `readPhoto` (JPEG bytes → text layer), then the reader. */
export async function photoFigures(
  entries: CorpusEntry[],
  readPhoto: (jpeg: Uint8Array) => Promise<TextLayer>
): Promise<CorpusFigures> {
  const out = [];
  for (const e of entries) {
    const t0 = performance.now();
    const layer: TextLayer = [];
    for (const photo of e.photos) layer.push(...(await readPhoto(new Uint8Array(await readFile(photo)))));
    out.push({ truth: e.truth, slip: parseTextLayer(layer), ms: performance.now() - t0, pages: e.photos.length });
  }
  return tally(out);
}

async function digitalFigures(entries: CorpusEntry[], parse: (l: TextLayer) => ParsedSlip): Promise<CorpusFigures> {
  const out = [];
  for (const e of entries) {
    const t0 = performance.now();
    const layer = await readTextLayer(new Uint8Array(await readFile(e.pdf)));
    const slip = parse(layer);
    out.push({ truth: e.truth, slip, ms: performance.now() - t0, pages: layer.length });
  }
  return tally(out);
}

const pct = (a: number, b: number) => `${round((100 * a) / Math.max(1, b), 1)}%`;

/** H6's local OCR, when it exists: server/features/slips/ocr.ts exporting ocrTextLayer(jpeg) → TextLayer. */
async function localOcr(): Promise<((jpeg: Uint8Array) => Promise<TextLayer>) | null> {
  const path = '../server/features/slips/ocr';
  const mod = (await import(/* @vite-ignore */ path).catch(() => null)) as {
    ocrTextLayer?: (b: Uint8Array) => Promise<TextLayer>;
  } | null;
  return mod?.ocrTextLayer ?? null;
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

  // The generated corpus (every kind of issue 15), held-out seeds; photos rendered once and cached.
  const photos = !ctx.quick;
  const entries: CorpusEntry[] = [];
  for (const seed of BENCH_SEEDS) {
    ctx.log(`corpus seed ${seed}${photos ? ' with photos (slow the first time, cached after)' : ''}`);
    entries.push(...(await writeCorpus(seed, { photos })));
  }
  const before = await digitalFigures(entries, parseBefore);
  const after = await digitalFigures(entries, parseTextLayer);
  const ocr = photos ? await localOcr() : null;
  const photo = ocr ? await photoFigures(entries, ocr) : null;

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
    corpus_seeds: BENCH_SEEDS.join(','),
    corpus_slips: after.slips,
    corpus_pages: after.pages,
    corpus_lines: after.lines,
    corpus_lines_right: after.right,
    corpus_lines_right_before: before.right,
    corpus_spurious: after.spurious,
    corpus_spurious_before: before.spurious,
    corpus_slip_no_right: after.slipRight,
    corpus_slip_no_right_before: before.slipRight,
    corpus_po_right: after.poRight,
    corpus_po_right_before: before.poRight,
    corpus_page_ms_median: after.msPerPage,
    photo_lines_right: photo?.right ?? null,
    photo_spurious: photo?.spurious ?? null,
    photo_slip_no_right: photo?.slipRight ?? null,
    photo_po_right: photo?.poRight ?? null,
    photo_page_ms_median: photo?.msPerPage ?? null
  };
  const rows: BenchSection['rows'] = [
    ['digital page: extract + parse, median', `${round(median, 2)} ms`, 'target ≤ 50 ms'],
    ['digital page: extract + parse, p95', `${round(percentile(perPage, 95), 2)} ms`, ''],
    ['table rebuild alone (pure), median', `${round(percentile(parseOnly, 50), 3)} ms`, ''],
    ['old fixtures: lines read exactly', `${exact} / ${expected}`, `before: ${exactBefore} / ${expected}`],
    ['old fixtures: slips read exactly', `${slipsExact} / ${fixtures.length}`, ''],
    [
      `corpus (${after.slips} slips, ${after.pages} pages): lines right`,
      `${after.right} / ${after.lines}`,
      `${pct(after.right, after.lines)}; before ${before.right} (${pct(before.right, before.lines)}); target ≥ 98%`
    ],
    ['corpus: spurious lines', `${after.spurious}`, `before ${before.spurious}; target 0`],
    ['corpus: slip numbers right', `${after.slipRight} / ${after.slips}`, `before ${before.slipRight}`],
    ['corpus: PO numbers right', `${after.poRight} / ${after.slips}`, `before ${before.poRight}`],
    ['corpus: digital page, median', `${after.msPerPage} ms`, '']
  ];
  if (photo)
    rows.push(
      [
        'photos (local OCR): lines right',
        `${photo.right} / ${photo.lines}`,
        `${pct(photo.right, photo.lines)}; target ≥ 90%`
      ],
      ['photos: spurious lines', `${photo.spurious}`, `${pct(photo.spurious, photo.lines)}; target ≤ 2%`],
      ['photos: slip / PO numbers right', `${photo.slipRight} / ${photo.poRight} of ${photo.slips}`, ''],
      ['photos: OCR + parse a page, median', `${photo.msPerPage} ms`, 'target ≤ 8,000 ms']
    );
  else
    rows.push(['photos', photos ? 'no local OCR yet' : 'skipped (quick)', 'server/features/slips/ocr.ts ocrTextLayer']);
  return { key: 'slips', results, rows };
};

export default bench;
