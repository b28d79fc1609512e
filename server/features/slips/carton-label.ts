// A carton label scanned on a packing slip's review, read against the slip: the item from P (our part) or from 1P
// through the slip's supplier's supplier items, Q, 1T, and K / 4K / 11K checked against the slip's PO and number.
// Nothing is written: the page fills the line and saves with its review. A label that would put a wrong item, PO or
// shipment on the slip is refused with the reason; what it only adds to the slip (a PO or slip number the slip
// lacks, an item the PO did not order) is said in notes.
import type { Queryable } from '../../db/connect';
import { parseBarcode } from '#domain/barcode';
import type { CartonLabel, CartonLabelRequest } from '#domain/carton-label';
import { fromKeyboard, parseEnvelope } from '#domain/mh10';
import { poNumberKey } from '#domain/purchase-orders';
import { ApiError } from '../../http/errors';
import { findSlip } from './slips';

const refuse = (code: string, message: string) => new ApiError(422, code, message);

/** PO numbers as one key: ours in their canonical form ("PO-000123" for "PO 123"), any other trimmed, upper-case. */
const poKey = (s: string) => poNumberKey(s) ?? s.trim().toUpperCase();
/** Packing list / slip numbers: letters and digits only, upper-case, leading zeros dropped ("PL-0055" = "pl55"). */
const slipKey = (s: string) =>
  s
    .toUpperCase()
    .replace(/[^0-9A-Z]/g, '')
    .replace(/(^|[A-Z])0+(?=\d)/g, '$1');

interface Po {
  po_id: string;
  po_number: string;
  supplier_id: string;
}

export async function readCartonLabel(sql: Queryable, slipId: string, req: CartonLabelRequest): Promise<CartonLabel> {
  const slip = await findSlip(sql, slipId);
  if (!slip) throw new ApiError(404, 'not_found', `No packing slip ${slipId}.`);
  if (slip.status === 'received')
    throw new ApiError(409, 'already_received', 'This slip is received; its lines can no longer change.');
  const header = (k: 'supplier' | 'slip_number' | 'po_number') => {
    const v = req[k] !== undefined ? req[k] : slip[k];
    return v && v.trim() ? v.trim() : null;
  };
  const supplier = header('supplier');
  const slipNumber = header('slip_number');
  const slipPo = header('po_number');

  const typed = fromKeyboard(req.label);
  if (!typed)
    throw refuse(
      'not_a_carton_label',
      'That is not a carton label: an ISO 15434 / MH10.8.2 label starts with "[)>". Scan the DataMatrix on the carton or reel.'
    );
  if (!typed.ok) throw refuse('unreadable_label', typed.error);
  const env = parseEnvelope(typed.text)!;
  if (!env.ok) throw refuse('unreadable_label', env.error);
  if (env.format !== '06')
    throw refuse(
      'unreadable_label',
      'This carton label holds GS1 data (format 05), not MH10 fields: receive it at the station, or enter the line by hand.'
    );
  const f = env.fields;

  // The PO the label is checked against: the slip's, else the label's own when the slip names none.
  const labelPo = f.po ? poKey(f.po) : null;
  if (labelPo && slipPo && labelPo !== poKey(slipPo))
    throw refuse(
      'wrong_po',
      `This carton is for PO ${f.po}, but the slip is against ${slipPo}: it belongs to another order. Nothing was filled.`
    );
  const poNumber = slipPo ?? f.po ?? null;
  const [po] = poNumber
    ? await sql<Po[]>`
        SELECT po_id::text, po_number, supplier_id FROM purchase_orders WHERE po_number = ${poNumberKey(poNumber) ?? ''}`
    : [];

  // 1P through the supplier items of the slip's supplier (as printed, or the supplier of its PO).
  let viaSupplier: string | undefined;
  if (f.supplier_part !== undefined) {
    const rows = await sql<{ item_id: string; supplier: string }[]>`
      SELECT si.item_id, si.supplier FROM supplier_items si
      WHERE si.supplier_part = ${f.supplier_part}
        AND (${supplier === null && !po}::boolean
          OR si.supplier = ${supplier ?? ''}
          OR si.supplier_id IN (SELECT s.supplier_id FROM suppliers s WHERE s.name = ${supplier ?? ''})
          OR si.supplier_id = ${po?.supplier_id ?? ''})`;
    const items = [...new Set(rows.map((r) => r.item_id))];
    if (items.length > 1)
      throw refuse(
        'ambiguous_part',
        `Supplier part ${f.supplier_part} names ${items.join(' and ')} for different suppliers, and the slip names no supplier: enter the supplier first.`
      );
    viaSupplier = items[0];
  }
  const parsed = parseBarcode(typed.text, { supplierPartToItem: () => viaSupplier });
  if (!parsed.ok)
    throw refuse(
      f.supplier_part !== undefined && !viaSupplier && f.customer_part === undefined
        ? 'unknown_part'
        : 'unreadable_label',
      parsed.error.replace(
        /, or sync to get the latest\.$/,
        supplier ? ` of ${supplier}.` : ': enter the slip’s supplier, or add the part to its supplier items.'
      )
    );
  const itemId = parsed.item_id!;
  const [item] = await sql`SELECT 1 FROM items WHERE item_id = ${itemId}`;
  if (!item)
    throw refuse(
      'unknown_part',
      `Part ${itemId} on the label is not one of our items: check the label, or add the item first.`
    );

  const notes: string[] = [];
  if (f.po_line !== undefined) {
    if (!po) notes.push(`PO line ${f.po_line} is not checked: ${poNumber ?? 'no PO'} is not one of our orders.`);
    else {
      const lineNo = /^\d{1,6}$/.test(f.po_line) ? Number(f.po_line) : NaN;
      const [line] = Number.isFinite(lineNo)
        ? await sql<{ item_id: string }[]>`
            SELECT item_id FROM purchase_order_lines WHERE po_id = ${po.po_id}::uuid AND line_no = ${lineNo}`
        : [];
      if (!line)
        throw refuse(
          'po_line_unknown',
          `The label names line ${f.po_line} of ${po.po_number}, and ${po.po_number} has no such line. Nothing was filled.`
        );
      if (line.item_id !== itemId)
        throw refuse(
          'po_line_mismatch',
          `The label names line ${f.po_line} of ${po.po_number}, which orders ${line.item_id}, but its part is ${itemId}. Nothing was filled.`
        );
    }
  } else if (po) {
    const [onPo] =
      await sql`SELECT 1 FROM purchase_order_lines WHERE po_id = ${po.po_id}::uuid AND item_id = ${itemId} LIMIT 1`;
    if (!onPo) notes.push(`${itemId} is not on ${po.po_number}.`);
  }
  if (f.packing_list !== undefined && slipNumber && slipKey(f.packing_list) !== slipKey(slipNumber))
    throw refuse(
      'wrong_packing_list',
      `This carton is on packing list ${f.packing_list}, but this slip is ${slipNumber}: it came with another shipment. Nothing was filled.`
    );
  const setPo = !slipPo && f.po ? (po?.po_number ?? f.po) : null;
  if (setPo) notes.push(`The slip named no PO: ${setPo} from the label.`);
  const setSlip = !slipNumber && f.packing_list ? f.packing_list : null;
  if (setSlip) notes.push(`The slip had no number: ${setSlip} (packing list) from the label.`);

  return {
    item_id: itemId,
    qty: f.qty ?? null,
    lot: f.lot ?? null,
    supplier_part: f.supplier_part ?? null,
    customer_part: f.customer_part ?? null,
    po: f.po ?? null,
    po_line: f.po_line ?? null,
    packing_list: f.packing_list ?? null,
    date_code: f.date_code ?? null,
    serial: f.serial ?? null,
    set_po_number: setPo,
    set_slip_number: setSlip,
    notes
  };
}
