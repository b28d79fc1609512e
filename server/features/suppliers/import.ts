// The supplier and supplier-item CSV imports, applied in one transaction once the file is free of errors, as the item
// import does: new rows created, existing ones updated in the columns the file names (the others kept), each change
// audited through the same writes as the grid's save.
import type { CsvError } from '#domain/csv';
import { supplierItemKey, type SupplierItemImport, type SupplierItemValues } from '#domain/supplier-items';
import type { SupplierImport, SupplierValues } from '#domain/suppliers';
import type { TransactionSql } from '../../db/connect';
import { invalidCsv } from '../../http/csv-upload';
import { lockSupplierItems, unknownReferences, writeSupplierItems } from './supplier-items';
import { lockSuppliers, writeSuppliers } from './suppliers';

/** Master-data files are small next to the item master; 8 MiB is tens of thousands of rows. */
export const MAX_SUPPLIER_IMPORT_BYTES = 8 * 1024 * 1024;
/** A file's errors by row: its rows are checked in several passes. */
export const invalid = (errors: CsvError[]) => invalidCsv([...errors].sort((a, b) => a.row - b.row));

const counts = (rows: number, created: number, updated: number) => ({
  rows,
  created,
  updated,
  unchanged: rows - created - updated
});

export async function applySuppliers(tx: TransactionSql, file: SupplierImport, user: string) {
  const before = new Map(
    (
      await lockSuppliers(
        tx,
        file.rows.map((r) => r.supplier_id)
      )
    ).map((s) => [s.supplier_id, s])
  );
  const errors: CsvError[] = [];
  for (const r of file.rows)
    if (!before.has(r.supplier_id) && r.name === undefined)
      errors.push({ row: r.row, column: 'name', message: `${r.supplier_id} is a new supplier: it needs a name` });
  const named = file.rows.filter((r) => r.name !== undefined);
  if (named.length) {
    const taken = await tx<{ supplier_id: string; name: string }[]>`
      SELECT supplier_id, name FROM suppliers
      WHERE lower(name) = ANY(${named.map((r) => r.name!.toLowerCase())}::text[]) AND NOT supplier_id = ANY(${file.rows.map((r) => r.supplier_id)}::text[])`;
    const owner = new Map(taken.map((t) => [t.name.toLowerCase(), t.supplier_id]));
    for (const r of named)
      if (owner.has(r.name!.toLowerCase()))
        errors.push({
          row: r.row,
          column: 'name',
          message: `"${r.name}" is already the name of supplier ${owner.get(r.name!.toLowerCase())}`
        });
  }
  if (errors.length) throw invalid(errors);
  const rows: SupplierValues[] = file.rows.map(({ row: _row, ...r }) => {
    const base = before.get(r.supplier_id) ?? {
      contact: '',
      lead_time_days: 0,
      address: '',
      latitude: null,
      longitude: null,
      active: true
    };
    const { version: _v, updated_at: _u, updated_by: _b, ...kept } = base as Record<string, unknown>;
    return { ...kept, ...r } as SupplierValues;
  });
  const written = await writeSuppliers(tx, rows, before, user, 'import');
  const created = written.filter((w) => !before.has(w.supplier_id)).length;
  return counts(rows.length, created, written.length - created);
}

export async function applySupplierItems(tx: TransactionSql, file: SupplierItemImport, user: string) {
  const unknown = await unknownReferences(tx, file.rows);
  if (unknown.length)
    throw invalid(unknown.map((u) => ({ row: file.rows[u.index].row, column: u.path, message: u.message })));
  const before = new Map((await lockSupplierItems(tx, file.rows)).map((s) => [supplierItemKey(s), s]));
  // Items this file gives a preferred supplier: a flag kept from the database on another of their rows would clash.
  const filePreferred = new Set(file.rows.filter((r) => r.preferred).map((r) => r.item_id));
  const rows: SupplierItemValues[] = file.rows.map(({ row: _row, ...r }) => {
    const b = before.get(supplierItemKey(r));
    // A row the file moves to another item keeps its flag only if the file says so.
    const kept = !!b && b.item_id === r.item_id && b.preferred && !filePreferred.has(r.item_id);
    return {
      supplier_id: r.supplier_id,
      supplier_part: r.supplier_part,
      item_id: r.item_id,
      pack_size: r.pack_size ?? b?.pack_size ?? 1,
      price: r.price !== undefined ? r.price : (b?.price ?? null),
      preferred: r.preferred ?? kept
    };
  });
  const written = await writeSupplierItems(tx, rows, [], before, user, 'import');
  const created = written.filter((w) => !before.has(supplierItemKey(w))).length;
  return counts(rows.length, created, written.length - created);
}
