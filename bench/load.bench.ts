// Load: 50 tablets each pushing a few scans every second and 10 supervisors holding GET /api/stream open, for
// 2 minutes (BENCH_QUICK: 15 s), against server/main.ts in its own process on a fresh database. Prints the push
// latency percentiles, the errors (any non-200, any event not applied, any stream that broke) and what the streams got.
import { randomUUID } from 'node:crypto';
import { freshDatabase, percentile, round, spawnServer, type BenchContext, type BenchSection } from './harness';

const DEVICES = 50;
const SUPERVISORS = 10;
const ITEMS = 200;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Holds one stream open until `until`, counting the change events it delivers. */
async function supervise(url: string, until: number, stats: { changes: number; errors: string[] }) {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), until - Date.now());
  try {
    const res = await fetch(`${url}/api/stream`, { signal: ctl.signal, headers: { accept: 'text/event-stream' } });
    if (res.status !== 200 || !res.body) throw new Error(`stream answered ${res.status}`);
    const decoder = new TextDecoder();
    let buffer = '';
    const reader = res.body.getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      buffer += decoder.decode(chunk.value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        if (/^event: change$/m.test(buffer.slice(0, end))) stats.changes++;
        buffer = buffer.slice(end + 2);
      }
    }
    if (Date.now() < until - 500) stats.errors.push('a stream ended early');
  } catch (e) {
    if (!ctl.signal.aborted) stats.errors.push(`stream: ${(e as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}

async function tablet(url: string, d: number, until: number, latencies: number[], errors: string[]) {
  let seq = 0;
  await sleep(Math.random() * 1000); // tablets do not tick in step
  while (Date.now() < until) {
    const started = Date.now();
    const events = Array.from({ length: 1 + Math.floor(Math.random() * 5) }, () => ({
      event_id: randomUUID(),
      device_seq: ++seq,
      event_type: Math.random() < 0.45 ? 'INTAKE' : 'CONSUME',
      item_id: `L-${Math.floor(Math.random() * ITEMS)}`,
      qty: 1 + Math.floor(Math.random() * 4),
      location_id: `LOAD-${d % 5}`,
      station_id: `ST-${d}`,
      source: 'wedge',
      captured_at: new Date().toISOString()
    }));
    try {
      const t = performance.now();
      const res = await fetch(`${url}/api/sync/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ device_id: `load-${d}`, events, pending_count: events.length })
      });
      const body = (await res.json()) as { results?: { status: string }[] };
      latencies.push(performance.now() - t);
      if (res.status !== 200) errors.push(`push answered ${res.status}`);
      else if (body.results?.some((r) => r.status !== 'applied')) errors.push('an event was not applied');
    } catch (e) {
      errors.push(`push: ${(e as Error).message}`);
    }
    await sleep(Math.max(0, 1000 - (Date.now() - started)));
  }
}

export default async function load(ctx: BenchContext): Promise<BenchSection> {
  const seconds = ctx.quick ? 15 : 120;
  const db = await freshDatabase(ctx, 2);
  await db.sql`INSERT INTO locations (location_id, name) SELECT 'LOAD-' || g, 'Load line ' || g FROM generate_series(0, 4) g`;
  await db.sql`INSERT INTO items (item_id, description, reorder_point, reorder_qty)
               SELECT 'L-' || g, 'Load part ' || g, 10, 40 FROM generate_series(0, ${ITEMS - 1}) g`;
  const api = await spawnServer(db.url);
  const latencies: number[] = [];
  const errors: string[] = [];
  const streams = { changes: 0, errors: [] as string[] };
  try {
    ctx.log(`${DEVICES} tablets pushing every second and ${SUPERVISORS} streams for ${seconds} s`);
    const until = Date.now() + seconds * 1000;
    await Promise.all([
      ...Array.from({ length: SUPERVISORS }, () => supervise(api.url, until + 2000, streams)),
      ...Array.from({ length: DEVICES }, (_, d) => tablet(api.url, d, until, latencies, errors))
    ]);
  } finally {
    await api.stop();
  }
  const [{ n }] = await db.sql<{ n: number }[]>`SELECT count(*) AS n FROM scan_events`;
  await db.close();

  const sorted = [...latencies].sort((a, b) => a - b);
  const p50 = percentile(sorted, 50);
  const p95 = percentile(sorted, 95);
  const p99 = percentile(sorted, 99);
  const allErrors = [...errors, ...streams.errors];
  if (allErrors.length) ctx.log(`errors: ${[...new Set(allErrors)].slice(0, 5).join('; ')}`);
  return {
    key: 'load',
    results: {
      devices: DEVICES,
      supervisors: SUPERVISORS,
      seconds,
      pushes: latencies.length,
      events_stored: n,
      push_p50_ms: round(p50),
      push_p95_ms: round(p95),
      push_p99_ms: round(p99),
      push_max_ms: round(sorted[sorted.length - 1] ?? NaN),
      errors: allErrors.length,
      stream_changes: streams.changes
    },
    rows: [
      [`${DEVICES} tablets × 1 push/s, ${seconds} s`, `${latencies.length} pushes`, `${n} events stored`],
      ['push latency p50 / p95', `${round(p50)} / ${round(p95)} ms`, `target p95 < 500 ms ${p95 < 500 ? '✔' : '✘'}`],
      ['push latency p99 / max', `${round(p99)} / ${round(sorted[sorted.length - 1] ?? NaN)} ms`, ''],
      [
        `errors (pushes and ${SUPERVISORS} streams)`,
        String(allErrors.length),
        `target 0 ${allErrors.length === 0 ? '✔' : '✘'}`
      ],
      ['change events delivered to the streams', String(streams.changes), `${SUPERVISORS} supervisors`]
    ]
  };
}
