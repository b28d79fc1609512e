// Replenishment signals: current state per signal from the append-only lifecycle, with the live on hand beside it.
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { canMoveSignal, type SignalState } from '#domain/stock';
import { itemId, uuid } from '#domain/events';
import type { SignalView as SignalViewOf } from '#domain/views';
import { supervisorOnly, type Env } from '../../http/auth';
import type { Deps } from '../../deps';
import type { Queryable } from '../../db/connect';
import { ApiError, pageParams, queryParams } from '../../http/errors';
import { announce } from '../live/changes';
import { appendSignals } from '../sync/push';

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
    SELECT g.*, COALESCE(s.on_hand, 0) AS on_hand, i.reorder_qty, po.po_id, po.po_number, po.po_status, ps.supplier_id, ps.supplier_name
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

export function signalRoutes({ sql }: Deps) {
  /** Appends `to` to a signal's lifecycle when the rules allow it from its current state; 409 when they do not. */
  async function move(signalId: string, to: 'ACKNOWLEDGED' | 'FULFILLED', email: string): Promise<SignalView> {
    await sql.begin(async (tx) => {
      const [first] = await tx<{ item_id: string; location_id: string }[]>`
        SELECT item_id, location_id FROM replenishment_signals WHERE signal_id = ${signalId}::uuid LIMIT 1`;
      if (!first) throw new ApiError(404, 'not_found', `No signal ${signalId}.`);
      // Lock the stock row the signal hangs on first, so a scan applied meanwhile cannot move it under us.
      const [stock] = await tx<{ on_hand: number; active_signal_id: string | null }[]>`
        SELECT on_hand, active_signal_id::text FROM stock_levels
        WHERE item_id = ${first.item_id} AND location_id = ${first.location_id} FOR UPDATE`;
      const [latest] = await tx<{ state: SignalState; reorder_point: number | null }[]>`
        SELECT state, reorder_point FROM replenishment_signals WHERE signal_id = ${signalId}::uuid ORDER BY row_id DESC LIMIT 1`;
      if (!canMoveSignal(latest.state, to))
        throw new ApiError(409, 'invalid_transition', `Signal ${signalId} is ${latest.state}; it cannot become ${to}.`, {
          state: latest.state
        });
      await appendSignals(tx, [
        {
          signal_id: signalId,
          ...first,
          state: to,
          triggered_at_qty: null,
          on_hand_at_change: stock?.on_hand ?? 0,
          reorder_point: latest.reorder_point,
          event_id: null,
          changed_by: email
        }
      ]);
      if (to === 'FULFILLED' && stock?.active_signal_id === signalId)
        await tx`UPDATE stock_levels SET active_signal_id = NULL
                 WHERE item_id = ${first.item_id} AND location_id = ${first.location_id}`;
      await announce(tx, [[first.item_id, first.location_id]], [signalId]);
    });
    const [view] = await signalsQuery(sql, { status: 'all', signal_id: signalId });
    return view;
  }

  const handler = (to: 'ACKNOWLEDGED' | 'FULFILLED') => async (c: Context<Env>) => {
    const id = uuid.safeParse(c.req.param('signal_id'));
    if (!id.success) throw new ApiError(400, 'invalid_request', 'signal_id must be a UUID.');
    return c.json(await move(id.data.toLowerCase(), to, c.get('user').email));
  };

  return new Hono<Env>()
    .get('/', async (c) => c.json({ rows: await signalsQuery(sql, queryParams(c, signalFilter)) }))
    .post('/:signal_id/acknowledge', supervisorOnly, handler('ACKNOWLEDGED'))
    .post('/:signal_id/fulfill', supervisorOnly, handler('FULFILLED'));
}
