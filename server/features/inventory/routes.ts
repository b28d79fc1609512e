// GET /api/inventory: stock per item and location; filter, sort, paginate.
import { Hono } from 'hono';
import type { Env } from '../../http/auth';
import type { Deps } from '../../deps';
import { queryParams } from '../../http/errors';
import { inventoryQuery, readInventory } from './inventory';

export function inventoryRoutes({ sql }: Deps) {
  return new Hono<Env>().get('/', async (c) => c.json(await readInventory(sql, queryParams(c, inventoryQuery))));
}
