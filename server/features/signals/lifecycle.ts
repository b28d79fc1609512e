// The signal lifecycle a supervisor moves: OPEN -> ACKNOWLEDGED -> FULFILLED, each change a new row, under the lock of
// the stock row the signal hangs on so a scan applied meanwhile cannot move it under us.
import { canMoveSignal, type SignalState } from '#domain/stock';
import type { Sql } from '../../db/connect';
import { ApiError } from '../../http/errors';
import { announce } from '../live/changes';
import { appendSignals } from '../sync/push';
import { signalsQuery, type SignalView } from './queries';

/** Appends `to` to a signal's lifecycle when the rules allow it from its current state; 409 when they do not. */
export async function moveSignal(
  sql: Sql,
  signalId: string,
  to: 'ACKNOWLEDGED' | 'FULFILLED',
  email: string
): Promise<SignalView> {
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
