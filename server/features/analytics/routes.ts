// The analytics page's figures, read from the gold_* views that mirror the Lakeflow pipeline's gold tables, so the
// app and Databricks show the same numbers. Each series comes back complete (days, weeks or hours without activity
// as 0), ready to draw. With DATABRICKS_WAREHOUSE_ID set, the gold Delta tables on that SQL warehouse answer instead
// (./warehouse.ts); when it fails, PostgreSQL does. Every answer says which in `source`.
import { Hono } from 'hono';
import { z } from 'zod';
import { addDays } from '#domain/forecast';
import type { Env } from '../../http/auth';
import type { Deps } from '../../deps';
import { queryParams } from '../../http/errors';
import { createWarehouse, num, type Warehouse } from './warehouse';

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

export type Source = 'warehouse' | 'postgres';
type Sourced<T> = T & { source: Source; warehouse_error?: string };

/** The warehouse's answer if there is one, else PostgreSQL's; the reason the warehouse failed is logged and returned. */
async function either<T>(
  warehouse: Warehouse | null,
  fromWarehouse: (w: Warehouse) => Promise<T>,
  fromPostgres: () => Promise<T>
): Promise<Sourced<T>> {
  if (warehouse) {
    try {
      return { ...(await fromWarehouse(warehouse)), source: 'warehouse' };
    } catch (e) {
      const reason = (e as Error).message;
      console.warn(`Analytics: the SQL warehouse failed, PostgreSQL answers instead: ${reason}`);
      return { ...(await fromPostgres()), source: 'postgres', warehouse_error: reason };
    }
  }
  return { ...(await fromPostgres()), source: 'postgres' };
}

const utcDay = (d: Date) => d.toISOString().slice(0, 10);
/** A timestamp parameter for the warehouse, in UTC (the session's time zone unless the warehouse sets another). */
const utcTimestamp = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ');

export function analyticsRoutes({ sql, config }: Deps) {
  const warehouse = config.DATABRICKS_WAREHOUSE_ID
    ? createWarehouse({
        warehouseId: config.DATABRICKS_WAREHOUSE_ID,
        schema: config.WAREHOUSE_GOLD_SCHEMA,
        timeoutMs: config.WAREHOUSE_TIMEOUT_MS,
        rowLimit: config.WAREHOUSE_ROW_LIMIT
      })
    : null;
  type ConsumptionRow = { day: string; item_id: string | null; qty: number; total: number | null };
  return new Hono<Env>()
    .get('/consumption', async (c) => {
      const q = queryParams(c, consumptionQuery);
      const fromPostgres = async () => {
        const [{ today }] = await sql<
          { today: string }[]
        >`SELECT to_char((now() AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS today`;
        const from = addDays(today, 1 - q.days);
        // The items consumed most in the window, each with its daily series, and the daily total over every item:
        // the view is aggregated once (it recomputes from scan_events on every read).
        const rows = await sql<ConsumptionRow[]>`
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
        return { today, rows: [...rows] };
      };
      const fromWarehouse = async (w: Warehouse) => {
        const today = utcDay(new Date());
        const from = addDays(today, 1 - q.days);
        // The same statement on the gold Delta table; the limit is a validated integer (1-20).
        const rows = await w.query(
          `WITH m AS (
             SELECT CAST(day AS STRING) AS day, item_id, CAST(sum(consume_qty) AS DOUBLE) AS qty
             FROM gold_daily_movements WHERE day BETWEEN :from AND :to
             GROUP BY day, item_id HAVING sum(consume_qty) > 0
           ), top AS (
             SELECT item_id, sum(qty) AS total FROM m GROUP BY item_id ORDER BY total DESC, item_id LIMIT ${q.limit}
           )
           SELECT m.day, m.item_id, m.qty, t.total FROM m JOIN top t ON t.item_id = m.item_id
           UNION ALL
           SELECT day, NULL, sum(qty), NULL FROM m GROUP BY day`,
          [
            { name: 'from', value: from, type: 'DATE' },
            { name: 'to', value: today, type: 'DATE' }
          ]
        );
        return {
          today,
          rows: rows.map((r): ConsumptionRow => ({
            day: r.day!,
            item_id: r.item_id,
            qty: num(r.qty),
            total: r.total == null ? null : num(r.total)
          }))
        };
      };
      const { today, rows, ...source } = await either(warehouse, fromWarehouse, fromPostgres);
      const from = addDays(today, 1 - q.days);
      const days = Array.from({ length: q.days }, (_, i) => addDays(from, i));
      const index = new Map(days.map((d, i) => [d, i]));
      const perItem = rows.filter((r) => r.item_id !== null);
      const totals = rows.filter((r) => r.item_id === null);
      const top = [...new Map(perItem.map((r) => [r.item_id!, r.total!]))]
        .map(([item_id, total]) => ({ item_id, total }))
        .sort((a, b) => b.total - a.total || (a.item_id < b.item_id ? -1 : 1));
      const series = new Map(top.map((t) => [t.item_id, days.map(() => 0)]));
      for (const r of perItem) if (index.has(r.day)) series.get(r.item_id!)![index.get(r.day)!] = r.qty;
      const total = days.map(() => 0);
      for (const r of totals) if (index.has(r.day)) total[index.get(r.day)!] = r.qty;
      return c.json({
        days,
        items: top.map((t) => ({ item_id: t.item_id, total: t.total, qty: series.get(t.item_id)! })),
        total,
        ...source
      });
    })
    .get('/signals', async (c) => {
      const { weeks } = queryParams(c, weeksQuery);
      // Opened counted in the week a signal opened, fulfilled in the week it was fulfilled (ISO weeks, UTC).
      const fromPostgres = async () => ({
        weeks: [
          ...(await sql<{ week: string; opened: number; fulfilled: number }[]>`
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
        ORDER BY w.week`)
        ]
      });
      const fromWarehouse = async (w: Warehouse) => {
        const now = new Date();
        const monday = addDays(utcDay(now), -((now.getUTCDay() + 6) % 7));
        const list = Array.from({ length: weeks }, (_, i) => addDays(monday, 7 * (i - weeks + 1)));
        const rows = await w.query(
          `SELECT week, CAST(sum(opened) AS INT) AS opened, CAST(sum(fulfilled) AS INT) AS fulfilled FROM (
             SELECT CAST(CAST(date_trunc('WEEK', opened_at) AS DATE) AS STRING) AS week, 1 AS opened, 0 AS fulfilled
             FROM gold_replenishment_sla WHERE opened_at >= :from
             UNION ALL
             SELECT CAST(CAST(date_trunc('WEEK', fulfilled_at) AS DATE) AS STRING), 0, 1
             FROM gold_replenishment_sla WHERE fulfilled_at >= :from
           ) GROUP BY week`,
          [{ name: 'from', value: utcTimestamp(new Date(`${list[0]}T00:00:00Z`)), type: 'TIMESTAMP' }]
        );
        const byWeek = new Map(rows.map((r) => [r.week, r]));
        return {
          weeks: list.map((week) => ({
            week,
            opened: num(byWeek.get(week)?.opened),
            fulfilled: num(byWeek.get(week)?.fulfilled)
          }))
        };
      };
      return c.json(await either(warehouse, fromWarehouse, fromPostgres));
    })
    .get('/throughput', async (c) => {
      const { hours } = queryParams(c, hoursQuery);
      type HourRow = { hour: Date; station_id: string | null; scans: number; units: number; voids: number };
      const fromPostgres = async () => {
        const [{ now }] = await sql<
          { now: Date }[]
        >`SELECT date_trunc('hour', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS now`;
        const first = new Date(now.getTime() - (hours - 1) * HOUR_MS);
        const rows = await sql<HourRow[]>`
          SELECT hour, station_id, scans::int, units::float8 AS units, voids::int FROM gold_station_throughput_hourly
          WHERE hour >= ${first} ORDER BY station_id NULLS LAST`;
        return { first, rows: [...rows] };
      };
      const fromWarehouse = async (w: Warehouse) => {
        const first = new Date(Math.floor(Date.now() / HOUR_MS) * HOUR_MS - (hours - 1) * HOUR_MS);
        const rows = await w.query(
          `SELECT unix_millis(hour) AS hour_ms, station_id, scans, units, voids FROM gold_station_throughput_hourly
           WHERE hour >= :from ORDER BY station_id NULLS LAST`,
          [{ name: 'from', value: utcTimestamp(first), type: 'TIMESTAMP' }]
        );
        return {
          first,
          rows: rows.map((r): HourRow => ({
            hour: new Date(num(r.hour_ms)),
            station_id: r.station_id,
            scans: num(r.scans),
            units: num(r.units),
            voids: num(r.voids)
          }))
        };
      };
      const { first, rows, ...source } = await either(warehouse, fromWarehouse, fromPostgres);
      const list = Array.from({ length: hours }, (_, i) => new Date(first.getTime() + i * HOUR_MS).toISOString());
      const index = new Map(list.map((h, i) => [h, i]));
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
      return c.json({ hours: list, stations: [...stations.values()], ...source });
    })
    .get('/dashboard', (c) => c.json({ embed_url: config.DASHBOARD_EMBED_URL ?? null }));
}
