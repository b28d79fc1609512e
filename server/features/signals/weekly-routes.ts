// How fast signals are handled: the median time to acknowledge and to fulfil, per week the signals opened in.
// Read from gold_replenishment_sla, the view that mirrors the pipeline's gold table, so both agree.
import { Hono } from 'hono';
import { z } from 'zod';
import type { Env } from '../../http/auth';
import type { Deps } from '../../deps';
import { queryParams } from '../../http/errors';

const weeksQuery = z.strictObject({ weeks: z.coerce.number().int().min(1).max(104).default(8) });

export function signalWeekRoutes({ sql }: Deps) {
  return new Hono<Env>().get('/', async (c) => {
    const { weeks } = queryParams(c, weeksQuery);
    const rows = await sql`
      SELECT to_char(date_trunc('week', opened_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS week,
             count(*) AS opened,
             count(acknowledged_at) AS acknowledged,
             count(fulfilled_at) AS fulfilled,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds_to_acknowledge) AS median_seconds_to_acknowledge,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds_to_fulfil) AS median_seconds_to_fulfil
      FROM gold_replenishment_sla
      WHERE opened_at >= date_trunc('week', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - make_interval(weeks => ${weeks - 1})
      GROUP BY 1 ORDER BY 1 DESC`;
    return c.json({ rows });
  });
}
