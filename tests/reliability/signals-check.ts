// Replenishment signals checked against their own history and the stock they depend on: an active signal exactly
// where stock_levels.active_signal_id says, lifecycles in order, one active signal per item and location at a time,
// and every scan-caused change on the right side of the reorder point.
import type { Queryable } from '../../server/db/connect';

export async function checkSignals(sql: Queryable): Promise<{ rows: number; active: number; problems: string[] }> {
  const problems: string[] = [];
  const [{ rows }] = await sql<{ rows: number }[]>`SELECT count(*)::int AS rows FROM replenishment_signals`;
  const current = await sql<{ signal_id: string; item_id: string; location_id: string }[]>`
    SELECT signal_id::text, item_id, location_id FROM (
      SELECT DISTINCT ON (signal_id) signal_id, item_id, location_id, state FROM replenishment_signals ORDER BY signal_id, row_id DESC) c
    WHERE state <> 'FULFILLED'`;
  const pointed = await sql<
    { signal_id: string; item_id: string; location_id: string; on_hand: number; reorder_point: number | null }[]
  >`
    SELECT s.active_signal_id::text AS signal_id, s.item_id, s.location_id, s.on_hand, i.reorder_point
    FROM stock_levels s JOIN items i USING (item_id) WHERE s.active_signal_id IS NOT NULL`;
  const key = (r: { signal_id: string; item_id: string; location_id: string }) =>
    `${r.signal_id} ${r.item_id} ${r.location_id}`;
  const pointedKeys = new Set(pointed.map(key));
  for (const c of current)
    if (!pointedKeys.has(key(c)))
      problems.push(`signal ${c.signal_id} is active but stock_levels does not point at it`);
  const currentKeys = new Set(current.map(key));
  for (const p of pointed) {
    if (!currentKeys.has(key(p)))
      problems.push(`stock_levels ${p.item_id}@${p.location_id} points at ${p.signal_id}, which is not active there`);
    // While a signal is active, stock cannot have risen above the reorder point: such a rise fulfils it.
    if (p.reorder_point === null || p.on_hand > p.reorder_point)
      problems.push(
        `${p.item_id}@${p.location_id} has an active signal at on hand ${p.on_hand} (reorder point ${p.reorder_point})`
      );
  }

  // Walk each (item, location)'s lifecycle rows in the order they were written.
  const history = await sql<
    {
      signal_id: string;
      item_id: string;
      location_id: string;
      state: string;
      on_hand_at_change: number;
      reorder_point: number | null;
      event_id: string | null;
    }[]
  >`
    SELECT signal_id::text, item_id, location_id, state, on_hand_at_change, reorder_point, event_id::text
    FROM replenishment_signals ORDER BY item_id, location_id, row_id`;
  let place = '';
  let open: string | null = null;
  const closed = new Set<string>();
  for (const h of history) {
    const here = `${h.item_id}@${h.location_id}`;
    if (here !== place) [place, open] = [here, null];
    if (h.state === 'OPEN') {
      if (open) problems.push(`${here}: signal ${h.signal_id} opened while ${open} was still active`);
      if (closed.has(h.signal_id)) problems.push(`${here}: signal ${h.signal_id} opened twice`);
      if (h.reorder_point === null || h.on_hand_at_change > h.reorder_point)
        problems.push(
          `${here}: signal ${h.signal_id} opened at on hand ${h.on_hand_at_change} above reorder point ${h.reorder_point}`
        );
      open = h.signal_id;
      continue;
    }
    if (open !== h.signal_id)
      problems.push(`${here}: ${h.state} for ${h.signal_id}, which is not the active signal (${open})`);
    if (h.state === 'FULFILLED') {
      if (h.event_id && h.reorder_point !== null && h.on_hand_at_change <= h.reorder_point)
        problems.push(
          `${here}: signal ${h.signal_id} fulfilled by a scan at on hand ${h.on_hand_at_change}, not above ${h.reorder_point}`
        );
      closed.add(h.signal_id);
      open = null;
    }
  }
  return { rows, active: pointed.length, problems };
}
