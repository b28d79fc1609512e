// GET /api/inventory's query as it was before issue 18, kept only so `npm run bench -- read` can print the offset
// page and its count(*) beside the keyset page that replaced them, on the same data.
import type { Queryable } from '../server/db/connect';
import { itemMatches, locationMatches } from '../server/db/search';

const SORTS = {
  item_id: 's.item_id',
  location_id: 's.location_id',
  on_hand: 's.on_hand',
  last_activity_at: 's.last_activity_at',
  status: '' // ordered by severity below
} as const;

export interface OffsetQuery {
  item_id?: string;
  location_id?: string;
  q?: string;
  below_reorder?: boolean;
  status?: 'ok' | 'low' | 'negative';
  sort: keyof typeof SORTS;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

/** One page of stock rows with the item's reorder point and status, and how many rows match in all. */
export async function readInventoryByOffset(sql: Queryable, q: OffsetQuery) {
  const status = () => sql`CASE WHEN s.on_hand < 0 THEN 'negative'
                                WHEN i.reorder_point IS NOT NULL AND s.on_hand <= i.reorder_point THEN 'low'
                                ELSE 'ok' END`;
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
