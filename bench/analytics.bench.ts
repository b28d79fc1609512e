// The gold views on PostgreSQL (sql/migrations/0002_analytics.sql), which the supervisor analytics read: how long
// each takes over a month of a busy plant's scans. They recompute from scan_events (O(events)) on every read.
import { createApp } from '../server/app';
import { loadConfig } from '../server/config';
import type { BenchFn } from './harness';
import { freshDatabase, percentile, round } from './harness';

const VIEWS = [
  'gold_daily_movements',
  'gold_on_hand_history',
  'gold_replenishment_sla',
  'gold_station_throughput_hourly',
  'gold_voided_scan_rate'
];

const bench: BenchFn = async (ctx) => {
  const events = ctx.quick ? 20_000 : 200_000;
  const db = await freshDatabase(ctx, 2);
  try {
    ctx.log(`loading ${events} scan events over 30 days, 2% of consumptions voided`);
    await db.sql`INSERT INTO locations (location_id, name) SELECT 'LINE-' || g, 'Line ' || g FROM generate_series(1, 4) g`;
    await db.sql`INSERT INTO items (item_id, reorder_point) SELECT 'P-' || lpad(g::text, 3, '0'), 20 FROM generate_series(1, 30) g`;
    await db.sql`
      INSERT INTO scan_events (event_id, device_id, device_seq, event_type, item_id, qty, location_id, station_id, source, captured_at)
      SELECT gen_random_uuid(), 'tab-' || (g % 12), g, CASE WHEN g % 3 = 0 THEN 'INTAKE' ELSE 'CONSUME' END,
             'P-' || lpad((1 + g % 30)::text, 3, '0'), 1 + g % 5, 'LINE-' || (1 + g % 4), 'ST-' || (1 + g % 6), 'wedge',
             now() - interval '30 days' + (g * (interval '30 days' / ${events}))
      FROM generate_series(1, ${events}) g`;
    await db.sql`
      INSERT INTO scan_events (event_id, device_id, device_seq, event_type, item_id, qty, location_id, station_id, source, captured_at, voids_event_id)
      SELECT gen_random_uuid(), e.device_id, ${events} + row_number() OVER (ORDER BY e.device_seq), 'VOID', e.item_id, e.qty, e.location_id,
             e.station_id, 'wedge', e.captured_at + interval '1 minute', e.event_id
      FROM scan_events e WHERE e.event_type = 'CONSUME' AND e.device_seq % 50 = 1`;
    await db.sql`
      INSERT INTO replenishment_signals (signal_id, item_id, location_id, state, triggered_at_qty, on_hand_at_change, changed_at)
      SELECT md5('signal' || g)::uuid, 'P-' || lpad((1 + g % 30)::text, 3, '0'), 'LINE-' || (1 + g % 4), st.state, 10, 10,
             now() - interval '30 days' + g * interval '40 minutes' + st.after
      FROM generate_series(1, 1000) g
      CROSS JOIN (VALUES ('OPEN', interval '0'), ('ACKNOWLEDGED', interval '20 minutes'), ('FULFILLED', interval '3 hours')) st(state, after)`;
    await db.sql`ANALYZE`;

    const time = async (query: string) => {
      const ms: number[] = [];
      let rows = 0;
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        rows = (await db.sql.unsafe(query)).length;
        ms.push(performance.now() - t);
      }
      return {
        median: percentile(
          ms.sort((a, b) => a - b),
          50
        ),
        rows
      };
    };
    const results: Record<string, number> = { events };
    const rows: [string, string, string][] = [];
    for (const v of VIEWS) {
      const r = await time(`SELECT * FROM ${v}`);
      results[`${v}_ms`] = round(r.median);
      rows.push([`${v}, all rows (${r.rows})`, `${round(r.median)} ms`, 'a supervisor page: < 1000 ms']);
    }
    const week = await time(`SELECT * FROM gold_daily_movements WHERE day >= current_date - 7`);
    results.daily_movements_last_week_ms = round(week.median);
    rows.push([
      `gold_daily_movements, last 7 days (${week.rows})`,
      `${round(week.median)} ms`,
      'a supervisor page: < 1000 ms'
    ]);
    const day = await time(`SELECT * FROM gold_station_throughput_hourly WHERE hour >= now() - interval '1 day'`);
    results.throughput_last_day_ms = round(day.median);
    rows.push([
      `gold_station_throughput_hourly, last 24 h (${day.rows})`,
      `${round(day.median)} ms`,
      'a supervisor page: < 1000 ms'
    ]);
    const one = await time(`SELECT * FROM gold_on_hand_history WHERE item_id = 'P-001' AND location_id = 'LINE-1'`);
    results.on_hand_history_one_item_ms = round(one.median);
    rows.push([
      `gold_on_hand_history, one item (${one.rows})`,
      `${round(one.median)} ms`,
      'a supervisor page: < 1000 ms'
    ]);
    // The API routes that read these views for the item page's forecast and the analytics page, end to end.
    const app = createApp({ sql: db.sql, config: loadConfig({}), dbKind: 'url' });
    const routes: [string, string][] = [
      ['forecast', '/api/items/P-001/forecast'],
      ['analytics_consumption', '/api/analytics/consumption?days=28'],
      ['analytics_signals', '/api/analytics/signals?weeks=12'],
      ['analytics_throughput', '/api/analytics/throughput?hours=24']
    ];
    for (const [name, path] of routes) {
      const ms: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        const res = await app.request(path);
        if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
        await res.arrayBuffer();
        ms.push(performance.now() - t);
      }
      const median = percentile(
        ms.sort((a, b) => a - b),
        50
      );
      results[`${name}_route_ms`] = round(median);
      rows.push([`GET ${path}`, `${round(median)} ms`, 'a supervisor page: < 1000 ms']);
    }
    return { key: 'analytics', results, rows };
  } finally {
    await db.close();
  }
};

export default bench;
