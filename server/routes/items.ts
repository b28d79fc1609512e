// Items: one item with its stock per location, and its on hand over time for the item page's chart.
import { Hono } from 'hono';
import { z } from 'zod';
import { itemId, locationId } from '../../src/lib/domain/events';
import type { Env } from '../auth';
import type { Deps } from '../app';
import { ApiError, queryParams } from '../http';

/** A chart needs no more points than a screen has pixels; the last value of each bucket is kept. */
const MAX_POINTS = 400;

const historyQuery = z.strictObject({ location_id: locationId.optional() });

function itemParam(raw: string): string {
  const parsed = itemId.safeParse(raw);
  if (!parsed.success) throw new ApiError(400, 'invalid_request', 'item_id must be 1 to 64 printable characters.');
  return parsed.data;
}

export function itemRoutes({ sql }: Deps) {
  return new Hono<Env>()
    .get('/:item_id', async (c) => {
      const id = itemParam(c.req.param('item_id'));
      const [item] = await sql`
        SELECT item_id, description, unit, reorder_point, reorder_qty, gtin, active, placeholder, version, updated_at, updated_by
        FROM items WHERE item_id = ${id}`;
      if (!item) throw new ApiError(404, 'not_found', `No item ${id}.`);
      return c.json(item);
    })
    .get('/:item_id/history', async (c) => {
      const id = itemParam(c.req.param('item_id'));
      const q = queryParams(c, historyQuery);
      // A running sum over the item's events in the order they happened on the floor; a VOID moves stock back
      // by the event it cancels.
      const points = await sql<{ at: Date; on_hand: number }[]>`
        WITH moves AS (
          SELECT e.captured_at, e.event_id,
                 CASE e.event_type WHEN 'INTAKE' THEN e.qty WHEN 'CONSUME' THEN -e.qty
                      ELSE CASE t.event_type WHEN 'INTAKE' THEN -e.qty ELSE e.qty END END AS delta
          FROM scan_events e LEFT JOIN scan_events t ON t.event_id = e.voids_event_id
          WHERE e.item_id = ${id} ${q.location_id ? sql`AND e.location_id = ${q.location_id}` : sql``}
        ), running AS (
          SELECT captured_at, sum(delta) OVER (ORDER BY captured_at, event_id) AS on_hand,
                 ntile(${MAX_POINTS}) OVER (ORDER BY captured_at, event_id) AS bucket,
                 row_number() OVER (ORDER BY captured_at DESC, event_id DESC) AS from_end
          FROM moves
        )
        SELECT DISTINCT ON (bucket) captured_at AS at, on_hand FROM running
        ORDER BY bucket, from_end`;
      return c.json({ item_id: id, points });
    });
}
