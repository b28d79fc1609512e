// GET /api/items/:item_id/forecast: daily consumption, the next 90 days' forecast and the reorder point it suggests,
// with where each number came from. The daily figures come from gold_daily_movements, the view that mirrors the
// pipeline's gold table, so the item page, the analytics page and Databricks count consumption the same way.
import { Hono } from 'hono';
import { z } from 'zod';
import { itemId } from '#domain/events';
import {
  addDays,
  demandStats,
  FORECAST_HORIZON_DAYS,
  HISTORY_DAYS,
  localForecast,
  reorderPoint,
  serviceLevel,
  DEFAULT_ALPHA,
  type ForecastAnswer
} from '#domain/forecast';
import type { Env } from '../../http/auth';
import type { Deps } from '../../deps';
import { ApiError, queryParams } from '../../http/errors';
import { forecastClient, forecastWithModel, type ForecastModelOptions } from './model';

const forecastQuery = z.strictObject({ service_level: serviceLevel.optional() });

export function forecastRoutes({ sql, config }: Deps) {
  // One client for the app's life, so its credentials (the App's OAuth token) are fetched once.
  const model: ForecastModelOptions | null = config.FORECAST_ENDPOINT
    ? {
        endpoint: config.FORECAST_ENDPOINT,
        timeoutMs: config.FORECAST_TIMEOUT_MS,
        client: forecastClient(config.FORECAST_TIMEOUT_MS)
      }
    : null;

  return new Hono<Env>().get('/:item_id/forecast', async (c) => {
    const parsedId = itemId.safeParse(c.req.param('item_id'));
    if (!parsedId.success) throw new ApiError(400, 'invalid_request', 'item_id must be 1 to 64 printable characters.');
    const id = parsedId.data;
    const level = queryParams(c, forecastQuery).service_level ?? config.FORECAST_SERVICE_LEVEL;

    const [item] = await sql<{ reorder_point: number | null; today: string; first_day: string | null }[]>`
      SELECT i.reorder_point,
             to_char((now() AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS today,
             (SELECT to_char(min((e.captured_at AT TIME ZONE 'UTC')::date), 'YYYY-MM-DD') FROM scan_events e WHERE e.item_id = i.item_id) AS first_day
      FROM items i WHERE i.item_id = ${id}`;
    if (!item) throw new ApiError(404, 'not_found', `No item ${id}.`);

    // Whole UTC days only, up to yesterday: today's consumption is not complete yet.
    const yesterday = addDays(item.today, -1);
    const earliest = addDays(item.today, -HISTORY_DAYS);
    const first = item.first_day && item.first_day > earliest ? item.first_day : earliest;
    const history =
      item.first_day && item.first_day <= yesterday
        ? await sql<{ day: string; qty: number }[]>`
            SELECT to_char(d.day, 'YYYY-MM-DD') AS day, coalesce(m.qty, 0)::float8 AS qty
            FROM generate_series(${first}::timestamp, ${yesterday}::timestamp, interval '1 day') AS d(day)
            LEFT JOIN (
              SELECT day, sum(consume_qty) AS qty FROM gold_daily_movements
              WHERE item_id = ${id} AND day BETWEEN ${first}::date AND ${yesterday}::date
              GROUP BY day
            ) m ON m.day = d.day::date
            ORDER BY d.day`
        : [];

    const [supplier] = await sql<{ supplier_id: string; supplier_name: string; lead_time_days: number }[]>`
      SELECT p.supplier_id, p.supplier_name, p.lead_time_days FROM item_preferred_supplier p
      JOIN suppliers s USING (supplier_id) WHERE p.item_id = ${id} AND s.active LIMIT 1`; // an inactive one takes no orders
    const leadTime = supplier
      ? {
          days: supplier.lead_time_days,
          source: 'supplier' as const,
          supplier_id: supplier.supplier_id,
          supplier_name: supplier.supplier_name
        }
      : { days: config.DEFAULT_LEAD_TIME_DAYS, source: 'default' as const, supplier_id: null, supplier_name: null };

    const qty = history.map((h) => h.qty);
    const local = localForecast({ first_day: first, qty });
    let forecast = local?.days ?? [];
    let source: ForecastAnswer['source'] = 'local';
    let fallback: string | null = null;
    if (model && local) {
      const days = Array.from({ length: FORECAST_HORIZON_DAYS }, (_, h) => addDays(item.today, h));
      try {
        const values = await forecastWithModel(id, days, model);
        forecast = days.map((day, i) => ({ day, qty: values[i] }));
        source = 'model';
      } catch (e) {
        fallback = (e as Error).message;
      }
    }

    const answer: ForecastAnswer = {
      item_id: id,
      history,
      forecast,
      source,
      endpoint: model?.endpoint ?? null,
      fallback_reason: fallback,
      local: local
        ? { method: local.method, alpha: local.alpha, level: local.level, weekday_effects: local.weekday_effects }
        : { method: 'none', alpha: DEFAULT_ALPHA, level: null, weekday_effects: null },
      lead_time: leadTime,
      // The variability is the history's, whichever method forecast the mean.
      suggestion: local
        ? reorderPoint({
            forecast: forecast.map((f) => f.qty),
            leadTimeDays: leadTime.days,
            sigmaDaily: demandStats(qty).sd,
            serviceLevel: level
          })
        : null,
      current_reorder_point: item.reorder_point
    };
    return c.json(answer);
  });
}
