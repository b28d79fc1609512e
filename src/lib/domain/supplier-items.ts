// Supplier items: which supplier part is which item of ours, in what pack and at what price, and which supplier an
// item is bought from (its preferred one: at most one per item). Keyed by supplier and supplier part number.
import { z } from 'zod';
import { csvLine, decimalText, readCsvTable, type CsvError } from './csv';
import { MAX_QTY, itemId } from './events';
import { supplierId } from './suppliers';

/** numeric(12, 4) in the database. */
export const MAX_PRICE = 99_999_999.9999;

export const supplierPart = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[^\p{Cc}\p{Cs}]+$/u, 'must not contain control characters');

const supplierItemFields = {
  item_id: itemId,
  pack_size: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be 1 or more')
    .max(MAX_QTY, `must be at most ${MAX_QTY}`),
  price: z
    .number()
    .min(0, 'must be 0 or more')
    .max(MAX_PRICE, `must be at most ${MAX_PRICE}`)
    .refine((p) => Math.abs(p * 10_000 - Math.round(p * 10_000)) < 1e-6, 'must have at most 4 decimals')
    .nullable(),
  preferred: z.boolean()
};
export type SupplierItemField = keyof typeof supplierItemFields;
export const SUPPLIER_ITEM_FIELDS = Object.keys(supplierItemFields) as SupplierItemField[];

const supplierItemObject = z.strictObject({
  supplier_id: supplierId,
  supplier_part: supplierPart,
  ...supplierItemFields
});
export type SupplierItemValues = z.infer<typeof supplierItemObject>;

export const supplierItemKey = (r: { supplier_id: string; supplier_part: string }) =>
  `${r.supplier_id}\u0000${r.supplier_part}`;

/** Items a set of rows would give more than one preferred supplier. */
export function preferredClashes(rows: readonly { item_id: string; preferred: boolean }[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const r of rows.filter((r) => r.preferred)) (seen.has(r.item_id) ? twice : seen).add(r.item_id);
  return [...twice];
}

/** A row saved: its values and the version the editor read, or null for a new one; `remove` deletes it. */
const supplierItemEditSchema = supplierItemObject.extend({
  version: z.number().int().positive().nullable(),
  remove: z.boolean().optional()
});
export type SupplierItemEdit = z.infer<typeof supplierItemEditSchema>;

const MAX_SUPPLIER_ITEMS_PER_SAVE = 1000;
export const supplierItemsSaveSchema = z.strictObject({
  rows: z
    .array(supplierItemEditSchema)
    .min(1, 'must hold at least one row')
    .max(MAX_SUPPLIER_ITEMS_PER_SAVE, `must hold at most ${MAX_SUPPLIER_ITEMS_PER_SAVE} rows`)
    .refine((rows) => new Set(rows.map(supplierItemKey)).size === rows.length, 'must name each supplier part once')
    .superRefine((rows, ctx) => {
      for (const item of preferredClashes(rows.filter((r) => !r.remove)))
        ctx.addIssue({ code: 'custom', message: `item ${item} may have one preferred supplier, not several` });
    })
});

type SupplierItemCell = { ok: true; value: SupplierItemValues[SupplierItemField] } | { ok: false; message: string };

/** A cell as typed to its value, by the rules the server applies. */
export function parseSupplierItemCell(field: SupplierItemField, input: string | boolean): SupplierItemCell {
  const t = String(input).trim();
  let value: unknown = input;
  if (field === 'pack_size') value = t === '' ? NaN : /^[+-]?\d+(\.\d+)?$/.test(t) ? Number(t) : NaN;
  else if (field === 'price') value = t === '' ? null : decimalText(t);
  else if (field === 'preferred')
    value =
      typeof input === 'boolean'
        ? input
        : /^(true|yes|1|y)$/i.test(t)
          ? true
          : /^(false|no|0|n|)$/i.test(t)
            ? false
            : input;
  if (typeof value === 'number' && Number.isNaN(value))
    return { ok: false, message: field === 'pack_size' ? 'must be a whole number' : 'must be a number' };
  const parsed = (supplierItemFields[field] as z.ZodType).safeParse(value);
  return parsed.success
    ? { ok: true, value: parsed.data as SupplierItemValues[SupplierItemField] }
    : { ok: false, message: parsed.error.issues[0].message };
}

export const SUPPLIER_ITEM_CSV_COLUMNS = ['supplier_id', 'supplier_part', ...SUPPLIER_ITEM_FIELDS] as const;

/** Every row names its supplier, part and item; pack_size, price and preferred are set where the header names them. */
export interface SupplierItemImport {
  columns: SupplierItemField[];
  rows: (Partial<SupplierItemValues> & { supplier_id: string; supplier_part: string; item_id: string; row: number })[];
  errors: CsvError[];
}

export function parseSupplierItemsCsv(text: string): SupplierItemImport {
  const table = readCsvTable(text, SUPPLIER_ITEM_CSV_COLUMNS, ['supplier_id', 'supplier_part', 'item_id']);
  const errors = table.errors;
  if (!table.header.length || errors.some((e) => e.row === 1)) return { columns: [], rows: [], errors };
  const columns = SUPPLIER_ITEM_FIELDS.filter((f) => table.header.includes(f));
  const rows: SupplierItemImport['rows'] = [];
  const keyRow = new Map<string, number>();
  const preferredRow = new Map<string, number>();
  for (const { line, cell } of table.rows) {
    const supplier = supplierId.safeParse(cell('supplier_id'));
    const part = supplierPart.safeParse(cell('supplier_part'));
    if (!supplier.success) errors.push({ row: line, column: 'supplier_id', message: supplier.error.issues[0].message });
    if (!part.success) errors.push({ row: line, column: 'supplier_part', message: part.error.issues[0].message });
    const row = {
      supplier_id: supplier.data ?? '',
      supplier_part: part.data ?? '',
      item_id: '',
      row: line
    } as SupplierItemImport['rows'][number];
    if (supplier.success && part.success) {
      const key = supplierItemKey(row);
      if (keyRow.has(key))
        errors.push({
          row: line,
          column: 'supplier_part',
          message: `${row.supplier_part} of ${row.supplier_id} is also on row ${keyRow.get(key)}`
        });
      else keyRow.set(key, line);
    }
    for (const f of columns) {
      const parsed = parseSupplierItemCell(f, cell(f));
      if (!parsed.ok) errors.push({ row: line, column: f, message: parsed.message });
      else (row as Record<string, unknown>)[f] = parsed.value;
    }
    if (row.preferred && row.item_id) {
      if (preferredRow.has(row.item_id))
        errors.push({
          row: line,
          column: 'preferred',
          message: `item ${row.item_id} is already preferred from row ${preferredRow.get(row.item_id)}: one preferred supplier per item`
        });
      else preferredRow.set(row.item_id, line);
    }
    rows.push(row);
  }
  return { columns, rows, errors };
}

export function supplierItemsTemplate(): string {
  return csvLine([...SUPPLIER_ITEM_CSV_COLUMNS]) + csvLine(['ACME', 'AC-88812', 'BOLT-M8', 100, 0.12, 'true']);
}
