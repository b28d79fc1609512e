// GET /api/events: recent scan events, newest first, keyset-paginated.
import { Hono } from 'hono';
import type { Env } from '../../http/auth';
import type { Deps } from '../../deps';
import { queryParams } from '../../http/errors';
import { eventsQuery, recentEvents } from './events';

export function eventRoutes({ sql }: Deps) {
  return new Hono<Env>().get('/', async (c) => c.json(await recentEvents(sql, queryParams(c, eventsQuery))));
}
