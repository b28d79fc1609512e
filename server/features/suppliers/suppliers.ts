// Suppliers in the database: the list, one supplier, its audit trail, and the writes the grid's batch save and the
// CSV import share (one transaction, each row at the version its editor saw, new rows created, every change audited).
import { z } from 'zod';
import { SUPPLIER_FIELDS, type SupplierEdit, type SupplierValues } from '#domain/suppliers';
import type { Queryable } from '../../db/connect';
import { containsPattern as like } from '../../db/search';
import { ApiError, pageParams } from '../../http/errors';
import { checkVersions } from '../../http/grid-save';

const SUPPLIER_COLUMNS =
  'supplier_id, name, contact, lead_time_days, address, latitude, longitude, active, version, created_at, updated_at, updated_by';

type StoredSupplier = SupplierValues & { version: number; updated_at: Date; updated_by: string | null };

/** The editable values of a row, as the audit log keeps them. */
const supplierValues = (r: Partial<SupplierValues>) =>
  Object.fromEntries(SUPPLIER_FIELDS.map((f) => [f, r[f] ?? null]));

/** A database refusal a person can act on, as the 4xx it is; anything else is rethrown. */
function supplierDbError(e: unknown): never {
  const err = e as { code?: string; constraint_name?: string; detail?: string };
  if (err.code === '23505' && err.constraint_name === 'suppliers_name')
    throw new ApiError(
      409,
      'name_taken',
      `Another supplier has that name already (${err.detail ?? 'names are unique, whatever their case'}).`
    );
  if (err.code === '23505' && err.constraint_name === 'suppliers_pkey')
    throw new ApiError(
      409,
      'conflict',
      `A supplier you are adding was created by someone else meanwhile (${err.detail ?? ''}): reload and review it.`
    );
  if (err.code === '23505' && err.constraint_name === 'supplier_items_pkey')
    throw new ApiError(
      409,
      'name_clash',
      `Slips printed under the new name taught a part number this supplier already lists (${err.detail ?? ''}): review the supplier items first.`
    );
  throw e;
}

/**
 * Writes supplier rows with every value given: new ones inserted, the others updated where a value differs, each
 * audited with `action`. `before` holds the stored rows by id (locked by the caller).
 */
export async function writeSuppliers(
  tx: Queryable,
  rows: SupplierValues[],
  before: Map<string, StoredSupplier>,
  user: string,
  action: string
) {
  const fresh = rows.filter((r) => !before.has(r.supplier_id));
  const changed = rows.filter(
    (r) => before.has(r.supplier_id) && SUPPLIER_FIELDS.some((f) => r[f] !== before.get(r.supplier_id)![f])
  );
  const record =
    'supplier_id text, name text, contact text, lead_time_days integer, address text, latitude double precision, longitude double precision, active boolean';
  const out: StoredSupplier[] = [];
  try {
    if (changed.length)
      out.push(
        ...(await tx<StoredSupplier[]>`
          UPDATE suppliers s SET name = r.name, contact = r.contact, lead_time_days = r.lead_time_days, address = r.address,
                 latitude = r.latitude, longitude = r.longitude, active = r.active, version = s.version + 1, updated_at = now(), updated_by = ${user}
          FROM json_to_recordset(${tx.json(changed as never)}::json) AS r(${tx.unsafe(record)})
          WHERE s.supplier_id = r.supplier_id
          RETURNING ${tx.unsafe(
            SUPPLIER_COLUMNS.split(', ')
              .map((c) => 's.' + c)
              .join(', ')
          )}`)
      );
    if (fresh.length)
      out.push(
        ...(await tx<StoredSupplier[]>`
          INSERT INTO suppliers (supplier_id, name, contact, lead_time_days, address, latitude, longitude, active, updated_by)
          SELECT r.*, ${user} FROM json_to_recordset(${tx.json(fresh as never)}::json) AS r(${tx.unsafe(record)})
          RETURNING ${tx.unsafe(SUPPLIER_COLUMNS)}`)
      );
  } catch (e) {
    supplierDbError(e);
  }
  const audit = out.map((s) => ({
    entity_id: s.supplier_id,
    action: before.has(s.supplier_id) ? action : 'create',
    before: before.has(s.supplier_id) ? supplierValues(before.get(s.supplier_id)!) : null,
    after: supplierValues(s)
  }));
  if (audit.length)
    await tx`
      INSERT INTO audit_log (actor, entity, entity_id, action, before, after)
      SELECT ${user}, 'supplier', entity_id, action, before, after
      FROM json_to_recordset(${tx.json(audit as never)}::json) AS a(entity_id text, action text, before jsonb, after jsonb)`;
  return out.sort((a, b) => a.supplier_id.localeCompare(b.supplier_id));
}

export const lockSuppliers = (tx: Queryable, ids: string[]) =>
  tx<
    StoredSupplier[]
  >`SELECT ${tx.unsafe(SUPPLIER_COLUMNS)} FROM suppliers WHERE supplier_id = ANY(${ids}::text[]) ORDER BY supplier_id FOR UPDATE`;

/**
 * The grid's save. All or nothing: a row whose version moved on since the editor read it (or a "new" row someone
 * created meanwhile) makes the whole save a 409 carrying the current values of every such row.
 */
export async function saveSuppliers(
  tx: Queryable,
  rows: SupplierEdit[],
  user: string
): Promise<{ saved: StoredSupplier[] }> {
  const current = await lockSuppliers(
    tx,
    rows.map((r) => r.supplier_id)
  );
  const byId = new Map(current.map((c) => [c.supplier_id, c]));
  const notFound = (missing: SupplierEdit[]) =>
    new ApiError(
      404,
      'not_found',
      `No such supplier: ${missing
        .slice(0, 10)
        .map((r) => r.supplier_id)
        .join(', ')}.`,
      { missing: missing.map((r) => r.supplier_id) }
    );
  checkVersions(rows, byId, (r) => r.supplier_id, notFound);
  const names = rows.map((r) => r.name.toLowerCase());
  const taken = await tx<{ supplier_id: string; name: string }[]>`
    SELECT supplier_id, name FROM suppliers WHERE lower(name) = ANY(${names}::text[]) AND NOT supplier_id = ANY(${rows.map((r) => r.supplier_id)}::text[])`;
  if (taken.length)
    throw new ApiError(
      400,
      'invalid_request',
      `The name "${taken[0].name}" belongs to supplier ${taken[0].supplier_id} already.`,
      {
        issues: taken.map((t) => ({
          supplier_id: rows.find((r) => r.name.toLowerCase() === t.name.toLowerCase())!.supplier_id,
          path: 'name',
          message: `already the name of ${t.supplier_id}`
        }))
      }
    );
  const values = rows.map(({ version: _v, ...r }) => r);
  return { saved: await writeSuppliers(tx, values, byId, user, 'update') };
}

export const supplierListQuery = z.strictObject({
  q: z.string().trim().max(100).optional(),
  active: z.enum(['true', 'false']).optional(),
  ...pageParams
});

/** Suppliers matching the filter, each with its number of supplier items, and how many match in all. */
export async function listSuppliers(sql: Queryable, q: z.infer<typeof supplierListQuery>) {
  const where = () => sql`
    WHERE true
      ${q.q ? sql`AND (supplier_id ILIKE ${like(q.q)} OR name ILIKE ${like(q.q)} OR contact ILIKE ${like(q.q)})` : sql``}
      ${q.active ? sql`AND active = ${q.active === 'true'}` : sql``}`;
  const [rows, [{ total }]] = await Promise.all([
    sql`SELECT ${sql.unsafe(SUPPLIER_COLUMNS)},
               (SELECT count(*)::int FROM supplier_items si WHERE si.supplier_id = suppliers.supplier_id) AS items
        FROM suppliers ${where()} ORDER BY supplier_id LIMIT ${q.limit} OFFSET ${q.offset}`,
    sql<{ total: number }[]>`SELECT count(*)::int AS total FROM suppliers ${where()}`
  ]);
  return { rows, total, limit: q.limit, offset: q.offset };
}

/** The supplier's own changes and those of its supplier items (entity_id "<supplier_id>/<part>"), newest first. */
export function supplierAudit(sql: Queryable, id: string) {
  return sql`
    SELECT audit_id, at, actor, entity, entity_id, action, before, after FROM audit_log
    WHERE (entity = 'supplier' AND entity_id = ${id}) OR (entity = 'supplier_item' AND entity_id LIKE ${like(id).slice(1, -1) + '/%'})
    ORDER BY at DESC, audit_id DESC LIMIT 200`;
}

export async function getSupplier(sql: Queryable, id: string) {
  const [supplier] = await sql`SELECT ${sql.unsafe(SUPPLIER_COLUMNS)} FROM suppliers WHERE supplier_id = ${id}`;
  return supplier as StoredSupplier | undefined;
}
