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
//
//   fromKeyboard(text) → null (not a carton label) | { ok: true, text } (for parseEnvelope) | { ok: false, error }
//
// A keyboard-wedge scanner types the label, and GS, RS and EOT have no key: what arrives depends on the scanner's
// setting. Read here (the page turns the key presses into the characters, label-keys.ts):
//   - the control characters themselves (a scanner in Ctrl+key mode typing Ctrl+] Ctrl+^ Ctrl+D into a field that
//     maps them, a paste, a serial/HID-POS bridge);
//   - the Unicode control pictures ␝ ␞ ␄ (a label text copied from a document or a spec);
//   - the names a scanner's data-format editor or replacement setting sends: <GS> <RS> <EOT>, {GS} {RS} {EOT}, and
//     caret notation ^] ^^ ^D;
//   - the Windows OEM glyphs an Alt+numpad scanner mode produces: Alt+29 ↔, Alt+30 ▲, Alt+4 ♦;
//   - RS and EOT missing (a scanner that drops what it cannot type, or one that sends EOT as a bare Alt release):
//     the header's RS, the format's closing RS and the final EOT are put back. The wedge ends its burst with Enter,
//     so a typed label is whole; a camera read keeps the strict rule (parseEnvelope: no EOT is a cut-short read).
// GS missing is not guessed: the fields run together ("PAB-11PXY") and no rule splits them, so the label is refused
// with what to set on the scanner.
import { printable } from './gs1';

export const RS = '\u001e';
export const EOT = '\u0004';
const GS = '\u001d';
const HEADER = '[)>' + RS;

interface Mh10Fields {
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

type EnvelopeResult =
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

const SUBSTITUTES: [RegExp, string][] = [
  [/\u241d|<GS>|\{GS\}|\^\]|\u2194/gi, '\u001d'],
  [/\u241e|<RS>|\{RS\}|\^\^|\u25b2/gi, '\u001e'],
  [/\u2404|<EOT>|\{EOT\}|\^D|\u2666/gi, '\u0004']
];

/** A carton label as a keyboard wedge or a person typed it → the ISO 15434 text, or why it cannot be; null when
 * the text does not open with the "[)>" header (it is some other code). */
export function fromKeyboard(typed: string): { ok: true; text: string } | { ok: false; error: string } | null {
  let text = typed.replace(/^[ \t\r\n]+/, '').replace(/[\r\n\t]+$/, '');
  if (!text.startsWith('[)>')) return null;
  for (const [re, ch] of SUBSTITUTES) text = text.replace(re, ch);
  if (/^\[\)>0[56]/.test(text)) text = HEADER + text.slice(3); // the header's RS dropped
  if (!text.includes(GS))
    return {
      ok: false,
      error:
        'The carton label arrived without field separators (GS): the scanner drops them, so its fields run together. Set the scanner to send GS (Ctrl+], F8, or a substitute such as <GS>), or enter the line by hand.'
    };
  if (!text.endsWith(EOT)) text += text.endsWith(RS) ? EOT : RS + EOT;
  return { ok: true, text };
}

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
