// Suppliers: one schema for the grid's cells, the CSV import and the server (as items.ts is for the item master).
import { z } from 'zod';
import { csvLine, decimalText, readCsvTable, type CsvError } from './csv';

const noControl = /^[^\p{Cc}\p{Cs}]*$/u;
const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .regex(noControl, 'must not contain control characters');

export const MAX_LEAD_TIME_DAYS = 730;

/** Codes people type: printable, 1 to 64 characters. */
export const supplierId = text(64).min(1, 'must not be empty');

const supplierFields = {
  name: text(200).min(1, 'must not be empty'),
  contact: text(200),
  lead_time_days: z
    .number()
    .int('must be a whole number of days')
    .min(0, 'must be 0 or more')
    .max(MAX_LEAD_TIME_DAYS, `must be at most ${MAX_LEAD_TIME_DAYS} days`),
  address: text(500),
  latitude: z.number().min(-90, 'must be between -90 and 90').max(90, 'must be between -90 and 90').nullable(),
  longitude: z.number().min(-180, 'must be between -180 and 180').max(180, 'must be between -180 and 180').nullable(),
  active: z.boolean()
};
export type SupplierField = keyof typeof supplierFields;
export const SUPPLIER_FIELDS = Object.keys(supplierFields) as SupplierField[];

/** A place is both coordinates or none: one alone puts the supplier nowhere. */
export function coordinatesProblem(
  latitude: number | null | undefined,
  longitude: number | null | undefined
): string | null {
  return (latitude ?? null) === null && (longitude ?? null) !== null
    ? 'give the latitude too, or clear the longitude'
    : (latitude ?? null) !== null && (longitude ?? null) === null
      ? 'give the longitude too, or clear the latitude'
      : null;
}

const coordinates = (v: { latitude: number | null; longitude: number | null }, ctx: z.RefinementCtx) => {
  const problem = coordinatesProblem(v.latitude, v.longitude);
  if (problem)
    ctx.addIssue({ code: 'custom', path: [v.latitude === null ? 'latitude' : 'longitude'], message: problem });
};

const supplierObject = z.strictObject({ supplier_id: supplierId, ...supplierFields });
export type SupplierValues = z.infer<typeof supplierObject>;

/** A grid row saved: every value and the version the editor read, or null for a supplier the editor added. */
const supplierEditSchema = supplierObject
  .extend({ version: z.number().int().positive().nullable() })
  .superRefine(coordinates);
export type SupplierEdit = z.infer<typeof supplierEditSchema>;

const MAX_SUPPLIERS_PER_SAVE = 1000;
export const suppliersSaveSchema = z.strictObject({
  rows: z
    .array(supplierEditSchema)
    .min(1, 'must hold at least one row')
    .max(MAX_SUPPLIERS_PER_SAVE, `must hold at most ${MAX_SUPPLIERS_PER_SAVE} rows`)
    .refine((rows) => new Set(rows.map((r) => r.supplier_id)).size === rows.length, 'must name each supplier once')
    .refine(
      (rows) => new Set(rows.map((r) => r.name.toLowerCase())).size === rows.length,
      'must not give two suppliers one name'
    )
});

type SupplierCell = { ok: true; value: SupplierValues[SupplierField] } | { ok: false; message: string };

/** A cell as typed (text, or a checkbox's boolean) to its value, by the rules the server applies. */
export function parseSupplierCell(field: SupplierField, input: string | boolean): SupplierCell {
  let value: unknown = input;
  const t = String(input).trim();
  if (field === 'lead_time_days') value = /^[+-]?\d+(\.\d+)?$/.test(t) ? Number(t) : t === '' ? undefined : NaN;
  else if (field === 'latitude' || field === 'longitude') value = t === '' ? null : decimalText(t);
  else if (field === 'active')
    value =
      typeof input === 'boolean'
        ? input
        : /^(true|yes|1|y)$/i.test(t)
          ? true
          : /^(false|no|0|n)$/i.test(t)
            ? false
            : input;
  if (value === undefined) return { ok: false, message: 'must not be empty' };
  if (typeof value === 'number' && Number.isNaN(value))
    return { ok: false, message: field === 'lead_time_days' ? 'must be a whole number of days' : 'must be a number' };
  const parsed = (supplierFields[field] as z.ZodType).safeParse(value);
  return parsed.success
    ? { ok: true, value: parsed.data as SupplierValues[SupplierField] }
    : { ok: false, message: parsed.error.issues[0].message };
}

export const SUPPLIER_CSV_COLUMNS = ['supplier_id', ...SUPPLIER_FIELDS] as const;

/** The columns a file sets: supplier_id always, the others where the header names them (the rest are kept). */
export interface SupplierImport {
  columns: SupplierField[];
  rows: (Partial<SupplierValues> & { supplier_id: string; row: number })[];
  errors: CsvError[];
}

export function parseSuppliersCsv(textIn: string): SupplierImport {
  const table = readCsvTable(textIn, SUPPLIER_CSV_COLUMNS, ['supplier_id']);
  const errors = table.errors;
  if (!table.header.length || errors.some((e) => e.row === 1)) return { columns: [], rows: [], errors };
  const columns = SUPPLIER_FIELDS.filter((f) => table.header.includes(f));
  const geo = columns.filter((c) => c === 'latitude' || c === 'longitude');
  if (geo.length === 1)
    return {
      columns: [],
      rows: [],
      errors: [{ row: 1, column: geo[0], message: 'latitude and longitude come as a pair: name both columns' }]
    };
  const rows: SupplierImport['rows'] = [];
  const idRow = new Map<string, number>();
  const nameRow = new Map<string, number>();
  for (const { line, cell } of table.rows) {
    const id = supplierId.safeParse(cell('supplier_id'));
    const row: SupplierImport['rows'][number] = { supplier_id: id.success ? id.data : '', row: line };
    if (!id.success) errors.push({ row: line, column: 'supplier_id', message: id.error.issues[0].message });
    else if (idRow.has(id.data))
      errors.push({ row: line, column: 'supplier_id', message: `${id.data} is also on row ${idRow.get(id.data)}` });
    else idRow.set(id.data, line);
    for (const f of columns) {
      const parsed = parseSupplierCell(f, cell(f));
      if (!parsed.ok) errors.push({ row: line, column: f, message: parsed.message });
      else (row as Record<string, unknown>)[f] = parsed.value;
    }
    if (typeof row.name === 'string') {
      const key = row.name.toLowerCase();
      if (nameRow.has(key))
        errors.push({ row: line, column: 'name', message: `"${row.name}" is also on row ${nameRow.get(key)}` });
      else nameRow.set(key, line);
    }
    if (geo.length && 'latitude' in row && 'longitude' in row) {
      const problem = coordinatesProblem(row.latitude, row.longitude);
      if (problem)
        errors.push({ row: line, column: row.latitude === null ? 'latitude' : 'longitude', message: problem });
    }
    rows.push(row);
  }
  return { columns, rows, errors };
}

/** The file a supervisor fills in: the header and one example row. */
export function suppliersTemplate(): string {
  return (
    csvLine([...SUPPLIER_CSV_COLUMNS]) +
    csvLine(['ACME', 'Acme Industrial Supply', 'orders@acme.example', 5, '1 Main St, Springfield', 52.37, 4.89, 'true'])
  );
}
