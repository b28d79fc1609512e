// Read: GET /api/inventory (the stock_levels projection) against SELECT * FROM inventory_current (the audit view that
// recomputes from every event), on the same data: 1,000,000 events over 1,000 items.
import { freshDatabase, percentile, round, startApi, type BenchContext, type BenchSection } from './harness';

export default async function read(ctx: BenchContext): Promise<BenchSection> {
  const events = ctx.quick ? 100_000 : 1_000_000;
  const items = 1000;
  const db = await freshDatabase(ctx);
  ctx.log(`loading ${events} events over ${items} items`);
  await db.sql`INSERT INTO locations (location_id, name) VALUES ('LOC-0', 'Loc 0'), ('LOC-1', 'Loc 1')`;
  await db.sql`INSERT INTO items (item_id, description, reorder_point, reorder_qty)
               SELECT 'R-' || g, 'Read part ' || g, 20, 100 FROM generate_series(0, ${items - 1}) g`;
  await db.sql`
    INSERT INTO scan_events (event_id, device_id, device_seq, event_type, item_id, qty, location_id, source, captured_at)
    SELECT gen_random_uuid(), 'bench-' || (g % 20), g, CASE WHEN g % 3 = 0 THEN 'INTAKE' ELSE 'CONSUME' END,
           'R-' || (g % ${items}), 1 + g % 5, 'LOC-' || (g % 2), 'wedge', now() - make_interval(secs => g)
    FROM generate_series(1, ${events}) g`;
  // The projection as the API maintains it, built once from the audit view (db verify checks they agree).
  await db.sql`
    INSERT INTO stock_levels (item_id, location_id, on_hand, intake_total, consume_total, event_count, last_activity_at)
    SELECT item_id, location_id, on_hand, intake_total, consume_total, 0, last_activity_at FROM inventory_current`;
  await db.sql`ANALYZE`;

  const api = await startApi(db);
  const timeIt = async (n: number, f: () => Promise<unknown>) => {
    const ms: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await f();
      ms.push(performance.now() - t);
    }
    return ms.sort((a, b) => a - b);
  };
  const pages = [
    '',
    '?below_reorder=true',
    '?sort=on_hand&order=desc',
    '?location_id=LOC-1&offset=200',
    '?item_id=R-7'
  ];
  await timeIt(20, () => fetch(`${api.url}/api/inventory`).then((r) => r.json())); // warm up
  ctx.log('timing GET /api/inventory');
  let k = 0;
  const apiMs = await timeIt(ctx.quick ? 200 : 500, async () => {
    const res = await fetch(`${api.url}/api/inventory${pages[k++ % pages.length]}`);
    if (!res.ok) throw new Error(`inventory failed: ${res.status}`);
    return res.json();
  });
  ctx.log('timing SELECT * FROM inventory_current');
  const viewMs = await timeIt(ctx.quick ? 5 : 10, () => db.sql`SELECT * FROM inventory_current`);
  await api.stop();
  await db.close();

  const p50 = percentile(apiMs, 50);
  const p95 = percentile(apiMs, 95);
  const viewP95 = percentile(viewMs, 95);
  const speedup = viewP95 / p95;
  return {
    key: 'read',
    results: {
      events,
      items,
      api_p50_ms: round(p50, 2),
      api_p95_ms: round(p95, 2),
      view_p50_ms: round(percentile(viewMs, 50), 1),
      view_p95_ms: round(viewP95, 1),
      speedup: round(speedup, 1)
    },
    rows: [
      [`GET /api/inventory p50 (${events} events)`, `${round(p50, 2)} ms`, ''],
      ['GET /api/inventory p95', `${round(p95, 2)} ms`, `target < 10 ms ${p95 < 10 ? '✔' : '✘'}`],
      ['SELECT * FROM inventory_current p95', `${round(viewP95, 1)} ms`, 'anchor'],
      ['speedup (view p95 / API p95)', `${round(speedup, 1)}×`, `target ≥ 50× ${speedup >= 50 ? '✔' : '✘'}`]
    ]
  };
}
