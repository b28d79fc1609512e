// The audit: stock_levels must equal stock recomputed from every event, and each active signal must be the
// current state of its lifecycle. `db verify` and the tests both ask this.
import type { Queryable } from './connect';

export interface Drift {
  item_id: string;
  location_id: string;
  projected_on_hand: number | null;
  recomputed_on_hand: number | null;
  problem: string;
}

export async function verifyStock(sql: Queryable): Promise<{ rows: number; drift: Drift[] }> {
  const drift = await sql<Drift[]>`
    SELECT COALESCE(s.item_id, v.item_id) AS item_id, COALESCE(s.location_id, v.location_id) AS location_id,
           s.on_hand AS projected_on_hand, v.on_hand AS recomputed_on_hand,
           CASE WHEN s.item_id IS NULL THEN 'missing from stock_levels'
                WHEN v.item_id IS NULL AND (s.on_hand, s.intake_total, s.consume_total) <> (0, 0, 0) THEN 'no events behind this stock'
                ELSE 'totals differ' END AS problem
    FROM stock_levels s
    FULL JOIN inventory_current v ON v.item_id = s.item_id AND v.location_id = s.location_id
    WHERE s.item_id IS NULL
       OR (v.item_id IS NULL AND (s.on_hand, s.intake_total, s.consume_total) <> (0, 0, 0))
       OR (v.item_id IS NOT NULL AND (s.on_hand, s.intake_total, s.consume_total) IS DISTINCT FROM (v.on_hand, v.intake_total, v.consume_total))
    UNION ALL
    SELECT s.item_id, s.location_id, s.on_hand, NULL, 'active signal is not open or acknowledged'
    FROM stock_levels s
    WHERE s.active_signal_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM (SELECT state FROM replenishment_signals r WHERE r.signal_id = s.active_signal_id
                                     ORDER BY row_id DESC LIMIT 1) c WHERE c.state <> 'FULFILLED')
    ORDER BY 1, 2`;
  const [{ n }] = await sql<{ n: number }[]>`SELECT count(*) AS n FROM stock_levels`;
  return { rows: n, drift };
}
