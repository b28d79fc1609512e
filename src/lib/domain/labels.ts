// Printable labels: the stocks they are printed on, where each label sits on a sheet, and what each code carries.
// Pure (the server renders the PDF: server/features/labels/).
//
//   LABEL_STOCKS[id]                   a sheet: page size, columns × rows, label size, margins and pitch (PDF points)
//   labelPositions(stock, n, skip)     the box of label i on its page (PDF coordinates: origin bottom left)
//   itemCode / locationCode / supplierItemCode   → LabelCode (what bwip-js encodes, what a scanner reads back) | error
//   labelRequestSchema                 the body of POST /api/labels
//
// What goes in the code, chosen so the station resolves a printed label to what it names (src/lib/client:
// locationLabel, then parseBarcode):
//   - an item: GS1 DataMatrix (01)<GTIN-14> when it has a GTIN, a QR GS1 Digital Link https://id.gs1.org/01/<GTIN>,
//     otherwise (and in Code 128) its item id — written ITEM=<id> when the bare id would read as something else
//     (a GTIN-like number, a GS1 or location text);
//   - a location: LOC=<location_id>, the station's location label;
//   - a supplier item: an ISO 15434 / MH10.8.2 format 06 message, P <item id> and 1P <supplier part>, so the station
//     records our item and the supplier part number travels with it.
import { z } from 'zod';
import { itemId, locationId } from './events';
import { gtinKey, parseBarcode } from './barcode';
import { supplierPart } from './supplier-items';
import { supplierId } from './suppliers';

const PT_PER_IN = 72;
const PT_PER_MM = 72 / 25.4;

export interface LabelStock {
  id: string;
  name: string;
  page: { width: number; height: number };
  cols: number;
  rows: number;
  label: { width: number; height: number };
  /** Distance from the page's left and top edges to the first label's left and top edges. */
  margin: { left: number; top: number };
  /** Distance from one label's left (top) edge to the next one's. */
  pitch: { x: number; y: number };
  /** Printer dot size in points when the stock is for a thermal printer: module sizes are whole dots. */
  dot?: number;
}

const inches = (n: number) => n * PT_PER_IN;
const mm = (n: number) => n * PT_PER_MM;

export const LABEL_STOCKS = {
  'avery-5160': {
    id: 'avery-5160',
    name: 'Avery 5160 (US Letter, 30 per sheet, 2⅝ × 1 in)',
    page: { width: inches(8.5), height: inches(11) },
    cols: 3,
    rows: 10,
    label: { width: inches(2.625), height: inches(1) },
    margin: { left: inches(0.1875), top: inches(0.5) },
    pitch: { x: inches(2.75), y: inches(1) }
  },
  'avery-l7160': {
    id: 'avery-l7160',
    name: 'Avery L7160 (A4, 21 per sheet, 63.5 × 38.1 mm)',
    page: { width: mm(210), height: mm(297) },
    cols: 3,
    rows: 7,
    label: { width: mm(63.5), height: mm(38.1) },
    margin: { left: mm(7.2), top: mm(15.15) },
    pitch: { x: mm(66), y: mm(38.1) }
  },
  'thermal-4x6': {
    id: 'thermal-4x6',
    name: 'Thermal 4 × 6 in (one label per page, 203 dpi)',
    page: { width: inches(4), height: inches(6) },
    cols: 1,
    rows: 1,
    label: { width: inches(4), height: inches(6) },
    margin: { left: 0, top: 0 },
    pitch: { x: inches(4), y: inches(6) },
    dot: PT_PER_IN / 203
  }
} as const satisfies Record<string, LabelStock>;
export type LabelStockId = keyof typeof LABEL_STOCKS;
export const LABEL_STOCK_IDS = Object.keys(LABEL_STOCKS) as [LabelStockId, ...LabelStockId[]];

export const SYMBOLOGIES = ['datamatrix', 'code128', 'qr'] as const;
export type Symbology = (typeof SYMBOLOGIES)[number];

/** The most labels one request renders (20 sheets of Avery 5160). */
export const MAX_LABELS = 600;

export interface LabelBox {
  /** 0-based page. */
  page: number;
  /** Bottom-left corner in PDF points. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export const perSheet = (stock: LabelStock) => stock.cols * stock.rows;

/** Where labels 0…n-1 go: row by row, left to right, the first `skip` positions of the first sheet left blank (a
 * sheet partly used before). */
export function labelPositions(stock: LabelStock, n: number, skip = 0): LabelBox[] {
  const per = perSheet(stock);
  if (!Number.isInteger(skip) || skip < 0 || skip >= per) throw new RangeError(`skip must be 0 to ${per - 1}`);
  const out: LabelBox[] = [];
  for (let i = 0; i < n; i++) {
    const at = i + skip;
    const page = Math.floor(at / per);
    const slot = at % per;
    const col = slot % stock.cols;
    const row = Math.floor(slot / stock.cols);
    const top = stock.margin.top + row * stock.pitch.y;
    out.push({
      page,
      x: stock.margin.left + col * stock.pitch.x,
      y: stock.page.height - top - stock.label.height,
      width: stock.label.width,
      height: stock.label.height
    });
  }
  return out;
}

/** How many pages n labels take. */
export function pageCount(stock: LabelStock, n: number, skip = 0): number {
  return n === 0 ? 0 : Math.ceil((n + skip) / perSheet(stock));
}

// ---------- what each code carries ----------

export interface LabelCode {
  /** bwip-js symbology id. */
  bcid: 'code128' | 'gs1datamatrix' | 'datamatrix' | 'qrcode';
  /** What bwip-js encodes (GS1 in its (AI)data form). */
  encode: string;
  /** The text a scanner reads back, as the station's decoder emits it (GS1 DataMatrix: a leading GS). */
  scans: string;
  /** The human-readable line printed with the code. */
  human: string;
}

export type CodeResult = { ok: true; code: LabelCode } | { ok: false; error: string };

const GS = '\u001d';
const RS = '\u001e';
const EOT = '\u0004';
const ASCII = /^[\x20-\x7e]+$/;
const BCID: Record<Symbology, 'code128' | 'datamatrix' | 'qrcode'> = {
  code128: 'code128',
  datamatrix: 'datamatrix',
  qr: 'qrcode'
};

/** The text the station reads as exactly this item id: the bare id, or ITEM=<id> when the bare id means more. */
export function itemIdText(id: string): string | null {
  const bare =
    gtinKey(id) === null && !/^\d+$/.test(id) && !/^LOC\s*=/i.test(id) && !/^ITEM\s*=/i.test(id) && reads(id, id);
  if (bare) return id;
  const seed = `ITEM=${id}`;
  return reads(seed, id) ? seed : null;
}

function reads(text: string, id: string): boolean {
  const r = parseBarcode(text, { gtinToItem: () => undefined });
  return r.ok && (r.format === 'item' || r.format === 'seed') && r.item_id === id && r.qty === 1;
}

export function itemCode(item: { item_id: string; gtin?: string | null }, symbology: Symbology): CodeResult {
  const gtin = item.gtin ? gtinKey(item.gtin) : null;
  if (gtin && symbology === 'datamatrix')
    return ok({ bcid: 'gs1datamatrix', encode: `(01)${gtin}`, scans: `${GS}01${gtin}`, human: `(01) ${gtin}` });
  if (gtin && symbology === 'qr') {
    const url = `https://id.gs1.org/01/${gtin}`;
    return ok({ bcid: 'qrcode', encode: url, scans: url, human: `(01) ${gtin}` });
  }
  if (!ASCII.test(item.item_id))
    return fail(`Item ${item.item_id}: its code has characters a barcode label cannot carry; give it a GTIN.`);
  const text = itemIdText(item.item_id);
  if (!text) return fail(`Item ${item.item_id}: the station would not read its code back as this item.`);
  return ok({ bcid: BCID[symbology], encode: text, scans: text, human: item.item_id });
}

export function locationCode(location_id: string, symbology: Symbology): CodeResult {
  // The station's location label: LOC=<id>, the id printable ASCII without spaces (known-items.ts locationLabel).
  if (!/^[\x21-\x7e]{1,64}$/.test(location_id))
    return fail(`Location ${location_id}: a location label carries ASCII letters, digits and marks only, no spaces.`);
  const text = `LOC=${location_id}`;
  return ok({ bcid: BCID[symbology], encode: text, scans: text, human: location_id });
}

export function supplierItemCode(row: { supplier_part: string; item_id: string }, symbology: Symbology): CodeResult {
  const name = `Supplier part ${row.supplier_part}`;
  if (!ASCII.test(row.supplier_part) || !ASCII.test(row.item_id))
    return fail(`${name}: it or its item has characters a barcode label cannot carry.`);
  const text = `[)>${RS}06${GS}P${row.item_id}${GS}1P${row.supplier_part}${RS}${EOT}`;
  const r = parseBarcode(text);
  if (!r.ok || r.item_id !== row.item_id || r.supplier_part !== row.supplier_part)
    return fail(`${name}: the station would not read it back as item ${row.item_id}.`);
  return ok({ bcid: BCID[symbology], encode: text, scans: text, human: row.supplier_part });
}

function ok(code: LabelCode): CodeResult {
  return { ok: true, code };
}
function fail(error: string): CodeResult {
  return { ok: false, error };
}

// ---------- the request ----------

const common = {
  stock: z.enum(LABEL_STOCK_IDS),
  symbology: z.enum(SYMBOLOGIES).optional(),
  copies: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be 1 or more')
    .max(100, 'must be at most 100')
    .default(1),
  /** Positions left blank at the start of the first sheet (a sheet partly used before). */
  skip: z.number().int('must be a whole number').min(0, 'must be 0 or more').max(29, 'must be at most 29').default(0)
};
const list = <T extends z.ZodType>(of: T) =>
  z.array(of).min(1, 'must name at least one').max(MAX_LABELS, `must name at most ${MAX_LABELS}`);

export const labelRequestSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('item'), item_ids: list(itemId), ...common }),
    z.strictObject({ kind: z.literal('location'), location_ids: list(locationId), ...common }),
    z.strictObject({
      kind: z.literal('supplier_item'),
      supplier_items: list(z.strictObject({ supplier_id: supplierId, supplier_part: supplierPart })),
      ...common
    })
  ])
  .superRefine((r, ctx) => {
    const per = perSheet(LABEL_STOCKS[r.stock]);
    if (r.skip >= per)
      ctx.addIssue({ code: 'custom', path: ['skip'], message: `must be less than ${per} on ${r.stock}` });
    const n = (r.kind === 'item' ? r.item_ids : r.kind === 'location' ? r.location_ids : r.supplier_items).length;
    if (n * r.copies > MAX_LABELS)
      ctx.addIssue({
        code: 'custom',
        path: ['copies'],
        message: `${n} × ${r.copies} copies is ${n * r.copies} labels, more than ${MAX_LABELS} at once`
      });
  });
export type LabelRequest = z.infer<typeof labelRequestSchema>;

/** The symbology a kind gets when the request names none. */
export const DEFAULT_SYMBOLOGY: Record<LabelRequest['kind'], Symbology> = {
  item: 'datamatrix',
  location: 'code128',
  supplier_item: 'datamatrix'
};
