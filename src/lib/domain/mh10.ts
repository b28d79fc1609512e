// ISO/IEC 15434 envelopes: the "[)>" message header, then formats each opened by RS (0x1E) and two digits, fields
// separated by GS (0x1D), each format closed by RS, the message by EOT (0x04). Format 06 holds ANSI MH10.8.2 Data
// Identifier fields (the DataMatrix on electronic-component reels and many supplier cartons), format 05 GS1 element
// strings.
//
//   parseEnvelope(text) → null (not ISO 15434) | { ok: false, error } | { ok: true, format: '06', fields } |
//                         { ok: true, format: '05', body }   (body: a GS1 element string for gs1.ts)
//
// Data Identifiers (MH10.8.2): an upper-case letter preceded by up to three digits. The ones a receiving dock uses:
//   P customer part number · 1P supplier part number · Q quantity · 1T supplier lot · 9D / 10D date code (YYWW)
//   K customer purchase order · 4K purchase order line · 11K packing list number · S serial number
// Every other DI is kept in `others` and not interpreted.
import { printable } from './gs1';

export const RS = '\u001e';
export const EOT = '\u0004';
const GS = '\u001d';
const HEADER = '[)>' + RS;

export interface Mh10Fields {
  customer_part?: string;
  supplier_part?: string;
  qty?: number;
  lot?: string;
  /** YYWW as printed (9D or 10D): a week, not a day, so it is not turned into a date. */
  date_code?: string;
  po?: string;
  po_line?: string;
  packing_list?: string;
  serial?: string;
  /** Data Identifiers not interpreted, with their data. */
  others: { di: string; data: string }[];
}

export type EnvelopeResult =
  | { ok: true; format: '06'; fields: Mh10Fields }
  | { ok: true; format: '05'; body: string }
  | { ok: false; error: string };

const NAMED: Record<string, keyof Omit<Mh10Fields, 'others' | 'qty'>> = {
  P: 'customer_part',
  '1P': 'supplier_part',
  '1T': 'lot',
  '9D': 'date_code',
  '10D': 'date_code',
  K: 'po',
  '4K': 'po_line',
  '11K': 'packing_list',
  S: 'serial'
};
const MAX_FIELD = 64;

export function isEnvelope(text: string): boolean {
  return text.startsWith(HEADER);
}

export function parseEnvelope(text: string): EnvelopeResult | null {
  if (!text.startsWith(HEADER)) return null;
  let rest = text.slice(HEADER.length);
  if (rest.endsWith(EOT)) rest = rest.slice(0, -1);
  else
    return { ok: false, error: 'The carton label (ISO 15434) has no end of message: it is cut short; scan it again.' };
  if (rest.endsWith(RS)) rest = rest.slice(0, -1);
  const formats = rest.split(RS);
  // One message may hold several formats; we read the first 06 or 05 and ignore formats we do not use.
  for (const f of formats) {
    const id = f.slice(0, 2);
    if (id !== '06' && id !== '05') continue;
    if (f[2] !== GS)
      return { ok: false, error: `The carton label's format ${id} does not start with a field separator.` };
    if (id === '05') return { ok: true, format: '05', body: f.slice(3) };
    return fields06(f.slice(3).split(GS));
  }
  return { ok: false, error: 'The carton label (ISO 15434) holds no format 06 (Data Identifiers) or 05 (GS1) data.' };
}

function fields06(parts: string[]): EnvelopeResult {
  const out: Mh10Fields = { others: [] };
  const seen = new Map<string, string>();
  for (const part of parts) {
    if (part === '') continue;
    const m = /^(\d{0,3}[A-Z])(.*)$/s.exec(part);
    if (!m)
      return { ok: false, error: `"${printable(part)}" on the carton label does not start with a Data Identifier.` };
    const [, di, data] = m;
    if (data.length === 0) return { ok: false, error: `The carton label's field ${di} is empty.` };
    if (/[\p{Cc}]/u.test(data))
      return { ok: false, error: `The carton label's field ${di} holds a control character.` };
    if (data.length > MAX_FIELD && (NAMED[di] || di === 'Q'))
      return { ok: false, error: `The carton label's field ${di} is longer than ${MAX_FIELD} characters.` };
    const before = seen.get(di);
    if (before !== undefined && before !== data)
      return { ok: false, error: `The carton label has ${di} twice with different values.` };
    seen.set(di, data);
    if (di === 'Q') {
      if (!/^\d{1,7}$/.test(data) || Number(data) < 1)
        return {
          ok: false,
          error: `The carton label's quantity (Q) "${printable(data)}" is not a whole number of at least 1.`
        };
      out.qty = Number(data);
    } else if (di === '9D' || di === '10D') {
      const week = Number(data.slice(2));
      if (!/^\d{4}$/.test(data) || week < 1 || week > 53)
        return { ok: false, error: `The carton label's date code (${di}) "${printable(data)}" is not YYWW.` };
      if (out.date_code && out.date_code !== data)
        return { ok: false, error: 'The carton label has two different date codes (9D and 10D).' };
      out.date_code = data;
    } else if (NAMED[di]) out[NAMED[di]] = data;
    else out.others.push({ di, data });
  }
  return { ok: true, format: '06', fields: out };
}
