// Barcode text → what a scan means. Pure and shared by the tablet (camera, wedge, manual entry) and the server.
//
//   parseBarcode(raw, { defaultQty, gtinToItem, supplierPartToItem, today }) → { ok: true, format, item_id?, gtin?,
//     qty, lot?, expiry?, serial?, sscc?, dates?, broken_rules?, … } | { ok: false, error }
//
// Accepted texts:
//   - the seed format `ITEM=<item_id>;QTY=<n>` (keys in any case and order, QTY optional);
//   - GS1 element strings (GS1-128, GS1 DataMatrix, GS1 QR): marked by a symbology identifier (`]C1`, `]d2`,
//     `]Q3`, `]e0`, `]J1`), by a leading GS (0x1D, as @zxing/library emits for DataMatrix FNC1), in human-readable
//     form `(01)…(10)…` ("\(" for a literal bracket), or unmarked when the text opens with a whole,
//     check-digit-valid AI 00/01/02 field. Checked to the letter by gs1.ts against the AI table (gs1-ai-table.ts);
//   - GS1 Digital Link URIs (digital-link.ts); any other web address is refused, never taken for an item code;
//   - ISO 15434 carton labels `[)>␞06␝P…␝1P…␝Q…␞␄` (mh10.ts), and the GS1 format 05 in the same envelope;
//   - a bare GTIN (EAN-8, UPC-A, EAN-13, GTIN-14 with a valid check digit) that gtinToItem knows;
//   - anything else is a bare item code, qty = defaultQty (1 unless the caller passes the last quantity entered).
// Wrong data (check digit, date, length, character set) is refused with the rule named. Data that is right but breaks
// a GS1 association rule (01 with 37, say) is accepted with `broken_rules` listing them: the event is flagged.
// An ok result always names an item when gtinToItem (or supplierPartToItem) was given; without it (pure parsing) a
// GS1 code may come back with only a gtin/sscc. A text that cannot become a valid scan gives { ok: false, error } with
// a message a line worker can act on; never an event.
import { MAX_QTY } from './event-limits';
import { parseDigitalLink } from './digital-link';
import { checkDigitOk, checkElements, GS, printable, splitBracketed, splitElementString, type Gs1Element } from './gs1';
import { isEnvelope, parseEnvelope } from './mh10';

export { checkDigitOk, GS };
const MAX_ITEM_ID = 64;
const MAX_LOT = 64;

export type BarcodeFormat = 'seed' | 'item' | 'gtin' | 'gs1' | 'digital_link' | 'mh10';

export interface ParsedBarcode {
  format: BarcodeFormat;
  item_id?: string;
  /** GTIN-14 (AI 01, or AI 02 for the trade items contained in a logistic unit), zero-padded. */
  gtin?: string;
  qty: number;
  lot?: string;
  /** ISO date YYYY-MM-DD (AI 17, else the date of 7003); a GS1 day 00 means the last day of that month. */
  expiry?: string;
  serial?: string;
  sscc?: string;
  /** Other GS1 dates by AI (11 production, 13 packaging, 15 best before, 16 sell by, 7003 …): ISO dates/times. */
  dates?: Record<string, string>;
  /** GS1 association rules the code breaks ("(01) and (37) may not be used together"): flag the event. */
  broken_rules?: string[];
  /** Well-formed AIs this table does not know: kept out of the meaning, listed so nothing is hidden. */
  unknown_ais?: string[];
  /** ISO 15434 / MH10.8.2 carton label fields. */
  customer_part?: string;
  supplier_part?: string;
  /** YYWW (9D / 10D). */
  date_code?: string;
  po?: string;
  po_line?: string;
  packing_list?: string;
}

export type BarcodeResult = ({ ok: true } & ParsedBarcode) | { ok: false; error: string };

interface ParseOptions {
  /** Quantity for codes that carry none: 1, or the last quantity the worker entered. */
  defaultQty?: number;
  /** GTIN-14 (see gtinKey) → item_id, from the items table; undefined/null when unknown. */
  gtinToItem?: (gtin14: string) => string | null | undefined;
  /** A supplier's part number (MH10 1P) → item_id, from the supplier items; undefined/null when unknown. */
  supplierPartToItem?: (supplierPart: string) => string | null | undefined;
  /** The reference date for the century of two-digit GS1 years (the device clock, passed in: the domain has none).
   * A code carrying a GS1 date is refused without it. */
  today?: Date;
}

/** A lookup for parseBarcode from rows of the items table (as /api/sync/snapshot returns them). */
export function gtinLookup(
  items: Iterable<{ item_id: string; gtin?: string | null }>
): (gtin14: string) => string | undefined {
  // Keyed by the 14-digit form, so a UPC-A stored as 12 digits and read as EAN-13 (a leading 0) is one GTIN. Two
  // items holding forms of the same GTIN (items.gtin is stored as typed) map to neither: never a wrong item.
  const map = new Map<string, string | null>();
  for (const it of items) {
    const key = it.gtin ? gtinKey(it.gtin) : null;
    if (!key) continue;
    const before = map.get(key);
    map.set(key, before === undefined || before === it.item_id ? it.item_id : null);
  }
  return (g) => map.get(g) ?? undefined;
}

/** A lookup for parseBarcode's supplierPartToItem from supplier part → item rows (as /api/sync/snapshot returns them).
 * A part listed for two items maps to neither: never a wrong item. */
export function supplierPartLookup(
  rows: Iterable<{ supplier_part: string; item_id: string }>
): (supplierPart: string) => string | undefined {
  const map = new Map<string, string | null>();
  for (const r of rows) {
    const before = map.get(r.supplier_part);
    map.set(r.supplier_part, before === undefined || before === r.item_id ? r.item_id : null);
  }
  return (p) => map.get(p) ?? undefined;
}

/** A GTIN-8/12/13/14 as the 14 digits GS1 AI 01 carries; null when it is not one (length or check digit). */
export function gtinKey(gtin: string): string | null {
  const g = gtin.trim();
  if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(g) || !checkDigitOk(g)) return null;
  return g.padStart(14, '0');
}

export function parseBarcode(raw: string, options: ParseOptions = {}): BarcodeResult {
  const defaultQty = options.defaultQty ?? 1;
  if (!validQty(defaultQty))
    return fail(`The default quantity ${defaultQty} is not a whole number from 1 to ${MAX_QTY.toLocaleString('en')}.`);
  if (typeof raw !== 'string' || raw.length === 0) return fail('The barcode is empty.');
  if (raw.length > 2048) return fail('The barcode is too long (more than 2048 characters).');

  // Leading whitespace and a wedge's CR/LF at the end are never data; anything else inside GS1 data is kept, so a
  // space in a lot is refused by the character set rather than trimmed away.
  const body = raw.replace(/^[ \t\r\n]+/, '').replace(/[\r\n]+$/, '');
  if (isEnvelope(body)) return fromEnvelope(body, defaultQty, options);
  const gs1 = gs1Elements(body);
  if (gs1 !== null) return typeof gs1 === 'string' ? fail(gs1) : fromGs1(gs1, 'gs1', defaultQty, options);

  let text = raw.trim();
  if (text.length === 0) return fail('The barcode is empty.');
  if (SYMBOLOGY_ID.test(text)) text = text.slice(3).trim(); // ]C0, ]E0, ]Q1…: plain data follows
  if (text.length === 0) return fail('The barcode is empty.');
  if (/^https?:\/\//i.test(text)) {
    const dl = parseDigitalLink(text);
    if (!dl) return fail(`"${printable(text)}" is a web address, not a GS1 Digital Link: it names no item.`);
    return dl.ok ? fromGs1(dl.elements, 'digital_link', defaultQty, options) : fail(dl.error);
  }
  if (text.length > 512) return fail('The barcode is too long (more than 512 characters).');
  if (/^ITEM\s*=/i.test(text) || /^QTY\s*=/i.test(text)) return fromSeed(text, defaultQty);

  const key = options.gtinToItem ? gtinKey(text) : null;
  const item = key ? options.gtinToItem!(key) : null;
  if (key && item) return withItem({ format: 'gtin', gtin: key, qty: defaultQty }, item);

  const bad = itemIdProblem(text);
  if (bad) return fail(`"${printable(text)}" is not an item code: it ${bad}.`);
  return { ok: true, format: 'item', item_id: text, qty: defaultQty };
}

// ---------- seed format ----------

function fromSeed(text: string, defaultQty: number): BarcodeResult {
  const fields = new Map<string, string>();
  for (const part of text.split(';')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0)
      return fail(`"${printable(part)}" in "${printable(text)}" is not KEY=value: expected ITEM=<item>;QTY=<n>.`);
    const key = part.slice(0, eq).trim().toUpperCase();
    if (key !== 'ITEM' && key !== 'QTY')
      return fail(`Unknown field "${printable(part.slice(0, eq))}": expected ITEM=<item>;QTY=<n>.`);
    if (fields.has(key)) return fail(`${key} appears twice in "${printable(text)}".`);
    fields.set(key, part.slice(eq + 1).trim());
  }
  const item = fields.get('ITEM');
  if (item === undefined) return fail(`"${printable(text)}" has no ITEM=: expected ITEM=<item>;QTY=<n>.`);
  const bad = itemIdProblem(item);
  if (bad) return fail(`The item code in "${printable(text)}" ${bad}.`);
  const qtyText = fields.get('QTY');
  let qty = defaultQty;
  if (qtyText !== undefined) {
    const n = parseCount(qtyText);
    if (n === null)
      return fail(`QTY "${printable(qtyText)}" is not a whole number from 1 to ${MAX_QTY.toLocaleString('en')}.`);
    qty = n;
  }
  return { ok: true, format: 'seed', item_id: item, qty };
}

// ---------- GS1 element strings, GS1 Digital Link, ISO 15434 carton labels ----------

// Symbology identifiers (ISO/IEC 15424) that announce GS1 data, and the ones that announce plain data.
const GS1_PREFIXES = [']C1', ']d2', ']Q3', ']e0', ']J1'];
const SYMBOLOGY_ID = /^\][A-Za-z][0-9A-Za-z]/;

/** The elements of a GS1 text, an error, or null when the text is not GS1. */
function gs1Elements(raw: string): Gs1Element[] | string | null {
  const prefix = raw.slice(0, 3);
  if (GS1_PREFIXES.includes(prefix)) return splitElementString(stripLeadingGs(raw.slice(3)));
  if (raw.startsWith(GS)) return splitElementString(stripLeadingGs(raw));
  const text = SYMBOLOGY_ID.test(raw) ? raw.slice(3) : raw;
  if (/^\(\d{2,4}\)/.test(text)) return splitBracketed(text);
  // Unmarked (a wedge scanner that drops the prefix, a Code 128 read without ASSUME_GS1): only when it opens with a
  // whole AI 00/01/02 field whose check digit holds, which no plausible item code does by chance.
  const m = /^(00\d{18}|0[12]\d{14})/.exec(text);
  if (
    m &&
    checkDigitOk(m[1].slice(2)) &&
    (text.length === m[1].length || /^\d{2}/.test(text.slice(m[1].length)) || text[m[1].length] === GS)
  )
    return splitElementString(text);
  return null;
}

function stripLeadingGs(s: string): string {
  let i = 0;
  while (s[i] === GS) i++;
  return s.slice(i);
}

// The date AIs other than expiry (17), reported in `dates` by AI.
const DATE_AIS = new Set([
  '11',
  '12',
  '13',
  '15',
  '16',
  '4324',
  '4325',
  '4326',
  '7003',
  '7006',
  '7007',
  '7011',
  '8008'
]);

function fromGs1(
  elements: Gs1Element[],
  format: BarcodeFormat,
  defaultQty: number,
  options: ParseOptions
): BarcodeResult {
  // No clock here: a code carrying a two-digit-year date is refused unless the caller passes `today`.
  const checked = checkElements(elements, options.today);
  if (!checked.ok) return fail(checked.error);
  const els = new Map(checked.elements.map((e) => [e.ai, e]));
  const data = (ai: string) => els.get(ai)?.data;
  const r: ParsedBarcode = { format, qty: defaultQty };

  const sscc = data('00');
  if (sscc !== undefined) r.sscc = sscc;
  const gtins = ['01', '02', '03'].filter((ai) => els.has(ai));
  // Two GTINs: which one names the item is not clear, so this broken rule refuses the code rather than flags it.
  if (gtins.length > 1)
    return fail(
      `${gtins.map((ai) => `(${ai})`).join(' and ')} may not be used together: the code names two trade items.`
    );
  if (gtins.length) r.gtin = data(gtins[0]);
  const lot = data('10');
  if (lot !== undefined) {
    if (lot.length > MAX_LOT) return fail(`The lot is longer than ${MAX_LOT} characters.`);
    r.lot = lot;
  }
  const expiry = els.get('17')?.iso ?? els.get('7003')?.iso?.slice(0, 10);
  if (expiry !== undefined) r.expiry = expiry;
  const serial = data('21');
  if (serial !== undefined) r.serial = serial;
  const dates: Record<string, string> = {};
  for (const e of checked.elements) if (DATE_AIS.has(e.ai) && e.iso) dates[e.ai] = e.iso;
  if (Object.keys(dates).length) r.dates = dates;

  const counts = ['30', '37'].filter((ai) => els.has(ai)).map((ai) => ({ ai, n: parseCount(data(ai)!) }));
  for (const c of counts)
    if (c.n === null)
      return fail(`(${c.ai}) count "${data(c.ai)}" is not a whole number from 1 to ${MAX_QTY.toLocaleString('en')}.`);
  if (counts.length === 2 && counts[0].n !== counts[1].n)
    return fail(`The GS1 counts disagree: (30) ${counts[0].n} and (37) ${counts[1].n}.`);
  if (counts.length) r.qty = counts[0].n!;
  const unknown = checked.elements.filter((e) => !e.known).map((e) => e.ai);
  if (unknown.length) r.unknown_ais = unknown;
  if (checked.broken_rules.length) r.broken_rules = checked.broken_rules;

  if (!options.gtinToItem) {
    if (!r.gtin && !r.sscc) return fail('The GS1 barcode carries no GTIN or SSCC, so it names no item.');
    return { ok: true, ...r };
  }
  if (!r.gtin) {
    return fail(
      r.sscc
        ? `The SSCC ${r.sscc} identifies a pallet or parcel, not an item: scan the item's own barcode.`
        : 'The GS1 barcode carries no GTIN, so it names no item.'
    );
  }
  const item = options.gtinToItem(r.gtin);
  if (!item)
    return fail(
      `GTIN ${r.gtin} is not linked to any item: link it on the Items page, or sync to get the latest items.`
    );
  return withItem(r, item);
}

function fromEnvelope(text: string, defaultQty: number, options: ParseOptions): BarcodeResult {
  const env = parseEnvelope(text)!;
  if (!env.ok) return fail(env.error);
  if (env.format === '05') {
    const els = splitElementString(env.body);
    return typeof els === 'string' ? fail(els) : fromGs1(els, 'gs1', defaultQty, options);
  }
  const f = env.fields;
  const r: ParsedBarcode = { format: 'mh10', qty: f.qty ?? defaultQty };
  if (!validQty(r.qty))
    return fail(`The carton label's quantity ${r.qty} is more than ${MAX_QTY.toLocaleString('en')}.`);
  for (const k of [
    'customer_part',
    'supplier_part',
    'lot',
    'date_code',
    'po',
    'po_line',
    'packing_list',
    'serial'
  ] as const)
    if (f[k] !== undefined) r[k] = f[k];
  const viaSupplier =
    f.supplier_part !== undefined ? (options.supplierPartToItem?.(f.supplier_part) ?? undefined) : undefined;
  if (f.customer_part !== undefined) {
    const bad = itemIdProblem(f.customer_part);
    if (bad) return fail(`The customer part (P) on the carton label ${bad}.`);
    if (viaSupplier && viaSupplier !== f.customer_part)
      return fail(
        `The carton label's part (P) ${f.customer_part} and supplier part (1P) ${f.supplier_part} name different items (${viaSupplier}).`
      );
    return { ok: true, ...r, item_id: f.customer_part };
  }
  if (viaSupplier) return withItem(r, viaSupplier);
  if (options.gtinToItem || options.supplierPartToItem) {
    return fail(
      f.supplier_part !== undefined
        ? `Supplier part ${f.supplier_part} is not linked to any item: add it to the supplier's items, or sync to get the latest.`
        : 'The carton label has no part number (P or 1P), so it names no item.'
    );
  }
  return { ok: true, ...r };
}

// ---------- shared checks ----------

function withItem(r: ParsedBarcode, item: string): BarcodeResult {
  const bad = itemIdProblem(item);
  const via = r.gtin ? `GTIN ${r.gtin}` : `supplier part ${r.supplier_part}`;
  if (bad) return fail(`The item linked to ${via} has an invalid code: it ${bad}.`);
  return { ok: true, ...r, item_id: item };
}

/** Why a text cannot be an item_id (events.ts: 1–64 printable characters), or null. */
function itemIdProblem(s: string): string | null {
  if (s.trim().length === 0) return 'is empty';
  if (s !== s.trim()) return 'has spaces at its ends';
  if ([...s].length > MAX_ITEM_ID) return `is longer than ${MAX_ITEM_ID} characters`;
  if (/[\p{Cc}\p{Cs}]/u.test(s)) return 'contains control characters';
  return null;
}

function parseCount(s: string): number | null {
  if (!/^\d{1,8}$/.test(s)) return null;
  const n = Number(s);
  return validQty(n) ? n : null;
}

function validQty(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= MAX_QTY;
}

function fail(error: string): BarcodeResult {
  return { ok: false, error };
}

/** The GS1 association rules a scanned code breaks ("(01) and (37) may not be used together"), read as the station
 * read it on `today` (the scan's own time): what the server flags the event with. null: none broken, or no GS1 code. */
export function brokenRules(raw: string | null | undefined, today: Date): string[] | null {
  if (!raw || Number.isNaN(today.getTime())) return null;
  const r = parseBarcode(raw, { today });
  return r.ok && r.broken_rules?.length ? r.broken_rules : null;
}
