// A lot's expiry as scans have told it (GS1 AI 17), per item and lot: noted in the push's transaction, handed to the
// tablets in the snapshot so that consuming an expired lot warns even when its code (or the typed lot) has no date.
import type { ScanEvent } from '#domain/events';
import type { Queryable } from '../../db/connect';

/** Notes the expiry of every lot the applied events date; the latest date given wins. One statement, rows in key
 *  order (two pushes dating the same lots lock them in the same order). */
export async function noteLotExpiries(tx: Queryable, applied: ScanEvent[]): Promise<void> {
  const latest = new Map<string, { item_id: string; lot: string; expiry: string }>();
  for (const e of applied) {
    if (!e.lot || !e.expiry) continue;
    const key = JSON.stringify([e.item_id, e.lot]);
    const seen = latest.get(key);
    if (!seen || seen.expiry < e.expiry) latest.set(key, { item_id: e.item_id, lot: e.lot, expiry: e.expiry });
  }
  if (!latest.size) return;
  const rows = [...latest.values()].sort((a, b) =>
    a.item_id === b.item_id ? (a.lot < b.lot ? -1 : 1) : a.item_id < b.item_id ? -1 : 1
  );
  await tx`
    INSERT INTO lot_expiries (item_id, lot, expiry)
    SELECT * FROM unnest(${rows.map((r) => r.item_id)}::text[], ${rows.map((r) => r.lot)}::text[],
                         ${rows.map((r) => r.expiry)}::date[])
    ON CONFLICT (item_id, lot) DO UPDATE SET expiry = GREATEST(lot_expiries.expiry, EXCLUDED.expiry)
    WHERE lot_expiries.expiry < EXCLUDED.expiry`;
}

/** Every dated lot, for the snapshot. */
export function lotExpiries(tx: Queryable) {
  return tx<{ item_id: string; lot: string; expiry: string }[]>`
    SELECT item_id, lot, expiry::text AS expiry FROM lot_expiries ORDER BY item_id, lot`;
}
