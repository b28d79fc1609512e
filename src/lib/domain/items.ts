// The item master's editable fields: one schema for the grid's cells, the CSV import and the server.
import { z } from 'zod';
import { gtinKey } from './barcode';
import { MAX_QTY, itemId } from './events';

const noControl = /^[^\p{Cc}\p{Cs}]*$/u;

/** Whether the station asks for a lot or a serial when a scan of the item carries none: the grid and the CSV set it. */
export const TRACKING = ['none', 'lot', 'serial'] as const;
export type Tracking = (typeof TRACKING)[number];
export const trackingSchema = z.enum(TRACKING, { error: 'must be none, lot or serial' });

/** Reorder point and quantity: whole numbers, or empty (null: the item is not replenished by signals). */
const quantity = z
  .number()
  .int('must be a whole number')
  .min(0, 'must be 0 or more')
  .max(MAX_QTY, `must be at most ${MAX_QTY}`)
  .nullable();

export const itemFields = {
  description: z
    .string()
    .max(200, 'must be at most 200 characters')
    .regex(noControl, 'must not contain control characters'),
  unit: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(16, 'must be at most 16 characters')
    .regex(noControl, 'must not contain control characters'),
  reorder_point: quantity,
  reorder_qty: quantity,
  gtin: z
    .string()
    .trim()
    .refine((g) => gtinKey(g) !== null, 'must be a GTIN-8, -12, -13 or -14 with a valid check digit')
    .nullable(),
  active: z.boolean(),
  tracking: trackingSchema
};
export type ItemField = keyof typeof itemFields;
export const ITEM_FIELDS = Object.keys(itemFields) as ItemField[];

/** The item CSV's fields: the grid's (tracking's empty cell is none). */
export const IMPORT_FIELDS = ITEM_FIELDS;
export type ImportField = ItemField;
export type ImportValues = Omit<ItemValues, 'item_id' | 'tracking'> & { tracking: Tracking };

/** A CSV cell to its value, by the grid's rules. */
export function parseImportCell(
  field: ImportField,
  input: string
): { ok: true; value: ImportValues[ImportField] } | { ok: false; message: string } {
  return parseCell(field, input) as { ok: true; value: ImportValues[ImportField] } | { ok: false; message: string };
}

// Tracking may be left out of a save (a page or client older than the column): the item keeps what it has.
export const itemValuesSchema = z.strictObject({
  item_id: itemId,
  ...itemFields,
  tracking: trackingSchema.optional()
});
export type ItemValues = z.infer<typeof itemValuesSchema>;

/** A grid row saved: every editable value and the version the editor started from. */
export const itemEditSchema = itemValuesSchema.extend({ version: z.number().int().positive() });
export type ItemEdit = z.infer<typeof itemEditSchema>;

export const MAX_ITEMS_PER_SAVE = 1000;
export const itemsSaveSchema = z.strictObject({
  rows: z
    .array(itemEditSchema)
    .min(1, 'must hold at least one row')
    .max(MAX_ITEMS_PER_SAVE, `must hold at most ${MAX_ITEMS_PER_SAVE} rows`)
    .refine((rows) => new Set(rows.map((r) => r.item_id)).size === rows.length, 'must name each item once')
});

export type CellResult = { ok: true; value: ItemValues[ItemField] } | { ok: false; message: string };

/** A cell as typed (text, or a checkbox's boolean) to its value, by the same rules the server applies. */
export function parseCell(field: ItemField, input: string | boolean): CellResult {
  let value: unknown = input;
  if (field === 'reorder_point' || field === 'reorder_qty') {
    const t = String(input).trim();
    value = t === '' ? null : /^[+-]?\d+(\.\d+)?$/.test(t) ? Number(t) : NaN;
    if (Number.isNaN(value)) return { ok: false, message: 'must be a whole number' };
  } else if (field === 'gtin') {
    const t = String(input).trim();
    value = t === '' ? null : t;
  } else if (field === 'tracking') {
    value = String(input).trim().toLowerCase() || 'none';
  } else if (field === 'active') {
    value =
      typeof input === 'boolean'
        ? input
        : /^(true|yes|1|y)$/i.test(String(input).trim())
          ? true
          : /^(false|no|0|n)$/i.test(String(input).trim())
            ? false
            : input;
  }
  const parsed = (itemFields[field] as z.ZodType).safeParse(value);
  return parsed.success
    ? { ok: true, value: parsed.data as ItemValues[ItemField] }
    : { ok: false, message: parsed.error.issues[0].message };
}
