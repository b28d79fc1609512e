// Supplier items in the database: the list (by supplier or by item) and the writes of the batch save and the import, where choosing a
// preferred supplier for an item takes the flag from the one it had (one preferred per item), all audited.
// Rows packing-slip receiving learned under a printed name that is no known supplier have no supplier_id; they are
// listed with supplier_id null and are not editable here until a supplier of that name exists.
import { z } from 'zod';
import { itemId } from '#domain/events';
import { supplierId } from '#domain/suppliers';
import {
  SUPPLIER_ITEM_FIELDS,
  supplierItemKey,
  type SupplierItemEdit,
  type SupplierItemValues
} from '#domain/supplier-items';
import type { Queryable } from '../../db/connect';
import { ApiError, pageParams } from '../../http/errors';
import { checkVersions } from '../../http/grid-save';

// price is numeric(12, 4): as a JSON number here (at most 4 decimals fit a double exactly enough to show and send back).
const SUPPLIER_ITEM_COLUMNS =
  'si.supplier_id, si.supplier, si.supplier_part, si.item_id, si.pack_size, si.price::float8 AS price, si.preferred, si.confirmed, si.version, si.updated_at, si.updated_by';

type StoredSupplierItem = SupplierItemValues & {
  supplier: string;
  version: number;
  confirmed: number;
  updated_at: Date;
  updated_by: string | null;
};

const auditId = (r: { supplier_id: string; supplier_part: string }) => `${r.supplier_id}/${r.supplier_part}`;
const values = (r: Partial<SupplierItemValues>) =>
  Object.fromEntries(SUPPLIER_ITEM_FIELDS.map((f) => [f, r[f] ?? null]));
const RECORD =
  'supplier_id text, supplier_part text, item_id text, pack_size integer, price numeric, preferred boolean';
const keysJson = (tx: Queryable, rows: { supplier_id: string; supplier_part: string }[]) =>
  tx.json(rows.map((r) => ({ supplier_id: r.supplier_id, supplier_part: r.supplier_part })) as never);

export function lockSupplierItems(tx: Queryable, keys: { supplier_id: string; supplier_part: string }[]) {
  return tx<StoredSupplierItem[]>`
    SELECT ${tx.unsafe(SUPPLIER_ITEM_COLUMNS)} FROM supplier_items si
    JOIN json_to_recordset(${keysJson(tx, keys)}::json) AS k(supplier_id text, supplier_part text)
      ON si.supplier_id = k.supplier_id AND si.supplier_part = k.supplier_part
    ORDER BY si.supplier, si.supplier_part FOR UPDATE OF si`;
}

/** Unknown suppliers and items named by rows, as issues with the row's key. */
export async function unknownReferences(tx: Queryable, rows: { supplier_id: string; item_id: string }[]) {
  const [suppliers, items] = await Promise.all([
    tx<
      { supplier_id: string }[]
    >`SELECT supplier_id FROM suppliers WHERE supplier_id = ANY(${[...new Set(rows.map((r) => r.supplier_id))]}::text[])`,
    // A join, not item_id = ANY(...): with 0009's trigram index on item_id the planner takes that GIN index for the
    // array (it answers equality too) and a 1,000-id lookup took 7 s; the join is a hash or key lookup.
    tx<
      { item_id: string }[]
    >`SELECT i.item_id FROM items i JOIN unnest(${[...new Set(rows.map((r) => r.item_id))]}::text[]) AS u(id) ON i.item_id = u.id`
  ]);
  const knownS = new Set(suppliers.map((s) => s.supplier_id));
  const knownI = new Set(items.map((i) => i.item_id));
  return rows.flatMap((r, i) => [
    ...(knownS.has(r.supplier_id)
      ? []
      : [{ index: i, path: 'supplier_id', message: `there is no supplier ${r.supplier_id}` }]),
    ...(knownI.has(r.item_id) ? [] : [{ index: i, path: 'item_id', message: `there is no item ${r.item_id}` }])
  ]);
}

function concurrentWriteError(e: unknown): never {
  const err = e as { code?: string; constraint_name?: string; detail?: string };
  if (err.code === '23505' && err.constraint_name === 'supplier_items_one_preferred')
    throw new ApiError(
      409,
      'conflict',
      `Someone else chose a preferred supplier for this item meanwhile (${err.detail ?? ''}): reload and choose again. Nothing was saved.`
    );
  if (err.code === '23505' && err.constraint_name === 'supplier_items_pkey')
    throw new ApiError(
      409,
      'conflict',
      `A supplier part you are adding was created by someone else meanwhile (${err.detail ?? ''}): reload and review it. Nothing was saved.`
    );
  if (err.code === '23503' && err.constraint_name === 'supplier_items_supplier_fkey')
    throw new ApiError(
      409,
      'conflict',
      'The supplier was renamed while you saved: reload and save again. Nothing was saved.'
    );
  throw e;
}

/**
 * Writes supplier items with every value given (`before`: the stored rows by key, locked), deletes `removed`, and
 * gives each item a row makes preferred that flag alone. Every change is audited with `action`.
 */
export async function writeSupplierItems(
  tx: Queryable,
  rows: SupplierItemValues[],
  removed: StoredSupplierItem[],
  before: Map<string, StoredSupplierItem>,
  user: string,
  action: string
): Promise<StoredSupplierItem[]> {
  const audit: { entity_id: string; action: string; before: unknown; after: unknown }[] = [];
  if (removed.length) {
    await tx`DELETE FROM supplier_items si USING json_to_recordset(${keysJson(tx, removed)}::json) AS k(supplier_id text, supplier_part text)
             WHERE si.supplier_id = k.supplier_id AND si.supplier_part = k.supplier_part`;
    for (const r of removed) audit.push({ entity_id: auditId(r), action: 'delete', before: values(r), after: null });
  }
  const written = rows.filter((r) => {
    const b = before.get(supplierItemKey(r));
    return !b || SUPPLIER_ITEM_FIELDS.some((f) => r[f] !== b[f]);
  });
  // The preferred flag moves: other rows preferred for an item a written row now prefers give it up first (the
  // unique index is checked row by row), and rows giving it up are written before rows taking it.
  const preferredItems = written.filter((r) => r.preferred).map((r) => r.item_id);
  const keys = new Set(written.map(supplierItemKey));
  const demoted = preferredItems.length
    ? (
        await tx<StoredSupplierItem[]>`
          SELECT ${tx.unsafe(SUPPLIER_ITEM_COLUMNS)} FROM supplier_items si
          WHERE si.preferred AND si.item_id = ANY(${preferredItems}::text[]) FOR UPDATE OF si`
      ).filter((d) => !keys.has(supplierItemKey(d)))
    : [];
  if (demoted.length) {
    await tx`UPDATE supplier_items si SET preferred = false, updated_at = now(), updated_by = ${user}
             FROM json_to_recordset(${keysJson(tx, demoted)}::json) AS k(supplier_id text, supplier_part text)
             WHERE si.supplier_id = k.supplier_id AND si.supplier_part = k.supplier_part`;
    for (const d of demoted)
      audit.push({
        entity_id: auditId(d),
        action: 'unprefer',
        before: values(d),
        after: values({ ...d, preferred: false })
      });
  }
  // Another save between our reads and these writes (the same new row, or another preferred supplier for the item,
  // both invisible to our reads until it committed) surfaces here as a unique violation: a conflict, not a fault.
  try {
    for (const group of [written.filter((r) => !r.preferred), written.filter((r) => r.preferred)]) {
      const fresh = group.filter((r) => !before.has(supplierItemKey(r)));
      const known = group.filter((r) => before.has(supplierItemKey(r)));
      if (known.length)
        await tx`
          UPDATE supplier_items si SET item_id = r.item_id, pack_size = r.pack_size, price = r.price, preferred = r.preferred,
                 updated_at = now(), updated_by = ${user}
          FROM json_to_recordset(${tx.json(known as never)}::json) AS r(${tx.unsafe(RECORD)})
          WHERE si.supplier_id = r.supplier_id AND si.supplier_part = r.supplier_part`;
      // A plain insert: a row someone else created meanwhile is a conflict, never silently overwritten. The key of
      // supplier_items is the supplier's name as printed (packing slips write it); the join supplies it.
      if (fresh.length)
        await tx`
          INSERT INTO supplier_items (supplier, supplier_id, supplier_part, item_id, pack_size, price, preferred, confirmed, updated_by)
          SELECT s.name, r.supplier_id, r.supplier_part, r.item_id, r.pack_size, r.price, r.preferred, 0, ${user}
          FROM json_to_recordset(${tx.json(fresh as never)}::json) AS r(${tx.unsafe(RECORD)}) JOIN suppliers s USING (supplier_id)`;
    }
  } catch (e) {
    concurrentWriteError(e);
  }
  const saved = written.length ? await lockSupplierItems(tx, written) : [];
  for (const s of saved) {
    const b = before.get(supplierItemKey(s));
    audit.push({
      entity_id: auditId(s),
      action: b ? action : 'create',
      before: b ? values(b) : null,
      after: values(s)
    });
  }
  if (audit.length)
    await tx`
      INSERT INTO audit_log (actor, entity, entity_id, action, before, after)
      SELECT ${user}, 'supplier_item', entity_id, action, before, after
      FROM json_to_recordset(${tx.json(audit as never)}::json) AS a(entity_id text, action text, before jsonb, after jsonb)`;
  return saved;
}

/** The grid's save, all or nothing; a stale row (or a "new" row someone created meanwhile) makes it a 409 with theirs. */
export async function saveSupplierItems(tx: Queryable, rows: SupplierItemEdit[], user: string) {
  const current = await lockSupplierItems(tx, rows);
  const byKey = new Map(current.map((c) => [supplierItemKey(c), c]));
  const notFound = (missing: SupplierItemEdit[]) =>
    new ApiError(
      404,
      'not_found',
      `No such supplier item: ${missing
        .slice(0, 10)
        .map((m) => `${m.supplier_part} of ${m.supplier_id}`)
        .join(', ')}.`,
      {
        missing: missing.map((m) => ({ supplier_id: m.supplier_id, supplier_part: m.supplier_part }))
      }
    );
  checkVersions(rows, byKey, supplierItemKey, notFound);
  const kept = rows.filter((r) => !r.remove);
  const unknown = await unknownReferences(tx, kept);
  if (unknown.length)
    throw new ApiError(400, 'invalid_request', `Row ${unknown[0].index + 1}: ${unknown[0].message}.`, {
      issues: unknown.map((u) => ({ path: `rows.${rows.indexOf(kept[u.index])}.${u.path}`, message: u.message }))
    });
  const removed = rows
    .filter((r) => r.remove)
    .map((r) => byKey.get(supplierItemKey(r))!)
    .filter(Boolean);
  const saved = await writeSupplierItems(
    tx,
    kept.map(({ version: _v, remove: _r, ...v }) => v),
    removed,
    byKey,
    user,
    'update'
  );
  return { saved, removed: removed.map((r) => ({ supplier_id: r.supplier_id, supplier_part: r.supplier_part })) };
}

export const supplierItemListQuery = z.strictObject({
  supplier_id: supplierId.optional(),
  item_id: itemId.optional(),
  ...pageParams
});

/** Supplier items of one supplier or one item (or all), with the item's description and unit. */
export async function listSupplierItems(sql: Queryable, q: z.infer<typeof supplierItemListQuery>) {
  const where = () => sql`
    WHERE true ${q.supplier_id ? sql`AND si.supplier_id = ${q.supplier_id}` : sql``} ${q.item_id ? sql`AND si.item_id = ${q.item_id}` : sql``}`;
  const [rows, [{ total }]] = await Promise.all([
    sql`SELECT ${sql.unsafe(SUPPLIER_ITEM_COLUMNS)}, i.description, i.unit
        FROM supplier_items si JOIN items i USING (item_id) ${where()}
        ORDER BY si.supplier, si.supplier_part LIMIT ${q.limit} OFFSET ${q.offset}`,
    sql<{ total: number }[]>`SELECT count(*)::int AS total FROM supplier_items si ${where()}`
  ]);
  return { rows, total, limit: q.limit, offset: q.offset };
}

/**
 * Names printed on received slips that are no supplier of ours: creating a supplier of that exact name adopts their
 * part numbers (the trigger of 0006).
 */
export function unknownSuppliers(sql: Queryable) {
  return sql`
    SELECT supplier, count(*)::int AS parts, max(updated_at) AS last_learned_at FROM supplier_items
    WHERE supplier_id IS NULL AND supplier <> '' GROUP BY supplier ORDER BY max(updated_at) DESC, supplier LIMIT 200`;
}
