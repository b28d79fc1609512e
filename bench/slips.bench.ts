// Packing slips: how long the digital reader takes per page (pdf.js text extraction plus the table rebuild, as the
// server runs it on upload) and how many lines of the generated layouts it reads exactly.
import { isDeepStrictEqual } from 'node:util';
import type { BenchFn } from './harness';
import { percentile, round } from './harness';
import { parseTextLayer } from '#domain/slip-parse';
import { readTextLayer } from '../server/features/slips/pdf';
import { slipFixtures } from '../tests/fixtures/slips';

const bench: BenchFn = async (ctx) => {
  const fixtures = (await slipFixtures()).filter((f) => f.digital);
  const rounds = ctx.quick ? 5 : 30;
  await readTextLayer(fixtures[0].bytes); // pdf.js loads its worker code once per process; not a per-page cost
  ctx.log(`${fixtures.length} digital layouts, ${rounds} rounds`);
  const perPage: number[] = [];
  const parseOnly: number[] = [];
  let expected = 0;
  let exact = 0;
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
        expected += f.expected.lines.length;
        exact += f.expected.lines.filter((line, i) => isDeepStrictEqual(slip.lines[i], line)).length;
        if (isDeepStrictEqual(slip, f.expected)) slipsExact++;
      }
    }
  perPage.sort((a, b) => a - b);
  parseOnly.sort((a, b) => a - b);
  const median = percentile(perPage, 50);
  return {
    key: 'slips',
    results: {
      digital_layouts: fixtures.length,
      page_ms_median: round(median, 2),
      page_ms_p95: round(percentile(perPage, 95), 2),
      table_rebuild_ms_median: round(percentile(parseOnly, 50), 3),
      lines_expected: expected,
      lines_exact: exact,
      line_accuracy: round(exact / expected, 4),
      slips_exact: slipsExact
    },
    rows: [
      ['digital page: extract + parse, median', `${round(median, 2)} ms`, 'target ≤ 50 ms'],
      ['digital page: extract + parse, p95', `${round(percentile(perPage, 95), 2)} ms`, ''],
      ['table rebuild alone (pure), median', `${round(percentile(parseOnly, 50), 3)} ms`, ''],
      ['lines read exactly', `${exact} / ${expected}`, 'target: all'],
      ['slips read exactly (header fields too)', `${slipsExact} / ${fixtures.length}`, '']
    ]
  };
};

export default bench;
