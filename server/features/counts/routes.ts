// GET /api/counts: the cycle counts applied, with their variances and adjustments (supervisors).
import { Hono } from 'hono';
import type { Env } from '../../http/auth';
import type { Deps } from '../../deps';
import { queryParams } from '../../http/errors';
import { countsQuery, listCounts } from './counts';

export function countRoutes({ sql }: Deps) {
  return new Hono<Env>().get('/', async (c) => c.json(await listCounts(sql, queryParams(c, countsQuery))));
}
