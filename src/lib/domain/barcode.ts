// Barcode text → what a scan means. Pure and shared by the tablet (camera, wedge, manual entry) and the server.
//
//   parseBarcode(raw, { defaultQty, gtinToItem, today }) → { ok: true, item_id?, gtin?, qty, lot?, expiry?,
//     serial?, sscc?, format } | { ok: false, error }
//
// Accepted texts:
//   - the seed format `ITEM=<item_id>;QTY=<n>` (keys in any case and order, QTY optional);
//   - GS1 element strings (GS1-128, GS1 DataMatrix, GS1 QR): marked by a symbology identifier (`]C1`, `]d2`,
//     `]Q3`, `]e0`, `]J1`), by a leading GS (0x1D, as @zxing/library emits for DataMatrix FNC1), in human-readable
//     form `(01)…(10)…`, or unmarked when the text opens with a whole, check-digit-valid AI 00/01/02 field;
//   - a bare GTIN (EAN-8, UPC-A, EAN-13, GTIN-14 with a valid check digit) that gtinToItem knows;
//   - anything else is a bare item code, qty = defaultQty (1 unless the caller passes the last quantity entered).
// An ok result always names an item when gtinToItem was given; without it (pure parsing) a GS1 code may come back
// with only a gtin/sscc. A text that cannot become a valid scan gives { ok: false, error } with a message a line
// worker can act on; never an event.
import { MAX_QTY } from './events';

export const GS = '\u001d';
export const MAX_ITEM_ID = 64;
export const MAX_LOT = 64;

export type BarcodeFormat = 'seed' | 'item' | 'gtin' | 'gs1';

export interface ParsedBarcode {
  format: BarcodeFormat;
  item_id?: string;
  /** GTIN-14 (AI 01, or AI 02 for the trade items contained in a logistic unit), zero-padded. */
  gtin?: string;
  qty: number;
  lot?: string;
  /** ISO date YYYY-MM-DD; a GS1 day 00 means the last day of that month. */
  expiry?: string;
  serial?: string;
  sscc?: string;
}

export type BarcodeResult = ({ ok: true } & ParsedBarcode) | { ok: false; error: string };

export interface ParseOptions {
  /** Quantity for codes that carry none: 1, or the last quantity the worker entered. */
  defaultQty?: number;
  /** GTIN-14 (see gtinKey) → item_id, from the items table; undefined/null when unknown. */
  gtinToItem?: (gtin14: string) => string | null | undefined;
  /** For the GS1 century of a two-digit expiry year; defaults to now. */
  today?: Date;
}

/** A lookup for parseBarcode from rows of the items table (as /api/sync/snapshot returns them). */
export function gtinLookup(items: Iterable<{ item_id: string; gtin?: string | null }>): (gtin14: string) => string | undefined {
  const map = new Map<string, string>();
  for (const it of items) {
    const key = it.gtin ? gtinKey(it.gtin) : null;
    if (key) map.set(key, it.item_id);
  }
  return (g) => map.get(g);
}

/** A GTIN-8/12/13/14 as the 14 digits GS1 AI 01 carries; null when it is not one (length or check digit). */
export function gtinKey(gtin: string): string | null {
  const g = gtin.trim();
  if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(g) || !checkDigitOk(g)) return null;
  return g.padStart(14, '0');
}

/** GS1 mod-10 check digit over all digits but the last, weights 3,1,3,… from the right. */
export function checkDigitOk(digits: string): boolean {
  let sum = 0;
  for (let i = digits.length - 2, w = 3; i >= 0; i--, w = 4 - w) sum += Number(digits[i]) * w;
  return (10 - (sum % 10)) % 10 === Number(digits[digits.length - 1]);
}

export function parseBarcode(raw: string, options: ParseOptions = {}): BarcodeResult {
  const defaultQty = options.defaultQty ?? 1;
  if (!validQty(defaultQty)) return fail(`The default quantity ${defaultQty} is not a whole number from 1 to ${MAX_QTY.toLocaleString('en')}.`);
  if (typeof raw !== 'string' || raw.length === 0) return fail('The barcode is empty.');
  if (raw.length > 512) return fail('The barcode is too long (more than 512 characters).');

  // Whitespace at the ends (a wedge's CR/LF, a typed space) is never data; GS is not whitespace and stays.
  let text = raw.trim();
  if (text.length === 0) return fail('The barcode is empty.');
  const gs1 = gs1Body(text);
  if (gs1 !== null) return fromGs1(gs1, defaultQty, options);
  if (SYMBOLOGY_ID.test(text)) text = text.slice(3).trim(); // ]C0, ]E0, ]Q1…: plain data follows
  if (text.length === 0) return fail('The barcode is empty.');
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
    if (eq < 0) return fail(`"${printable(part)}" in "${printable(text)}" is not KEY=value: expected ITEM=<item>;QTY=<n>.`);
    const key = part.slice(0, eq).trim().toUpperCase();
    if (key !== 'ITEM' && key !== 'QTY') return fail(`Unknown field "${printable(part.slice(0, eq))}": expected ITEM=<item>;QTY=<n>.`);
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
    if (n === null) return fail(`QTY "${printable(qtyText)}" is not a whole number from 1 to ${MAX_QTY.toLocaleString('en')}.`);
    qty = n;
  }
  return { ok: true, format: 'seed', item_id: item, qty };
}

// ---------- GS1 element strings ----------

// Symbology identifiers (ISO/IEC 15424) that announce GS1 data, and the ones that announce plain data.
const GS1_PREFIXES = [']C1', ']d2', ']Q3', ']e0', ']J1'];
const SYMBOLOGY_ID = /^\][A-Za-z][0-9A-Za-z]/;

/** The element string without its marker, or null when the text is not GS1. */
function gs1Body(raw: string): string | null {
  const prefix = raw.slice(0, 3);
  if (GS1_PREFIXES.includes(prefix)) return stripLeadingGs(raw.slice(3));
  if (raw.startsWith(GS)) return stripLeadingGs(raw);
  const text = SYMBOLOGY_ID.test(raw) ? raw.slice(3).trim() : raw;
  if (/^\(\d{2,4}\)/.test(text)) return fromHumanReadable(text);
  // Unmarked (a wedge scanner that drops the prefix, a Code 128 read without ASSUME_GS1): only when it opens with a
  // whole AI 00/01/02 field whose check digit holds, which no plausible item code does by chance.
  const m = /^(00\d{18}|0[12]\d{14})/.exec(text);
  if (m && checkDigitOk(m[1].slice(2)) && (text.length === m[1].length || /^\d{2}/.test(text.slice(m[1].length)) || text[m[1].length] === GS))
    return text;
  return null;
}

function stripLeadingGs(s: string): string {
  let i = 0;
  while (s[i] === GS) i++;
  return s.slice(i);
}

/** `(01)09506000134352(10)AB12` → `0109506000134352` + `10AB12`, GS after each variable-length field. */
function fromHumanReadable(text: string): string {
  const re = /\((\d{2,4})\)([^()]*)/gy;
  const out: string[] = [];
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(text))) {
    out.push(m[1] + m[2]);
    end = re.lastIndex;
  }
  // Anything left over is kept so the parser reports it rather than dropping it.
  return out.join(GS) + (end < text.length ? GS + text.slice(end) : '');
}

interface AiSpec {
  /** Fixed data length, or undefined when variable. */
  fixed?: number;
  /** Maximum data length of a variable field. */
  max?: number;
  numeric?: boolean;
}

// The AIs a label on the shop floor may carry. Those we interpret: 00 01 02 10 17 21 30 37. The others are
// recognised so a real label still parses, and their data is skipped. Lengths per the GS1 General Specifications.
const AIS: Record<string, AiSpec> = {
  '00': { fixed: 18, numeric: true },
  '01': { fixed: 14, numeric: true },
  '02': { fixed: 14, numeric: true },
  '03': { fixed: 14, numeric: true },
  '10': { max: 20 },
  '11': { fixed: 6, numeric: true },
  '12': { fixed: 6, numeric: true },
  '13': { fixed: 6, numeric: true },
  '15': { fixed: 6, numeric: true },
  '16': { fixed: 6, numeric: true },
  '17': { fixed: 6, numeric: true },
  '20': { fixed: 2, numeric: true },
  '21': { max: 20 },
  '22': { max: 20 },
  '30': { max: 8, numeric: true },
  '37': { max: 8, numeric: true },
  '240': { max: 30 },
  '241': { max: 30 },
  '250': { max: 30 },
  '251': { max: 30 },
  '400': { max: 30 },
  '401': { max: 30 },
  '403': { max: 30 },
  '420': { max: 20 },
  '7003': { fixed: 10, numeric: true },
  '8020': { max: 25 },
  '90': { max: 30 },
  '91': { max: 90 },
  '92': { max: 90 },
  '93': { max: 90 },
  '94': { max: 90 },
  '95': { max: 90 },
  '96': { max: 90 },
  '97': { max: 90 },
  '98': { max: 90 },
  '99': { max: 90 }
};
// Four-digit AIs whose last digit is a decimal-point position: trade measures 310n–369n, fixed 6 digits.
const MEASURE = /^3[1-6]\d\d$/;
// Three-digit ship-to/location codes 410–417: fixed 13 digits.
const GLN = /^41[0-7]$/;

const NAMES: Record<string, string> = { '00': 'SSCC', '01': 'GTIN', '02': 'contained GTIN', '10': 'lot', '17': 'expiry date', '21': 'serial number', '30': 'count', '37': 'count' };

function specOf(s: string, at: number): { ai: string; spec: AiSpec } | null {
  for (const len of [2, 3, 4]) {
    const ai = s.slice(at, at + len);
    if (ai.length < len || !/^\d+$/.test(ai)) return null;
    if (AIS[ai]) return { ai, spec: AIS[ai] };
    if (len === 3 && GLN.test(ai)) return { ai, spec: { fixed: 13, numeric: true } };
    if (len === 4 && MEASURE.test(ai)) return { ai, spec: { fixed: 6, numeric: true } };
  }
  return null;
}

/** AI → data for every element; a clear message when the string does not follow the GS1 rules. */
function splitElements(body: string): Map<string, string> | string {
  const out = new Map<string, string>();
  let at = 0;
  if (body.length === 0) return 'The GS1 barcode holds no data.';
  while (at < body.length) {
    if (body[at] === GS) {
      at++;
      continue;
    }
    const found = specOf(body, at);
    if (!found) return `The GS1 barcode has an unknown Application Identifier at "${printable(body.slice(at, at + 6))}".`;
    const { ai, spec } = found;
    at += ai.length;
    let data: string;
    if (spec.fixed !== undefined) {
      data = body.slice(at, at + spec.fixed);
      if (data.length < spec.fixed || data.includes(GS))
        return `The GS1 ${label(ai)} (${ai}) must have ${spec.fixed} characters; the barcode is cut short.`;
      at += spec.fixed;
    } else {
      const gs = body.indexOf(GS, at);
      const end = gs < 0 ? body.length : gs;
      data = body.slice(at, end);
      at = end;
      if (data.length === 0) return `The GS1 ${label(ai)} (${ai}) is empty.`;
      if (data.length > spec.max!)
        return `The GS1 ${label(ai)} (${ai}) is longer than ${spec.max} characters: a separator is probably missing (scan it again, or type it).`;
    }
    if (spec.numeric && !/^\d+$/.test(data)) return `The GS1 ${label(ai)} (${ai}) must be digits only, not "${printable(data)}".`;
    if (/[\p{Cc}\p{Cs}]/u.test(data)) return `The GS1 ${label(ai)} (${ai}) holds a control character.`;
    if (out.has(ai) && out.get(ai) !== data) return `The GS1 ${label(ai)} (${ai}) appears twice with different values.`;
    out.set(ai, data);
  }
  return out;
}

function fromGs1(body: string, defaultQty: number, options: ParseOptions): BarcodeResult {
  const els = splitElements(body);
  if (typeof els === 'string') return fail(els);
  const r: ParsedBarcode = { format: 'gs1', qty: defaultQty };

  const sscc = els.get('00');
  if (sscc !== undefined) {
    if (!checkDigitOk(sscc)) return fail(`The SSCC ${sscc} has a wrong check digit: the label is damaged or misread.`);
    r.sscc = sscc;
  }
  if (els.has('01') && els.has('02')) return fail('The GS1 barcode carries both a GTIN (01) and a contained GTIN (02); only one is allowed.');
  const gtin = els.get('01') ?? els.get('02');
  if (gtin !== undefined) {
    if (!checkDigitOk(gtin)) return fail(`The GTIN ${gtin} has a wrong check digit: the label is damaged or misread.`);
    r.gtin = gtin;
  }
  const lot = els.get('10');
  if (lot !== undefined) {
    if (lot.length > MAX_LOT) return fail(`The lot is longer than ${MAX_LOT} characters.`);
    r.lot = lot;
  }
  const expiry = els.get('17');
  if (expiry !== undefined) {
    const iso = gs1Date(expiry, options.today ?? new Date());
    if (!iso) return fail(`The expiry date ${expiry} (YYMMDD) is not a real date.`);
    r.expiry = iso;
  }
  const serial = els.get('21');
  if (serial !== undefined) r.serial = serial;

  const counts = ['30', '37'].filter((ai) => els.has(ai)).map((ai) => ({ ai, n: parseCount(els.get(ai)!) }));
  for (const c of counts) if (c.n === null) return fail(`The GS1 count (${c.ai}) "${els.get(c.ai)}" is not a whole number from 1 to ${MAX_QTY.toLocaleString('en')}.`);
  if (counts.length === 2 && counts[0].n !== counts[1].n) return fail(`The GS1 counts disagree: (30) ${counts[0].n} and (37) ${counts[1].n}.`);
  if (counts.length) r.qty = counts[0].n!;

  if (!options.gtinToItem) {
    if (!r.gtin && !r.sscc) return fail('The GS1 barcode carries no GTIN or SSCC, so it names no item.');
    return { ok: true, ...r };
  }
  if (!r.gtin) {
    return fail(r.sscc ? `The SSCC ${r.sscc} identifies a pallet or parcel, not an item: scan the item's own barcode.` : 'The GS1 barcode carries no GTIN, so it names no item.');
  }
  const item = options.gtinToItem(r.gtin);
  if (!item) return fail(`GTIN ${r.gtin} is not linked to any item: link it on the Items page, or sync to get the latest items.`);
  return withItem(r, item);
}

/** GS1 YYMMDD → YYYY-MM-DD. Century by the GS1 sliding window (−49 … +50 years around today); day 00 = month end. */
function gs1Date(yymmdd: string, today: Date): string | null {
  const yy = Number(yymmdd.slice(0, 2));
  const mm = Number(yymmdd.slice(2, 4));
  const dd = Number(yymmdd.slice(4, 6));
  const thisYear = today.getUTCFullYear();
  const century = Math.floor(thisYear / 100) * 100;
  const diff = yy - (thisYear % 100);
  const year = diff >= 51 ? century - 100 + yy : diff <= -50 ? century + 100 + yy : century + yy;
  if (mm < 1 || mm > 12) return null;
  const monthEnd = new Date(Date.UTC(year, mm, 0)).getUTCDate();
  const day = dd === 0 ? monthEnd : dd;
  if (day > monthEnd) return null;
  return `${String(year).padStart(4, '0')}-${String(mm).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

// ---------- shared checks ----------

function withItem(r: ParsedBarcode, item: string): BarcodeResult {
  const bad = itemIdProblem(item);
  if (bad) return fail(`The item linked to GTIN ${r.gtin} has an invalid code: it ${bad}.`);
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

const label = (ai: string) => NAMES[ai] ?? 'field';

/** Control characters shown as <GS>, <0x07>… and long texts cut, for messages. */
function printable(s: string): string {
  const shown = s.replace(/[\p{Cc}]/gu, (c) => (c === GS ? '<GS>' : `<0x${c.charCodeAt(0).toString(16).padStart(2, '0')}>`));
  return shown.length > 60 ? shown.slice(0, 57) + '…' : shown;
}

function fail(error: string): BarcodeResult {
  return { ok: false, error };
}
