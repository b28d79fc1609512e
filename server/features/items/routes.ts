// Items: the master list and its batch save, one item, its audit trail, and its on hand over time for the chart.
import { Hono } from 'hono';
import { itemId } from '#domain/events';
import { itemsSaveSchema } from '#domain/items';
import type { Env } from '../../http/auth';
import type { Deps } from '../../deps';
import { ApiError, jsonBody, queryParams } from '../../http/errors';
import { getItem, historyQuery, itemAudit, itemHistory, itemListQuery, itemLots, listItems, saveItems } from './items';

function itemParam(raw: string): string {
  const parsed = itemId.safeParse(raw);
  if (!parsed.success) throw new ApiError(400, 'invalid_request', 'item_id must be 1 to 64 printable characters.');
  return parsed.data;
}

export function itemRoutes({ sql }: Deps) {
  return new Hono<Env>()
    .get('/', async (c) => c.json(await listItems(sql, queryParams(c, itemListQuery))))
    .patch('/', async (c) => {
      const { rows } = await jsonBody(c, itemsSaveSchema);
      const user = c.get('user').email;
      return c.json(await sql.begin((tx) => saveItems(tx, rows, user)));
    })
    .get('/:item_id/audit', async (c) => c.json({ rows: await itemAudit(sql, itemParam(c.req.param('item_id'))) }))
    .get('/:item_id', async (c) => {
      const id = itemParam(c.req.param('item_id'));
      const item = await getItem(sql, id);
      if (!item) throw new ApiError(404, 'not_found', `No item ${id}.`);
      return c.json(item);
    })
    .get('/:item_id/lots', async (c) => {
      const id = itemParam(c.req.param('item_id'));
      return c.json({ item_id: id, rows: await itemLots(sql, id) });
    })
    .get('/:item_id/history', async (c) => {
      const id = itemParam(c.req.param('item_id'));
      const q = queryParams(c, historyQuery);
      return c.json({ item_id: id, points: await itemHistory(sql, id, q) });
    });
}
