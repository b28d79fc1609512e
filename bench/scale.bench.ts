// Scale: how each read's cost grows with the events behind it. One database grows to 1M, 3M and 10M scan events
// (BENCH_QUICK: 1M only) — a month of a plant: 1,000 parts at 4 locations, 12 tablets at 6 stations, 2 % of
// consumptions voided, a replenishment cycle per 1,000 events — with stock_levels the projection the API keeps. At
// each size: the tablet's pull (GET /api/sync/snapshot) and the console's inventory page (GET /api/inventory, its
// views), the analytics routes (which read the gold views, recomputed from scan_events on every read), `npm run db --
// verify` (the audit, which recomputes every stock row from every event) as a person runs it, and the audit view
// inventory_current the projection saves a read from. Written to bench/results.json and drawn as bench/scale.svg
// (BENCH_QUICK: bench/scale.quick.svg): time against events, one line per figure.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freshDatabase, percentile, round, startApi, type BenchContext, type BenchSection } from './harness';
import { scaleChart, type Series } from './scale-chart';

const ROOT = join(import.meta.dirname, '..');
const ITEMS = 1000;
const LOCATIONS = 4;
const DAY_MS = 86_400_000;
const SPAN_DAYS = 30;
/** Rows a statement loads at a time, so the log shows progress and no one statement holds minutes of work. */
const CHUNK = 1_000_000;

type Figure = { key: string; label: string; reps: number; run: (api: string) => Promise<unknown> };

const get = async (url: string) => {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.json();
};

export default async function scale(ctx: BenchContext): Promise<BenchSection> {
  // SCALE_SIZES=10000,30000: other sizes, for trying the bench itself out.
  const sizes = process.env.SCALE_SIZES
    ? process.env.SCALE_SIZES.split(',').map(Number)
    : ctx.quick
      ? [1_000_000]
      : [1_000_000, 3_000_000, 10_000_000];
  const db = await freshDatabase(ctx, 4);
  const results: BenchSection['results'] = { sizes: sizes.join(' '), items: ITEMS, locations: LOCATIONS };
  const rows: BenchSection['rows'] = [];
  const measured = new Map<string, [number, number][]>();
  // Every event's time is fixed from the start: each size's new events fall across the same 30 days, so the
  // windows the analytics routes read (28 days, 12 weeks, 24 hours) hold the same share of the events at every size.
  const t0 = Date.now() - SPAN_DAYS * DAY_MS;
  try {
    await db.sql`INSERT INTO locations (location_id, name)
                 SELECT 'LINE-' || g, 'Line ' || g FROM generate_series(1, ${LOCATIONS}) g`;
    await db.sql`INSERT INTO items (item_id, description, reorder_point, reorder_qty)
                 SELECT 'P-' || lpad(g::text, 4, '0'), 'Scale part ' || g, 20, 100 FROM generate_series(1, ${ITEMS}) g`;
    const figures: Figure[] = [
      {
        key: 'snapshot',
        label: 'GET /api/sync/snapshot (tablet pull)',
        reps: 30,
        run: (api) => get(`${api}/api/sync/snapshot`)
      },
      {
        key: 'inventory',
        label: 'GET /api/inventory (console, p95 of views)',
        reps: 10,
        run: (api) =>
          Promise.all(
            ['', 'status=low&sort=on_hand', 'sort=last_activity_at&order=desc', 'q=part%2012'].map((q) =>
              get(`${api}/api/inventory?limit=50&${q}`)
            )
          )
      },
      {
        key: 'consumption',
        label: 'GET /api/analytics/consumption',
        reps: 3,
        run: (api) => get(`${api}/api/analytics/consumption`)
      },
      {
        key: 'signals',
        label: 'GET /api/analytics/signals',
        reps: 3,
        run: (api) => get(`${api}/api/analytics/signals`)
      },
      {
        key: 'throughput',
        label: 'GET /api/analytics/throughput',
        reps: 3,
        run: (api) => get(`${api}/api/analytics/throughput`)
      },
      {
        key: 'verify',
        label: 'npm run db -- verify (the process, Node start included)',
        reps: 1,
        run: async () => {
          const { stdout } = await promisify(execFile)(
            process.execPath,
            ['--import', 'tsx', join(ROOT, 'server/db/cli.ts'), 'verify'],
            { cwd: ROOT, env: { ...process.env, DATABASE_URL: db.url } }
          );
          if (!stdout.startsWith('OK')) throw new Error(`db verify: ${stdout}`);
        }
      },
      {
        key: 'inventory_current',
        label: 'SELECT * FROM inventory_current (the audit view)',
        reps: 1,
        run: () => db.sql`SELECT * FROM inventory_current`
      }
    ];

    // SCALE_BUDGET_MIN=90: the minutes this run may take. A size whose load and measurement, at the pace of the sizes
    // before it, would not fit in what is left is skipped (said in the results), so a run on a busy machine still ends
    // with the sizes it could do instead of being cut off with nothing written.
    const budgetMs = Number(process.env.SCALE_BUDGET_MIN ?? Infinity) * 60_000;
    const started = performance.now();
    let work = 0; // a size's new events plus all its events: what its load and its reads each grow with
    let msPerEvent = 0; // the time per unit of that work, over the sizes so far
    const file = join(import.meta.dirname, ctx.quick ? 'scale.quick.svg' : 'scale.svg');
    const drawChart = () =>
      writeFileSync(
        file,
        scaleChart(
          `LineSync at scale: time against scan events (${new Date().toISOString().slice(0, 10)}, Node ${process.version})`,
          figures.map((f): Series => ({ label: f.label, points: measured.get(f.key) ?? [] }))
        )
      );
    let loaded = 0;
    for (const size of sizes) {
      const label = size >= 1e6 ? `${size / 1e6}M` : String(size);
      const left = budgetMs - (performance.now() - started);
      // Every figure but the pulls reads all the events, so one size costs about its events times the pace so far.
      const expect = msPerEvent * (size - loaded + size);
      if (msPerEvent && expect > left) {
        ctx.log(
          `${label}: skipped, it would take about ${Math.round(expect / 60_000)} min and ${Math.round(left / 60_000)} are left`
        );
        results[`skipped_${label}`] =
          `expected ${Math.round(expect / 60_000)} min, ${Math.round(left / 60_000)} min left of SCALE_BUDGET_MIN`;
        rows.push([`${label} events`, 'skipped', `would take ~${Math.round(expect / 60_000)} min (SCALE_BUDGET_MIN)`]);
        break;
      }
      const sizeStart = performance.now();
      for (let from = loaded + 1; from <= size; from += CHUNK) {
        const to = Math.min(size, from + CHUNK - 1);
        ctx.log(`loading events ${from.toLocaleString('en')}–${to.toLocaleString('en')}`);
        await loadEvents(db.sql, from, to, size, loaded, t0);
      }
      await rebuildProjection(db.sql, size, t0);
      ctx.log(`${size.toLocaleString('en')} events: vacuum and analyze`);
      await db.sql`VACUUM ANALYZE`;
      const loadS = (performance.now() - sizeStart) / 1000;
      results[`load_${label}_s`] = round(loadS, 0);
      rows.push([
        `${label} events: load ${(size - loaded).toLocaleString('en')} more, project, vacuum`,
        `${round(loadS, 0)} s`,
        'setup, not a figure'
      ]);
      ctx.log(`${label}: loaded in ${round(loadS, 0)} s`);

      const api = await startApi(db);
      try {
        for (const f of figures) {
          await f.run(api.url); // warm: the first read of a cold table measures the disk, not the query
          const ms: number[] = [];
          for (let i = 0; i < f.reps; i++) {
            const t = performance.now();
            await f.run(api.url);
            ms.push(performance.now() - t);
          }
          ms.sort((a, b) => a - b);
          // Many runs: the p95; a few: the median.
          const v = f.reps >= 10 ? percentile(ms, 95) : percentile(ms, 50);
          const what = f.reps >= 10 ? 'p95' : f.reps > 1 ? `median of ${f.reps}` : 'one run';
          ctx.log(`${label}: ${f.key} ${round(v, 1)} ms (${what})`);
          results[`${f.key}_${label}_ms`] = round(v, 1);
          rows.push([`${label} events: ${f.label}`, `${round(v, 1)} ms`, what]);
          measured.set(f.key, [...(measured.get(f.key) ?? []), [size, v]]);
        }
      } finally {
        await api.stop();
      }
      work += size - loaded + size;
      msPerEvent = (performance.now() - started) / work;
      loaded = size;
      drawChart(); // after every size: a run stopped later still leaves the chart of the sizes it did
    }

    results.chart = file.slice(ROOT.length + 1);
    rows.push(['chart', results.chart, 'time against events, one line per figure']);
    // How each figure grew from the smallest size to the largest, against the growth of the events.
    const done = sizes.filter((n) => n <= loaded);
    if (done.length > 1) {
      const growth = done.at(-1)! / done[0];
      for (const f of figures) {
        const pts = measured.get(f.key)!;
        const g = pts.at(-1)![1] / pts[0][1];
        results[`${f.key}_growth`] = round(g, 1);
        const shape = g < 1.5 ? 'flat: O(1) in events' : g >= growth / 2 ? 'grows with the events' : 'grows, slower';
        rows.push([`growth ${f.key}, ×${growth} events`, `×${round(g, 1)}`, shape]);
      }
    }
  } finally {
    await db.close();
  }
  return { key: 'scale', results, rows };
}

/**
 * Events from..to (1-based numbers), spread evenly over the 30 days: event g of this size's new ones sits at its
 * own place between the earlier sizes' events, so every size is a month of the same plant, busier.
 */
async function loadEvents(
  sql: import('../server/db/connect').Sql,
  from: number,
  to: number,
  size: number,
  before: number,
  t0: number
) {
  const added = size - before;
  const span = SPAN_DAYS * DAY_MS;
  await sql`
    INSERT INTO scan_events (event_id, device_id, device_seq, event_type, item_id, qty, location_id, station_id,
                             source, captured_at, received_at)
    SELECT gen_random_uuid(), 'tab-' || (g % 12), g, CASE WHEN g % 3 = 0 THEN 'INTAKE' ELSE 'CONSUME' END,
           'P-' || lpad((1 + g % ${ITEMS})::text, 4, '0'), 1 + g % 5, 'LINE-' || (1 + g % ${LOCATIONS}),
           'ST-' || (1 + g % 6), 'wedge', at, at + interval '2 seconds'
    FROM generate_series(${from}::bigint, ${to}::bigint) g,
         LATERAL (SELECT to_timestamp((${t0}::float8 + (g - ${before}) * (${span}::float8 / ${added})) / 1000) AS at) t`;
  // A VOID for one consumption in 50 (device_seq % 150 = 1 is a CONSUME), after it, numbered above every scan.
  await sql`
    INSERT INTO scan_events (event_id, device_id, device_seq, event_type, item_id, qty, location_id, station_id,
                             source, captured_at, received_at, voids_event_id)
    SELECT gen_random_uuid(), e.device_id, 100000000 + e.device_seq, 'VOID', e.item_id, e.qty, e.location_id,
           e.station_id, 'wedge', e.captured_at + interval '1 minute', e.received_at + interval '1 minute', e.event_id
    FROM scan_events e
    WHERE e.device_seq BETWEEN ${from} AND ${to} AND e.device_seq % 150 = 1 AND e.event_type = 'CONSUME'`;
}

/** stock_levels as the API keeps it, from the audit view; signals, a full cycle per 1,000 events over the month. */
async function rebuildProjection(sql: import('../server/db/connect').Sql, size: number, t0: number) {
  await sql`TRUNCATE stock_levels`;
  await sql`
    INSERT INTO stock_levels (item_id, location_id, on_hand, intake_total, consume_total, event_count, last_activity_at)
    SELECT item_id, location_id, on_hand, intake_total, consume_total, 0, last_activity_at FROM inventory_current`;
  await sql`TRUNCATE replenishment_signals`;
  const cycles = Math.round(size / 1000);
  await sql`
    INSERT INTO replenishment_signals (signal_id, item_id, location_id, state, triggered_at_qty, on_hand_at_change, changed_at)
    SELECT md5('signal' || g)::uuid, 'P-' || lpad((1 + g % ${ITEMS})::text, 4, '0'), 'LINE-' || (1 + g % ${LOCATIONS}),
           st.state, 10, 10,
           to_timestamp(${t0}::float8 / 1000) + g * (make_interval(days => ${SPAN_DAYS}) / ${cycles}) + st.after
    FROM generate_series(1, ${cycles}) g
    CROSS JOIN (VALUES ('OPEN', interval '0'), ('ACKNOWLEDGED', interval '20 minutes'),
                       ('FULFILLED', interval '3 hours')) st(state, after)`;
}
