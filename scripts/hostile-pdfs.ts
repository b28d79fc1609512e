// What each hostile packing-slip PDF (tests/fixtures/hostile-pdfs.ts) costs the server: each one uploaded in a fresh
// process on the embedded database, with a normal slip uploaded beside it. Prints, per PDF, the answer, how long the
// hostile upload took, how long the normal one beside it took, and the process's RSS before and its peak during the
// upload (sampled every 10 ms; pdf.js's worker threads included). `node --import tsx scripts/hostile-pdfs.ts [names…]`.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createApp } from '../server/app';
import { loadConfig } from '../server/config';
import { createTestDb } from '../server/testing/testdb';
import { hostilePdfs, normalSlip } from '../tests/fixtures/hostile-pdfs';

interface Figure {
  name: string;
  kb: number;
  status: number;
  code: string | null;
  ms: number;
  normal_status: number;
  normal_ms: number;
  rss_before_mb: number;
  peak_rss_mb: number;
}

async function one(name: string): Promise<Figure> {
  const pdf = hostilePdfs().find((h) => h.name === name);
  if (!pdf) throw new Error(`No hostile PDF ${name}`);
  const db = await createTestDb();
  const app = createApp({ sql: db.sql, config: loadConfig({}), dbKind: db.kind });
  const upload = async (bytes: Uint8Array, file: string) => {
    const f = new FormData();
    f.set('slip_id', randomUUID());
    f.set('device_id', 'tab-bench');
    f.append('files', new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/pdf' }), file);
    const t0 = performance.now();
    // The header a form cannot send (the cross-site guard asks for it; before it, it was ignored).
    const res = await app.request('/api/packing-slips', {
      method: 'POST',
      headers: { 'x-linesync-client': '1' },
      body: f
    });
    const body = (await res.json().catch(() => null)) as { error?: { code?: string } } | null;
    return { status: res.status, code: body?.error?.code ?? null, ms: Math.round(performance.now() - t0) };
  };
  await upload(normalSlip(), 'warm.pdf'); // the reader is loaded before anything is timed
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const [hostile, normal] = await Promise.all([
    upload(pdf.bytes, `${name}.pdf`),
    // The normal slip goes a moment later, so it meets the hostile one already being read.
    new Promise((r) => setTimeout(r, 50)).then(() => upload(normalSlip(), 'normal.pdf'))
  ]);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  await db.close();
  const mb = (b: number) => Math.round(b / 1024 / 1024);
  return {
    name,
    kb: Math.round(pdf.bytes.length / 1024),
    status: hostile.status,
    code: hostile.code,
    ms: hostile.ms,
    normal_status: normal.status,
    normal_ms: normal.ms,
    rss_before_mb: mb(before),
    peak_rss_mb: mb(peak)
  };
}

const args = process.argv.slice(2);
if (args[0] === '--one') {
  const figure = await one(args[1]);
  process.stdout.write(JSON.stringify(figure) + '\n');
  process.exit(0);
} else {
  const names = args.length ? args : hostilePdfs().map((h) => h.name);
  const self = fileURLToPath(import.meta.url);
  const rows: Figure[] = [];
  for (const name of names) {
    const out = execFileSync(process.execPath, ['--import', 'tsx', self, '--one', name], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: 600_000
    });
    const row = JSON.parse(out.trim().split('\n').pop()!) as Figure;
    rows.push(row);
    console.log(
      `${row.name.padEnd(18)} ${String(row.kb).padStart(5)} KB  ${row.status} ${(row.code ?? '').padEnd(16)} ` +
        `${String(row.ms).padStart(7)} ms   normal beside it: ${row.normal_status} in ${row.normal_ms} ms   ` +
        `RSS ${row.rss_before_mb} → peak ${row.peak_rss_mb} MB`
    );
  }
}
