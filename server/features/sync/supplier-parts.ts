// What the station needs to read a carton label that names only the supplier's part (MH10 1P) offline: supplier
// part → item, from the supplier items. The station does not know which supplier a carton came from, so a part
// number two suppliers use for different items maps to neither (never a wrong item); bounded, so the snapshot stays
// small on a plant with a large catalogue: the preferred, most confirmed and most recent mappings first.
import type { Queryable } from '../../db/connect';

export const MAX_SUPPLIER_PARTS = 20_000;

export function supplierParts(tx: Queryable, limit = MAX_SUPPLIER_PARTS) {
  return tx<{ supplier_part: string; item_id: string }[]>`
    SELECT supplier_part, min(item_id) AS item_id FROM supplier_items
    GROUP BY supplier_part HAVING count(DISTINCT item_id) = 1
    ORDER BY bool_or(preferred) DESC, max(confirmed) DESC, max(updated_at) DESC, supplier_part
    LIMIT ${limit}`;
}
