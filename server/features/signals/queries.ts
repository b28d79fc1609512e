// Replenishment signals in their current state, read from the append-only lifecycle with the live on hand beside it.
// Read by the signal routes, the tablet's snapshot and the live feed.
import { z } from 'zod';
import { itemId } from '#domain/events';
import type { SignalView as SignalViewOf } from '#domain/views';
import type { Queryable } from '../../db/connect';
import { pageParams } from '../../http/errors';

/** A signal in its current state, as the server reads it. */
export type SignalView = SignalViewOf<Date>;

export const signalFilter = z.strictObject({
  status: z.enum(['active', 'OPEN', 'ACKNOWLEDGED', 'FULFILLED', 'all']).default('active'),
  item_id: itemId.optional(),
  since_days: z.coerce.number().int().min(1).max(3650).default(7), // how far back FULFILLED and all reach
  ...pageParams
});
type SignalFilter = Partial<z.infer<typeof signalFilter>> & { signal_id?: string; signal_ids?: string[] };

/** Signals in their current state. Active ones are found through stock_levels.active_signal_id, the rest by age. */
export function signalsQuery(sql: Queryable, f: SignalFilter): Promise<SignalView[]> {
  const status = f.status ?? 'active';
  const ids = f.signal_id
    ? sql`SELECT ${f.signal_id}::uuid`
    : f.signal_ids
      ? sql`SELECT unnest(${f.signal_ids}::uuid[])`
      : status === 'active' || status === 'OPEN' || status === 'ACKNOWLEDGED'
        ? sql`SELECT active_signal_id FROM stock_levels WHERE active_signal_id IS NOT NULL`
        : sql`SELECT DISTINCT signal_id FROM replenishment_signals WHERE changed_at > now() - make_interval(days => ${f.since_days ?? 7})`;
  return sql<SignalView[]>`
    SELECT g.*, COALESCE(s.on_hand, 0) AS on_hand, i.description, i.unit, i.reorder_qty, po.po_id, po.po_number, po.po_status, ps.supplier_id, ps.supplier_name
    FROM (
      SELECT r.signal_id::text, r.item_id, r.location_id,
             (array_agg(r.state ORDER BY r.row_id DESC))[1] AS state,
             (array_agg(r.triggered_at_qty ORDER BY r.row_id))[1] AS triggered_at_qty,
             (array_agg(r.reorder_point ORDER BY r.row_id DESC))[1] AS reorder_point,
             min(r.changed_at) FILTER (WHERE r.state = 'OPEN') AS opened_at,
             min(r.changed_at) FILTER (WHERE r.state = 'ACKNOWLEDGED') AS acknowledged_at,
             min(r.changed_at) FILTER (WHERE r.state = 'FULFILLED') AS fulfilled_at,
             min(r.changed_by) FILTER (WHERE r.state = 'ACKNOWLEDGED') AS acknowledged_by,
             min(r.changed_by) FILTER (WHERE r.state = 'FULFILLED') AS fulfilled_by
      FROM replenishment_signals r
      WHERE r.signal_id IN (${ids})
      GROUP BY r.signal_id, r.item_id, r.location_id
    ) g
    LEFT JOIN stock_levels s USING (item_id, location_id)
    JOIN items i USING (item_id)
    LEFT JOIN LATERAL (
      SELECT p.po_id::text, p.po_number, p.status AS po_status
      FROM purchase_order_lines pl JOIN purchase_orders p ON p.po_id = pl.po_id
      WHERE pl.signal_id = g.signal_id::uuid AND p.status <> 'CANCELLED'
      ORDER BY p.created_at DESC LIMIT 1
    ) po ON true
    LEFT JOIN item_preferred_supplier ps ON ps.item_id = g.item_id
    WHERE true
      ${status === 'OPEN' || status === 'ACKNOWLEDGED' || status === 'FULFILLED' ? sql`AND g.state = ${status}` : sql``}
      ${f.item_id ? sql`AND g.item_id = ${f.item_id}` : sql``}
    ORDER BY g.opened_at DESC, g.signal_id
    LIMIT ${f.limit ?? 1000} OFFSET ${f.offset ?? 0}`;
}
