// The analytics page's figures, read from the gold_* views that mirror the Lakeflow pipeline's gold tables, so the
// app and Databricks show the same numbers. Each series comes back complete (days, weeks or hours without activity
// as 0), ready to draw.
import { Hono } from 'hono';
import { z } from 'zod';
import { addDays } from '#domain/forecast';
import type { Env } from '../../http/auth';
import type { Deps } from '../../deps';
import { queryParams } from '../../http/errors';

const consumptionQuery = z.strictObject({
  days: z.coerce.number().int().min(1).max(366).default(28),
  limit: z.coerce.number().int().min(1).max(20).default(6)
});
const weeksQuery = z.strictObject({ weeks: z.coerce.number().int().min(1).max(104).default(12) });
const hoursQuery = z.strictObject({
  hours: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 14)
    .default(24)
});

const HOUR_MS = 3_600_000;

export function analyticsRoutes({ sql, config }: Deps) {
  return new Hono<Env>()
    .get('/consumption', async (c) => {
      const q = queryParams(c, consumptionQuery);
      const [{ today }] = await sql<
        { today: string }[]
      >`SELECT to_char((now() AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS today`;
      const from = addDays(today, 1 - q.days);
      const days = Array.from({ length: q.days }, (_, i) => addDays(from, i));
      const index = new Map(days.map((d, i) => [d, i]));
      // The items consumed most in the window, each with its daily series, and the daily total over every item: the
      // view is aggregated once (it recomputes from scan_events on every read).
      const rows = await sql<{ day: string; item_id: string | null; qty: number; total: number | null }[]>`
        WITH m AS MATERIALIZED (
          SELECT day, item_id, sum(consume_qty)::float8 AS qty FROM gold_daily_movements
          WHERE day BETWEEN ${from}::date AND ${today}::date
          GROUP BY day, item_id HAVING sum(consume_qty) > 0
        ), top AS (
          SELECT item_id, sum(qty) AS total FROM m GROUP BY item_id ORDER BY total DESC, item_id LIMIT ${q.limit}
        )
        SELECT to_char(m.day, 'YYYY-MM-DD') AS day, m.item_id, m.qty, t.total FROM m JOIN top t ON t.item_id = m.item_id
        UNION ALL
        SELECT to_char(day, 'YYYY-MM-DD'), NULL, sum(qty), NULL FROM m GROUP BY day`;
      const perItem = rows.filter((r) => r.item_id !== null);
      const totals = rows.filter((r) => r.item_id === null);
      const top = [...new Map(perItem.map((r) => [r.item_id!, r.total!]))]
        .map(([item_id, total]) => ({ item_id, total }))
        .sort((a, b) => b.total - a.total || (a.item_id < b.item_id ? -1 : 1));
      const series = new Map(top.map((t) => [t.item_id, days.map(() => 0)]));
      for (const r of perItem) series.get(r.item_id!)![index.get(r.day)!] = r.qty;
      const total = days.map(() => 0);
      for (const r of totals) total[index.get(r.day)!] = r.qty;
      return c.json({
        days,
        items: top.map((t) => ({ item_id: t.item_id, total: t.total, qty: series.get(t.item_id)! })),
        total
      });
    })
    .get('/signals', async (c) => {
      const { weeks } = queryParams(c, weeksQuery);
      // Opened counted in the week a signal opened, fulfilled in the week it was fulfilled (ISO weeks, UTC).
      const rows = await sql<{ week: string; opened: number; fulfilled: number }[]>`
        WITH w AS (
          SELECT generate_series(date_trunc('week', now() AT TIME ZONE 'UTC') - make_interval(weeks => ${weeks - 1}),
                                 date_trunc('week', now() AT TIME ZONE 'UTC'), interval '1 week') AS week
        ), opened AS (
          SELECT date_trunc('week', opened_at AT TIME ZONE 'UTC') AS week, count(*) AS n FROM gold_replenishment_sla
          WHERE opened_at >= (SELECT min(week) FROM w) AT TIME ZONE 'UTC' GROUP BY 1
        ), fulfilled AS (
          SELECT date_trunc('week', fulfilled_at AT TIME ZONE 'UTC') AS week, count(*) AS n FROM gold_replenishment_sla
          WHERE fulfilled_at >= (SELECT min(week) FROM w) AT TIME ZONE 'UTC' GROUP BY 1
        )
        SELECT to_char(w.week, 'YYYY-MM-DD') AS week, coalesce(o.n, 0)::int AS opened, coalesce(f.n, 0)::int AS fulfilled
        FROM w LEFT JOIN opened o ON o.week = w.week LEFT JOIN fulfilled f ON f.week = w.week
        ORDER BY w.week`;
      return c.json({ weeks: rows });
    })
    .get('/throughput', async (c) => {
      const { hours } = queryParams(c, hoursQuery);
      const [{ now }] = await sql<
        { now: Date }[]
      >`SELECT date_trunc('hour', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS now`;
      const first = new Date(now.getTime() - (hours - 1) * HOUR_MS);
      const list = Array.from({ length: hours }, (_, i) => new Date(first.getTime() + i * HOUR_MS).toISOString());
      const index = new Map(list.map((h, i) => [h, i]));
      const rows = await sql<{ hour: Date; station_id: string | null; scans: number; units: number; voids: number }[]>`
        SELECT hour, station_id, scans::int, units::float8 AS units, voids::int FROM gold_station_throughput_hourly
        WHERE hour >= ${first} ORDER BY station_id NULLS LAST`;
      const stations = new Map<
        string,
        { station_id: string | null; scans: number[]; units: number[]; voids: number[] }
      >();
      for (const r of rows) {
        const i = index.get(r.hour.toISOString());
        if (i === undefined) continue; // an hour past the window's end: a clock a little ahead
        const key = r.station_id ?? '';
        if (!stations.has(key))
          stations.set(key, {
            station_id: r.station_id,
            scans: list.map(() => 0),
            units: list.map(() => 0),
            voids: list.map(() => 0)
          });
        const s = stations.get(key)!;
        s.scans[i] = r.scans;
        s.units[i] = r.units;
        s.voids[i] = r.voids;
      }
      return c.json({ hours: list, stations: [...stations.values()] });
    })
    .get('/dashboard', (c) => c.json({ embed_url: config.DASHBOARD_EMBED_URL ?? null }));
}
