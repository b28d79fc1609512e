// Read: GET /api/inventory (the stock_levels projection) against SELECT * FROM inventory_current (the audit view that
// recomputes from every event), on the same data: 1,000,000 events over 1,000 items. Then the inventory page at
// 100,000 items: every view the console offers (page, search, filter, sort, a deep page), the keyset page of the API
// beside the offset page and count(*) it replaced (bench/inventory-offset-before.ts), on the same data.
import { encodeCursor } from '../server/features/inventory/inventory';
import { readInventoryByOffset, type OffsetQuery } from './inventory-offset-before';
import {
  freshDatabase,
  loadSupervisedStock,
  percentile,
  round,
  startApi,
  type BenchContext,
  type BenchSection
} from './harness';

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
    '?location_id=LOC-1&sort=on_hand',
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
  const inventory = await inventoryViews(ctx);

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
      speedup: round(speedup, 1),
      ...inventory.results
    },
    rows: [
      [`GET /api/inventory p50 (${events} events)`, `${round(p50, 2)} ms`, ''],
      ['GET /api/inventory p95', `${round(p95, 2)} ms`, `target < 10 ms ${p95 < 10 ? '✔' : '✘'}`],
      ['SELECT * FROM inventory_current p95', `${round(viewP95, 1)} ms`, 'anchor'],
      ['speedup (view p95 / API p95)', `${round(speedup, 1)}×`, `target ≥ 50× ${speedup >= 50 ? '✔' : '✘'}`],
      ...inventory.rows
    ]
  };
}

/** The inventory page's views: [label, API query, the offset query of the same page before issue 18]. */
type View = [label: string, query: string, before: Partial<OffsetQuery>];

async function inventoryViews(ctx: BenchContext): Promise<Pick<BenchSection, 'results' | 'rows'>> {
  const items = ctx.quick ? 20_000 : 100_000;
  const reps = ctx.quick ? 15 : 40;
  const db = await freshDatabase(ctx);
  ctx.log(`loading ${items} items with stock at 2 locations`);
  const id = (n: number) => `S-${String(n).padStart(6, '0')}`;
  await loadSupervisedStock(db, items);
  await db.sql`VACUUM ANALYZE`; // every table: autovacuum would have, after 100,000 inserts (GIN pending lists included)
  await db.sql`ANALYZE`;
  // The deep page: half way down the item order, where the offset query skips half the table.
  const half = Math.floor(items / 2);
  const [mid] = await db.sql<{ item_id: string; location_id: string }[]>`
    SELECT item_id, location_id FROM stock_levels WHERE item_id = ${id(half - 1)}`;
  const deep = encodeCursor({ s: 'item_id', o: 'asc', k: [mid.item_id, mid.location_id] });
  const views: View[] = [
    ['first page', '', {}],
    ['search, one item', 'q=part%2012345', { q: 'part 12345' }],
    ['search, many items', 'q=part%201', { q: 'part 1' }],
    // The same search under the sorts whose order its matches lie far down (items 10,000-19,999 of 100,000): the
    // views an unbounded walk of the order was slowest on (470 ms by last activity).
    ['search, many, oldest activity', 'q=part%201&sort=last_activity_at', { q: 'part 1', sort: 'last_activity_at' }],
    [
      'search, many, by status desc',
      'q=part%201&sort=status&order=desc',
      { q: 'part 1', sort: 'status', order: 'desc' }
    ],
    ['search, a location', 'q=loc-1&sort=on_hand', { q: 'loc-1', sort: 'on_hand' }],
    ['status low, by on hand', 'status=low&sort=on_hand', { status: 'low', sort: 'on_hand' }],
    ['status ok, by on hand', 'status=ok&sort=on_hand', { status: 'ok', sort: 'on_hand' }],
    ['by last activity, newest', 'sort=last_activity_at&order=desc', { sort: 'last_activity_at', order: 'desc' }],
    ['by status', 'sort=status', { sort: 'status' }],
    ['by location, descending', 'sort=location_id&order=desc', { sort: 'location_id', order: 'desc' }],
    ['by on hand, most first', 'sort=on_hand&order=desc', { sort: 'on_hand', order: 'desc' }],
    ['location, negative', 'location_id=LOC-1&status=negative', { location_id: 'LOC-1', status: 'negative' }],
    [`deep page (row ${half})`, `cursor=${deep}`, { offset: half }]
  ];

  const api = await startApi(db);
  const time = async (f: () => Promise<unknown>) => {
    const t = performance.now();
    await f();
    return performance.now() - t;
  };
  const page = async (query: string) => {
    const res = await fetch(`${api.url}/api/inventory?limit=50&${query}`);
    if (!res.ok) throw new Error(`inventory ${query} failed: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const before = (v: Partial<OffsetQuery>) =>
    readInventoryByOffset(db.sql, { sort: 'item_id', order: 'asc', limit: 50, offset: 0, ...v });
  for (const [, query, old] of views) await Promise.all([page(query), before(old)]); // warm up
  ctx.log(`timing ${views.length} inventory views, ${reps} times each, keyset API and offset query in turn`);
  const apiMs = views.map(() => [] as number[]);
  const oldMs = views.map(() => [] as number[]);
  for (let r = 0; r < reps; r++)
    for (const [i, [, query, old]] of views.entries()) {
      apiMs[i].push(await time(() => page(query)));
      // The old query takes up to a minute on some views (a search of many items): one run of those is enough.
      if (r < 1 || oldMs[i].reduce((a, b) => a + b, 0) < 5000) oldMs[i].push(await time(() => before(old)));
    }
  await api.stop();
  await db.close();

  const p95 = (ms: number[]) =>
    percentile(
      [...ms].sort((a, b) => a - b),
      95
    );
  const all = apiMs.flat().sort((a, b) => a - b);
  const allOld = oldMs.flat().sort((a, b) => a - b);
  const worst = Math.max(...apiMs.map(p95));
  const worstOld = Math.max(...oldMs.map(p95));
  const rows: BenchSection['rows'] = [
    [`inventory, ${items} items: view`, 'keyset API p95', 'offset + count(*) p95 (before)']
  ];
  for (const [i, [label]] of views.entries())
    rows.push([`  ${label}`, `${round(p95(apiMs[i]), 1)} ms`, `${round(p95(oldMs[i]), 1)} ms`]);
  rows.push(
    ['  every view, p95 of all', `${round(percentile(all, 95), 1)} ms`, `${round(percentile(allOld, 95), 1)} ms`],
    [
      `  slowest view's p95`,
      `${round(worst, 1)} ms`,
      `${round(worstOld, 1)} ms; target ≤ 25 ms ${worst <= 25 ? '✔' : '✘'}`
    ]
  );
  return {
    results: {
      inventory_items: items,
      inventory_views: views.length,
      inventory_api_p50_ms: round(percentile(all, 50), 1),
      inventory_api_p95_ms: round(percentile(all, 95), 1),
      inventory_api_slowest_view_p95_ms: round(worst, 1),
      inventory_api_slowest_view: views[apiMs.map(p95).indexOf(worst)][0],
      inventory_offset_before_p95_ms: round(percentile(allOld, 95), 1),
      inventory_offset_before_slowest_view_p95_ms: round(worstOld, 1),
      inventory_offset_before_slowest_view: views[oldMs.map(p95).indexOf(worstOld)][0]
    },
    rows
  };
}
