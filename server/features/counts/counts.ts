// Cycle counts as the server applied them: what the floor counted, what the tablet expected (its variance), and
// what the server moved the stock by (counted - on hand when the count landed). Newest first.
import { z } from 'zod';
import { itemId, locationId } from '#domain/events';
import type { Queryable } from '../../db/connect';

export const countsQuery = z.strictObject({
  item_id: itemId.optional(),
  location_id: locationId.optional(),
  // only the counts that found something else than the stock held
  differences: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200)
});

interface CountRow {
  event_id: string;
  item_id: string;
  description: string;
  unit: string;
  location_id: string;
  counted: number;
  expected: number;
  /** counted - expected: what the worker found against what the tablet showed. */
  variance: number;
  on_hand_before: number;
  /** counted - on hand when applied: what the stock was moved by. */
  adjustment: number;
  captured_at: Date;
  applied_at: Date;
  device_id: string;
  user_email: string | null;
}

export async function listCounts(sql: Queryable, q: z.infer<typeof countsQuery>) {
  const rows = await sql<CountRow[]>`
    SELECT a.event_id::text, a.item_id, i.description, i.unit, a.location_id, a.counted, a.expected,
           a.counted - a.expected AS variance, a.on_hand_before, a.adjustment, e.captured_at, a.applied_at,
           e.device_id, e.user_email
    FROM count_adjustments a
    JOIN scan_events e USING (event_id)
    JOIN items i ON i.item_id = a.item_id
    WHERE true
      ${q.item_id ? sql`AND a.item_id = ${q.item_id}` : sql``}
      ${q.location_id ? sql`AND a.location_id = ${q.location_id}` : sql``}
      ${q.differences === 'true' ? sql`AND a.adjustment <> 0` : sql``}
    ORDER BY a.applied_at DESC, a.event_id DESC
    LIMIT ${q.limit}`;
  const totals = rows.reduce(
    (t, r) => ({
      counts: t.counts + 1,
      adjusted: t.adjusted + (r.adjustment !== 0 ? 1 : 0),
      net: t.net + r.adjustment
    }),
    { counts: 0, adjusted: 0, net: 0 }
  );
  return { rows, totals };
}
