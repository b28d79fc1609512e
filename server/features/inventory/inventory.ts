// Current stock per item and location, read from the stock_levels projection: O(items), never O(events).
import { z } from 'zod';
import { itemId, locationId } from '#domain/events';
import type { Queryable } from '../../db/connect';
import { itemMatches, locationMatches } from '../../db/search';
import { pageParams } from '../../http/errors';

const SORTS = {
  item_id: 's.item_id',
  location_id: 's.location_id',
  on_hand: 's.on_hand',
  last_activity_at: 's.last_activity_at',
  status: '' // ordered by severity below
} as const;

export const inventoryQuery = z.strictObject({
  item_id: itemId.optional(),
  location_id: locationId.optional(),
  q: z.string().trim().max(100).optional(), // contained in the item id, description or location id, any case
  below_reorder: z
    .enum(['true', 'false', '1', '0'])
    .transform((v) => v === 'true' || v === '1')
    .optional(),
  status: z.enum(['ok', 'low', 'negative']).optional(),
  sort: z.enum(Object.keys(SORTS) as [keyof typeof SORTS, ...(keyof typeof SORTS)[]]).default('item_id'),
  order: z.enum(['asc', 'desc']).default('asc'),
  ...pageParams
});

/** One page of stock rows with the item's reorder point and status, and how many rows match in all. */
export async function readInventory(sql: Queryable, q: z.infer<typeof inventoryQuery>) {
  // Mirrors stockStatus() in src/lib/domain/stock.ts; a test holds the two together.
  const status = () => sql`CASE WHEN s.on_hand < 0 THEN 'negative'
                                WHEN i.reorder_point IS NOT NULL AND s.on_hand <= i.reorder_point THEN 'low'
                                ELSE 'ok' END`;
  // Item or location contains the text, written so each side can use its trigram index (migration 0010) and the
  // stock rows are then found by key: an OR across the join would read every row.
  const search = (text: string) => sql`
    AND (s.item_id = ANY(ARRAY(SELECT item_id FROM items WHERE ${itemMatches(sql, text)}))
         OR s.location_id = ANY(ARRAY(SELECT location_id FROM locations WHERE ${locationMatches(sql, text)})))`;
  const where = () => sql`
    WHERE true
      ${q.item_id ? sql`AND s.item_id = ${q.item_id}` : sql``}
      ${q.location_id ? sql`AND s.location_id = ${q.location_id}` : sql``}
      ${q.q ? search(q.q) : sql``}
      ${q.below_reorder ? sql`AND i.reorder_point IS NOT NULL AND s.on_hand <= i.reorder_point` : sql``}
      ${q.status ? sql`AND ${status()} = ${q.status}` : sql``}`;
  // The page and the count run side by side; without a window count the page can stop after `limit` rows.
  const [rows, [{ total }]] = await Promise.all([
    sql`
      SELECT s.item_id, s.location_id, s.on_hand, s.intake_total, s.consume_total, i.reorder_point,
             ${status()} AS status, s.last_activity_at, i.description, i.unit
      FROM stock_levels s JOIN items i USING (item_id)
      ${where()}
      ORDER BY ${q.sort === 'status' ? sql`CASE ${status()} WHEN 'negative' THEN 0 WHEN 'low' THEN 1 ELSE 2 END` : sql.unsafe(SORTS[q.sort])}
               ${q.order === 'desc' ? sql`DESC NULLS LAST` : sql`ASC`}, s.item_id, s.location_id
      LIMIT ${q.limit} OFFSET ${q.offset}`,
    sql<{ total: number }[]>`SELECT count(*) AS total FROM stock_levels s JOIN items i USING (item_id) ${where()}`
  ]);
  return { rows, total, limit: q.limit, offset: q.offset };
}
