// Pull: what a tablet caches to show stock offline, read in one consistent snapshot so stock, items and signals agree
// with each other and with the cursor.
import type { Sql } from '../../db/connect';
import { signalsQuery } from '../signals/queries';
import { lotExpiries } from './lot-expiries';
import { supplierParts } from './supplier-parts';

export function readSnapshot(sql: Sql) {
  return sql.begin('isolation level repeatable read read only', async (tx) => {
    const [items, stock, signals, lots, supplier_parts, [{ now }]] = await Promise.all([
      tx`SELECT item_id, description, unit, reorder_point, reorder_qty, gtin, active, tracking, placeholder, version
         FROM items ORDER BY item_id`,
      tx`SELECT item_id, location_id, on_hand, last_activity_at FROM stock_levels ORDER BY item_id, location_id`,
      signalsQuery(tx, { status: 'active' }),
      lotExpiries(tx),
      supplierParts(tx),
      tx<{ now: Date }[]>`SELECT now()`
    ]);
    return { items, stock, signals, lots, supplier_parts, server_time: now.toISOString(), cursor: now.toISOString() };
  });
}
