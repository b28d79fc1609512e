// `npm run bench`: every bench/*.bench.ts section in one run, printed as a table and written to bench/results.json
// (BENCH_QUICK=1: small sizes, written to bench/results.quick.json instead).
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchContext, BenchFn, BenchSection } from './harness';

const dir = fileURLToPath(new URL('.', import.meta.url));
const quick = process.env.BENCH_QUICK === '1';
const only = process.argv.slice(2); // `npm run bench -- ingest read` runs just those sections' files

async function main() {
  const ctx: BenchContext = {
    quick,
    adminUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    log: (m) => console.error(`  … ${m}`)
  };
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => !only.length || only.some((o) => f.startsWith(o)))
    .sort();
  const sections: BenchSection[] = [];
  for (const f of files) {
    console.error(`▶ ${f}`);
    const fn = (await import(pathToFileURL(dir + f).href)).default as BenchFn;
    sections.push(await fn(ctx));
  }
  const width = [44, 18];
  console.log(
    `\nLineSync benchmark${quick ? ' (BENCH_QUICK)' : ''} — ${new Date().toISOString()}, Node ${process.version}`
  );
  for (const s of sections) {
    console.log(`\n[${s.key}]`);
    for (const [m, v, t] of s.rows) console.log(`  ${m.padEnd(width[0])} ${v.padStart(width[1])}   ${t}`);
  }
  // A partial run (`npm run bench -- ingest`) replaces its own sections and keeps the others' last figures.
  const file = dir + (quick ? 'results.quick.json' : 'results.json');
  const previous = readPrevious(file);
  const out = {
    ...previous,
    ...Object.fromEntries(sections.map((s) => [s.key, { ...s.results, measured_at: new Date().toISOString() }]))
  };
  // Written aside and renamed, so a reader never sees half a file.
  writeFileSync(file + '.tmp', JSON.stringify({ ...out, node: process.version, quick }, null, 2) + '\n');
  renameSync(file + '.tmp', file);
  console.log(`\nWrote ${file}`);
  process.exit(0);
}

function readPrevious(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    console.error(`(${file} was unreadable: starting it afresh)`);
    return {};
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
