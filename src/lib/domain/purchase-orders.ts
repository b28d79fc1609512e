// Purchase orders: the status rules, how a receipt spreads over the lines, the quantity ordered from a signal, and
// the shapes the API and the pages share. Pure: the server enforces these rules, the form shows them.
import { z } from 'zod';
import { itemId, MAX_QTY, uuid } from './events';
import { supplierId } from './suppliers';

export const PO_STATUSES = ['DRAFT', 'SENT', 'PARTIALLY_RECEIVED', 'RECEIVED', 'CANCELLED'] as const;
export type PoStatus = (typeof PO_STATUSES)[number];

/** What a supervisor may ask for; receipts move the other statuses (PARTIALLY_RECEIVED, RECEIVED). */
export const PO_ACTIONS = { send: 'SENT', cancel: 'CANCELLED' } as const satisfies Record<string, PoStatus>;
export type PoAction = keyof typeof PO_ACTIONS;

export const PO_STATUS_LABEL: Record<PoStatus, string> = {
  DRAFT: 'Draft',
  SENT: 'Sent',
  PARTIALLY_RECEIVED: 'Partially received',
  RECEIVED: 'Received',
  CANCELLED: 'Cancelled'
};

/** The quantities a status rule looks at. */
export interface LineQty {
  qty_ordered: number;
  qty_received: number;
}

interface Refusal {
  code: 'invalid_transition' | 'not_fully_received' | 'nothing_received' | 'no_lines';
  message: string;
}

const fullyReceived = (lines: LineQty[]) => lines.length > 0 && lines.every((l) => l.qty_received >= l.qty_ordered);
const anyReceived = (lines: LineQty[]) => lines.some((l) => l.qty_received > 0);

// The edges of the lifecycle; the quantity conditions on them are checked in transitionRefusal.
const EDGES: Record<PoStatus, readonly PoStatus[]> = {
  DRAFT: ['SENT', 'CANCELLED'],
  SENT: ['PARTIALLY_RECEIVED', 'RECEIVED', 'CANCELLED'],
  PARTIALLY_RECEIVED: ['RECEIVED'],
  RECEIVED: [],
  CANCELLED: []
};

/**
 * Why a PO in status `from` with these lines may not become `to`, or null when it may. Cancelling is only for
 * orders nothing was received on yet (DRAFT or SENT); RECEIVED needs every line fully received, more is fine.
 */
export function transitionRefusal(from: PoStatus, to: PoStatus, lines: LineQty[]): Refusal | null {
  if (!EDGES[from].includes(to))
    return {
      code: 'invalid_transition',
      message:
        to === 'CANCELLED'
          ? `A ${PO_STATUS_LABEL[from].toLowerCase()} purchase order cannot be cancelled: only a draft or a sent one can.`
          : `A ${PO_STATUS_LABEL[from].toLowerCase()} purchase order cannot become ${PO_STATUS_LABEL[to].toLowerCase()}.`
    };
  if (to === 'SENT' && lines.length === 0)
    return { code: 'no_lines', message: 'A purchase order needs at least one line before it is sent.' };
  if (to === 'RECEIVED' && !fullyReceived(lines))
    return {
      code: 'not_fully_received',
      message: 'A purchase order is received only when every line is fully received.'
    };
  if (to === 'PARTIALLY_RECEIVED' && (!anyReceived(lines) || fullyReceived(lines)))
    return {
      code: fullyReceived(lines) ? 'invalid_transition' : 'nothing_received',
      message: fullyReceived(lines)
        ? 'Every line is fully received: the order is received, not partially.'
        : 'Nothing was received on this order yet.'
    };
  return null;
}

/** The actions the form offers for a PO: those whose transition the rules allow now. */
export function allowedActions(status: PoStatus, lines: LineQty[]): PoAction[] {
  return (Object.keys(PO_ACTIONS) as PoAction[]).filter(
    (a) => transitionRefusal(status, PO_ACTIONS[a], lines) === null
  );
}

/** Only a draft is edited; once sent, the supplier holds a copy. */
export const isEditable = (status: PoStatus) => status === 'DRAFT';

/** Why goods may not be received against a PO in this status, or null when they may. */
export function receiptRefusal(status: PoStatus, poNumber: string): string | null {
  switch (status) {
    case 'SENT':
    case 'PARTIALLY_RECEIVED':
      return null;
    case 'DRAFT':
      return `${poNumber} is still a draft: send it before receiving against it, or clear the PO number to receive without one.`;
    case 'RECEIVED':
      return `${poNumber} is already fully received: clear the PO number to receive this slip without it.`;
    case 'CANCELLED':
      return `${poNumber} is cancelled: clear the PO number to receive this slip without it.`;
  }
}

/** The status after a receipt raised the lines to these quantities (the caller checked receiptRefusal). */
export function statusAfterReceipt(status: PoStatus, lines: LineQty[]): PoStatus {
  if (fullyReceived(lines)) return 'RECEIVED';
  if (anyReceived(lines)) return 'PARTIALLY_RECEIVED';
  return status;
}

/** More arrived than was ordered: allowed (the goods are on the dock), and flagged for a supervisor. */
export const isOverReceived = (l: LineQty) => l.qty_received > l.qty_ordered;

interface AllocLine extends LineQty {
  line_no: number;
  item_id: string;
}

/**
 * How shipped quantities per item spread over a PO's lines: each item's lines in line order, each filled up to what
 * is still outstanding; what is left over goes on the item's last line (an over-receipt). Items not on the PO are
 * left out (they are received as stock all the same). Returns the quantity to add per line_no.
 */
export function allocateReceipt(lines: AllocLine[], shipped: Map<string, number>): Map<number, number> {
  const add = new Map<number, number>();
  const byItem = new Map<string, AllocLine[]>();
  for (const l of [...lines].sort((a, b) => a.line_no - b.line_no))
    byItem.set(l.item_id, [...(byItem.get(l.item_id) ?? []), l]);
  for (const [item, qty] of shipped) {
    const own = byItem.get(item);
    if (!own || qty <= 0) continue;
    let left = qty;
    for (const l of own) {
      const take = Math.min(left, Math.max(0, l.qty_ordered - l.qty_received));
      if (take > 0) add.set(l.line_no, take);
      left -= take;
    }
    if (left > 0) {
      const last = own[own.length - 1].line_no;
      add.set(last, (add.get(last) ?? 0) + left);
    }
  }
  return add;
}

/** A quantity rounded up to whole packs; no pack size (or 1) orders the quantity itself. */
export function roundUpToPack(qty: number, packSize: number | null | undefined): number {
  if (!packSize || packSize <= 1) return qty;
  return Math.ceil(qty / packSize) * packSize;
}

/** What a signal orders: the item's reorder quantity in whole packs, and at least one pack (or one unit). */
export function orderQtyForSignal(reorderQty: number | null, packSize: number | null | undefined): number {
  const base = reorderQty && reorderQty > 0 ? reorderQty : 1;
  return roundUpToPack(base, packSize);
}

const PO_NUMBER_DIGITS = 6;
export const formatPoNumber = (n: number) => `PO-${String(n).padStart(PO_NUMBER_DIGITS, '0')}`;

/**
 * The PO number a slip's "PO" field means, as we print it (PO-000042), or null when it is not one of ours.
 * Typed and photographed numbers lose their hyphen, gain spaces or a '#', or drop the prefix and the zeros.
 */
export function poNumberKey(text: string | null | undefined): string | null {
  const m = /^\s*(?:P\.?\s*O\.?)?\s*(?:n[or]\.?)?\s*[#:\-\s]*0*(\d{1,9})\s*$/i.exec(text ?? '');
  return m ? formatPoNumber(Number(m[1])) : null;
}

/** Received on or before the expected date, over the received orders that had one; null when none had. */
export function onTimeRate(received: { expected_date: string | null; received_on: string }[]): number | null {
  const dated = received.filter((r) => r.expected_date !== null);
  if (!dated.length) return null;
  return dated.filter((r) => r.received_on <= r.expected_date!).length / dated.length;
}

// --- Input: what a supervisor may send ---------------------------------------------------------------------------

const MAX_PO_LINES = 200;
export const MAX_PRICE = 10_000_000;

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .regex(/^[^\p{Cc}\p{Cs}]*$/u, 'must not contain control characters');

const expectedDate = z.iso
  .date({ message: 'must be a date as YYYY-MM-DD' })
  .refine((d) => d >= '2020-01-01' && d <= '2100-12-31', 'must be between 2020 and 2100');

const poLineInputSchema = z.strictObject({
  item_id: itemId,
  qty_ordered: z
    .number()
    .int('must be a whole number')
    .positive('must be greater than 0')
    .max(MAX_QTY, `must be at most ${MAX_QTY}`),
  unit: text(16).min(1, 'must not be empty').nullish(), // the item's unit when left out
  price: z.number().finite().min(0, 'must be 0 or more').max(MAX_PRICE, `must be at most ${MAX_PRICE}`).nullish(),
  signal_id: uuid.nullish()
});
export type PoLineInput = z.infer<typeof poLineInputSchema>;

const poHeader = {
  supplier_id: supplierId,
  expected_date: expectedDate.nullish(),
  note: text(500).nullish()
};

const lines = z.array(poLineInputSchema).max(MAX_PO_LINES, `must hold at most ${MAX_PO_LINES} lines`);

export const poCreateSchema = z.strictObject({ ...poHeader, lines: lines.default([]) });
export type PoCreate = z.infer<typeof poCreateSchema>;

/** A draft saved from the form: the whole header and every line, at the version the form read. */
export const poEditSchema = z.strictObject({ ...poHeader, lines, version: z.number().int().positive() });
export type PoEdit = z.infer<typeof poEditSchema>;

/** A status action carries the version the form read, so an action on a stale page is a 409, not a surprise. */
export const poActionSchema = z.strictObject({ version: z.number().int().positive() });

export const poFromSignalsSchema = z.strictObject({
  signal_ids: z
    .array(uuid)
    .min(1, 'must name at least one signal')
    .max(MAX_PO_LINES, `must name at most ${MAX_PO_LINES} signals`)
    .refine((ids) => new Set(ids.map((i) => i.toLowerCase())).size === ids.length, 'must name each signal once'),
  expected_date: expectedDate.nullish()
});

export const poListQuerySchema = z.strictObject({
  status: z.enum(PO_STATUSES).optional(),
  supplier_id: supplierId.optional(),
  overdue: z.enum(['true', 'false']).optional(),
  q: text(64).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0)
});

// --- Output: what the API answers --------------------------------------------------------------------------------

export interface PoView<D = string> {
  po_id: string;
  po_number: string;
  supplier_id: string;
  supplier_name: string | null;
  status: PoStatus;
  expected_date: string | null;
  note: string | null;
  created_by: string | null;
  created_at: D;
  updated_at: D;
  version: number;
  line_count: number;
  qty_ordered: number;
  qty_received: number;
  total_price: number | null;
  overdue: boolean; // the rule lives once, in the server's SQL (features/purchasing/orders.ts), which also filters on it
  over_received: boolean;
}

export interface PoLineView {
  line_no: number;
  item_id: string;
  description: string;
  qty_ordered: number;
  qty_received: number;
  unit: string;
  price: number | null;
  signal_id: string | null;
  over_received: boolean;
}

export interface PoHistoryView<D = string> {
  from_status: PoStatus | null;
  to_status: PoStatus;
  changed_by: string | null;
  changed_at: D;
  slip_id: string | null;
}

/** A packing slip that names the PO (linked when reviewed, parsed or received against it). */
export interface PoSlipView<D = string> {
  slip_id: string;
  slip_number: string | null;
  status: string;
  received_at: D | null;
  received_by: string | null;
  total_qty: number;
}

export interface PoDetail<D = string> extends PoView<D> {
  lines: PoLineView[];
  history: PoHistoryView<D>[];
  slips: PoSlipView<D>[];
  actions: PoAction[];
}

/** The PO a slip names, with ordered vs already received and what this slip ships per item. */
export interface SlipPoView {
  po_number_read: string; // as it stands on the slip
  po: {
    po_id: string;
    po_number: string;
    status: PoStatus;
    supplier_name: string | null;
    refusal: string | null;
  } | null; // refusal: why goods cannot be received against it now
  lines: { item_id: string; qty_ordered: number; qty_received: number; qty_shipped: number }[];
}
