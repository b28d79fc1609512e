// A carton label (ISO 15434 / ANSI MH10.8.2) scanned on the packing-slip review: what the page sends, what the
// server answers (the label read against the slip's supplier and PO), and how the answer fills the slip's lines.
//
//   POST /api/packing-slips/:slip_id/carton-label  { label, supplier?, slip_number?, po_number? }
//     → CartonLabel { item_id, qty (null: the label has no Q), lot, …, set_po_number, set_slip_number, notes }
//     | 422 with the reason (not a label, unknown part, another PO, a line not on the PO, another packing list)
//   applyLabel(lines, labelled, label) → { lines, index, labelled, text }
import { z } from 'zod';

/** The header as the page shows it now (it may not be saved yet); a field left out is taken from the stored slip. */
export const cartonLabelRequestSchema = z.strictObject({
  label: z.string().min(1, 'scan or type the label').max(2048),
  supplier: z.string().max(200).nullish(),
  slip_number: z.string().max(64).nullish(),
  po_number: z.string().max(64).nullish()
});
export type CartonLabelRequest = z.infer<typeof cartonLabelRequestSchema>;

export const cartonLabelSchema = z.object({
  item_id: z.string(),
  /** Q; null when the label carries no quantity (the line keeps its own). */
  qty: z.number().int().positive().nullable(),
  lot: z.string().nullable(),
  supplier_part: z.string().nullable(),
  customer_part: z.string().nullable(),
  po: z.string().nullable(),
  po_line: z.string().nullable(),
  packing_list: z.string().nullable(),
  date_code: z.string().nullable(),
  serial: z.string().nullable(),
  /** The slip names no PO (or no slip number) and the label does: the page puts it in the header. */
  set_po_number: z.string().nullable(),
  set_slip_number: z.string().nullable(),
  /** What the worker should know and the label did not make wrong ("P-1 is not on PO-000123"). */
  notes: z.array(z.string())
});
export type CartonLabel = z.infer<typeof cartonLabelSchema>;

/** A slip line as the review page edits it. */
interface Line {
  supplier_part: string | null;
  item_id: string | null;
  description: string;
  qty: number;
  unit: string | null;
  lot: string | null;
  confidence: number;
}

/**
 * The line a label goes to, and the lines after it. `labelled` holds the indexes of lines a label already filled.
 *  - a line already filled by a label of the same item and lot: the label's quantity is added to it (another carton);
 *  - else the first line for the item (or, with no item yet, for the label's supplier part) that no label has
 *    filled and whose lot is empty or the label's: filled with item, qty (when the label has Q) and lot;
 *  - else a new line.
 */
export function applyLabel<L extends Line>(
  lines: L[],
  labelled: ReadonlySet<number>,
  label: CartonLabel
): { lines: L[]; index: number; labelled: Set<number>; text: string } {
  const out = lines.map((l) => ({ ...l }));
  const done = new Set(labelled);
  const lot = label.lot;
  const what = `${label.item_id}${label.qty !== null ? ` × ${label.qty}` : ''}${lot ? `, lot ${lot}` : ''}`;
  const sameLot = (l: Line) => (l.lot ?? null) === lot;

  const more = out.findIndex((l, i) => done.has(i) && l.item_id === label.item_id && sameLot(l));
  if (more >= 0) {
    const line = out[more];
    if (label.qty !== null) line.qty = Number(line.qty) + label.qty;
    return {
      lines: out,
      index: more,
      labelled: done,
      text: `Line ${more + 1}: another carton, ${what}: now ${line.qty}.`
    };
  }

  const forItem = (l: Line) =>
    l.item_id === label.item_id ||
    (!l.item_id && !!l.supplier_part && (l.supplier_part === label.supplier_part || l.supplier_part === label.item_id));
  const fill = out.findIndex((l, i) => !done.has(i) && forItem(l) && (!l.lot || sameLot(l)));
  if (fill >= 0) {
    const line = out[fill];
    const before = Number(line.qty);
    line.item_id = label.item_id;
    if (label.qty !== null) line.qty = label.qty;
    if (lot) line.lot = lot;
    if (!line.supplier_part && label.supplier_part) line.supplier_part = label.supplier_part;
    line.confidence = 1;
    done.add(fill);
    const said = label.qty !== null && before !== label.qty ? ` (the slip said ${before})` : '';
    return { lines: out, index: fill, labelled: done, text: `Line ${fill + 1} filled from the label: ${what}${said}.` };
  }

  out.push({
    supplier_part: label.supplier_part,
    item_id: label.item_id,
    description: '',
    qty: label.qty ?? 1,
    unit: null,
    lot,
    confidence: 1
  } as L);
  const index = out.length - 1;
  done.add(index);
  return { lines: out, index, labelled: done, text: `Line ${index + 1} added from the label: ${what}.` };
}
