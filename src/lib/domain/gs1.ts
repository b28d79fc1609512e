// GS1 element strings to the letter of the GS1 General Specifications. Pure: the reference date for the century of
// a two-digit year is passed in.
//
//   splitElementString(body)   GS1-128 / DataMatrix / QR data after its marker, FNC1 as GS (0x1D) → elements | error
//   splitBracketed(text)       the human-readable form "(01)09506000134352(10)AB\(1" ("\(" is a literal "(")
//   checkElements(elements, today)  each element's data against the AI table (length, character set, check digit,
//                              dates), then the association rules → { ok, elements, broken_rules } | { ok: false }
//
// Wrong data (a misread or a bad label) is refused with the rule named: "(15) 201310 is not a valid date". A broken
// association rule (01 with 37, a lot with no GTIN) does not make the data wrong: it is listed in broken_rules and
// the caller decides (the station records the scan and flags it for a supervisor).
import { AI_TABLE, aiLength, aiMatches, PREDEFINED_LENGTH, type AiComponent, type AiSpec } from './gs1-ai-table';

export const GS = '\u001d';

export interface Gs1Element {
  ai: string;
  data: string;
  /** false: a well-formed AI the table does not know (allocated after this table was written): kept, not checked. */
  known: boolean;
  /** ISO date (YYYY-MM-DD) or date and time (YYYY-MM-DDTHH:MM[:SS]) for the date AIs. */
  iso?: string;
}

type Gs1Check = { ok: true; elements: Gs1Element[]; broken_rules: string[] } | { ok: false; error: string };

// CSET 82 (GS1 General Specifications figure 7.11-1): the characters an alphanumeric AI may carry. No space.
const CSET82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]*$/;
// CSET 39 (figure 7.11-2), for AI 8010.
const CSET39 = /^[#\-/0-9A-Z]*$/;
const BASE64URL = /^[A-Za-z0-9\-_=]*$/;

/** Elements of a GS-separated element string, in order; duplicates with the same data kept once. */
export function splitElementString(body: string): Gs1Element[] | string {
  const out: Gs1Element[] = [];
  let at = 0;
  while (at < body.length) {
    if (body[at] === GS) {
      at++;
      continue;
    }
    const len = aiLength(body.slice(at, at + 2));
    const ai = body.slice(at, at + (len ?? 0));
    if (len === null || ai.length < len || !/^\d+$/.test(ai))
      return `"${printable(body.slice(at, at + 6))}" is not a GS1 Application Identifier: the barcode is not valid GS1 data.`;
    at += len;
    const spec = AI_TABLE.get(ai);
    const fixed = PREDEFINED_LENGTH[ai.slice(0, 2)];
    let data: string;
    if (fixed !== undefined) {
      data = body.slice(at, at + fixed);
      if (data.length < fixed || data.includes(GS))
        return `(${ai}) must have ${fixed} characters; the barcode is cut short.`;
      at += fixed;
    } else {
      const gs = body.indexOf(GS, at);
      const end = gs < 0 ? body.length : gs;
      data = body.slice(at, end);
      at = end;
    }
    const r = add(out, { ai, data, known: spec !== undefined });
    if (r) return r;
  }
  if (!out.length) return 'The GS1 barcode holds no data.';
  return out;
}

/** "(01)…(10)…" → elements; "\(" inside data is a literal "(". */
export function splitBracketed(text: string): Gs1Element[] | string {
  const out: Gs1Element[] = [];
  let at = 0;
  while (at < text.length) {
    const m = /^\((\d{2,4})\)/.exec(text.slice(at));
    if (!m) return `"${printable(text.slice(at, at + 8))}" is not "(AI)data": the text is not GS1 data in brackets.`;
    const ai = m[1];
    if (aiLength(ai.slice(0, 2)) !== ai.length) return `(${ai}) is not a GS1 Application Identifier.`;
    at += m[0].length;
    let data = '';
    while (at < text.length && text[at] !== '(') {
      if (text[at] === '\\' && text[at + 1] === '(') {
        data += '(';
        at += 2;
      } else data += text[at++];
    }
    const r = add(out, { ai, data, known: AI_TABLE.has(ai) });
    if (r) return r;
  }
  if (!out.length) return 'The GS1 barcode holds no data.';
  return out;
}

function add(out: Gs1Element[], el: Gs1Element): string | null {
  const same = out.find((e) => e.ai === el.ai);
  if (same && same.data !== el.data)
    return `(${el.ai}) appears twice with different values: "${printable(same.data)}" and "${printable(el.data)}".`;
  if (!same) out.push(el);
  return null;
}

/** Every element's data against its AI, then the association rules over all of them. */
export function checkElements(elements: Gs1Element[], today: Date | undefined): Gs1Check {
  const checked: Gs1Element[] = [];
  for (const el of elements) {
    const spec = AI_TABLE.get(el.ai);
    const r = spec ? checkData(el, spec, today) : checkUnknown(el);
    if (typeof r === 'string') return { ok: false, error: r };
    checked.push(r);
  }
  return { ok: true, elements: checked, broken_rules: associationProblems(checked.map((e) => e.ai)) };
}

function checkUnknown(el: Gs1Element): Gs1Element | string {
  if (el.data.length === 0) return `(${el.ai}) is empty.`;
  if (el.data.length > 90) return `(${el.ai}) is longer than 90 characters.`;
  if (!CSET82.test(el.data)) return `(${el.ai}) ${quoted(el.data)} holds characters GS1 does not allow (CSET 82).`;
  return el;
}

function checkData(el: Gs1Element, spec: AiSpec, today: Date | undefined): Gs1Element | string {
  const { ai, data } = el;
  const name = `(${ai}) ${spec.title}`;
  if (data.length === 0) return `${name} is empty.`;
  const max = spec.components.reduce((n, c) => n + c.max, 0);
  const variable = spec.components.some((c) => c.min !== c.max || c.optional);
  if (!variable && data.length !== max) return `${name} must have ${max} characters, not ${data.length}.`;
  if (data.length > max)
    return `${name} is longer than ${max} characters: a separator is probably missing (scan it again, or type it).`;
  let at = 0;
  const isoParts: string[] = [];
  for (const c of spec.components) {
    if (at >= data.length) {
      if (c.optional) break;
      return `${name} ${quoted(data)} is too short.`;
    }
    const part = data.slice(at, at + c.max);
    if (part.length < c.min) return `${name} ${quoted(data)} is too short.`;
    // A fixed-length component takes exactly its length; the last variable one takes the rest.
    at += part.length;
    const bad = componentProblem(part, c);
    if (bad) return `${name} ${quoted(data)} ${bad}.`;
    for (const check of c.checks) {
      const r = runCheck(check, part, today);
      if (r === null) continue;
      if (r.error)
        return `(${ai}) ${data} ${r.error}${r.error.endsWith('date') ? ` (${spec.title}, ${formatOf(check)})` : ''}.`;
      if (r.iso) isoParts.push(r.iso);
    }
  }
  if (at < data.length) return `${name} is longer than ${at} characters: a separator is probably missing.`;
  if (!isoParts.length) return el;
  // A date and a time component become one ISO text; a second date (7007 harvest end) is kept after a slash.
  const iso = isoParts.reduce(
    (s, p) => (p.includes('-') ? (s ? `${s}/${p}` : p) : `${s}${s.includes('T') ? ':' : 'T'}${p}`),
    ''
  );
  return { ...el, iso };
}

function componentProblem(part: string, c: AiComponent): string | null {
  if (c.type === 'N' && !/^\d+$/.test(part)) return 'must be digits only';
  if (c.type === 'X' && !CSET82.test(part)) return 'holds characters GS1 does not allow (CSET 82)';
  if (c.type === 'Y' && !CSET39.test(part)) return 'holds characters GS1 does not allow (CSET 39)';
  if (c.type === 'Z' && !BASE64URL.test(part)) return 'is not base64url';
  return null;
}

function formatOf(check: string): string {
  return check === 'yyyymmdd' ? 'YYYYMMDD' : 'YYMMDD';
}

/** null: nothing to say; { iso }: the value the check read; { error }: the rule broken, said after "(AI) data". */
function runCheck(check: string, part: string, today: Date | undefined): { iso?: string; error?: string } | null {
  switch (check) {
    case 'csum':
      return checkDigitOk(part) ? null : { error: 'has a wrong check digit: the label is damaged or misread' };
    case 'yymmd0':
    case 'yymmdd': {
      if (!today) return { error: 'cannot be dated: no reference date was given for its century (a caller bug)' };
      const iso = gs1Date(part, today, check === 'yymmd0');
      if (iso) return { iso };
      return {
        error:
          Number(part.slice(4)) === 0
            ? 'is not a valid date: day 00 is not allowed in this field'
            : 'is not a valid date'
      };
    }
    case 'yyyymmdd': {
      const iso = calendarDate(Number(part.slice(0, 4)), Number(part.slice(4, 6)), Number(part.slice(6, 8)), false);
      return iso ? { iso } : { error: 'is not a valid date' };
    }
    case 'hhmi':
      return Number(part.slice(0, 2)) <= 23 && Number(part.slice(2, 4)) <= 59
        ? { iso: `${part.slice(0, 2)}:${part.slice(2, 4)}` }
        : { error: 'is not a valid time (HHMM)' };
    case 'hh':
      return Number(part) <= 23 ? { iso: part } : { error: 'is not a valid hour' };
    case 'mi':
    case 'ss':
      return Number(part) <= 59 ? { iso: part } : { error: `is not a valid ${check === 'mi' ? 'minute' : 'second'}` };
    case 'piece': {
      const n = Number(part.slice(0, 2)),
        total = Number(part.slice(2, 4));
      return n >= 1 && total >= 1 && n <= total ? null : { error: 'has a piece number that is not 1 to the total' };
    }
  }
  return null;
}

/** GS1 mod-10 check digit over all digits but the last, weights 3,1,3,… from the right. */
export function checkDigitOk(digits: string): boolean {
  if (!/^\d{2,}$/.test(digits)) return false;
  let sum = 0;
  for (let i = digits.length - 2, w = 3; i >= 0; i--, w = 4 - w) sum += Number(digits[i]) * w;
  return (10 - (sum % 10)) % 10 === Number(digits[digits.length - 1]);
}

/**
 * The year of a two-digit YY (GS1 General Specifications 7.12): against the reference year, a YY 51 to 99 years
 * ahead is in the previous century, one 50 to 99 years behind in the next, any other in the current one.
 */
export function centuryYear(yy: number, today: Date): number {
  const year = today.getUTCFullYear();
  const century = year - (year % 100);
  const diff = yy - (year % 100);
  if (diff >= 51) return century - 100 + yy;
  if (diff <= -50) return century + 100 + yy;
  return century + yy;
}

/** YYMMDD → YYYY-MM-DD, or null. Day 00 (only where the AI allows it) means the last day of the month. */
export function gs1Date(yymmdd: string, today: Date, day00: boolean): string | null {
  if (!/^\d{6}$/.test(yymmdd)) return null;
  const year = centuryYear(Number(yymmdd.slice(0, 2)), today);
  return calendarDate(year, Number(yymmdd.slice(2, 4)), Number(yymmdd.slice(4, 6)), day00);
}

function calendarDate(year: number, mm: number, dd: number, day00: boolean): string | null {
  if (mm < 1 || mm > 12) return null;
  const monthEnd = new Date(Date.UTC(year, mm, 0)).getUTCDate();
  if (dd === 0 && !day00) return null;
  const day = dd === 0 ? monthEnd : dd;
  if (day > monthEnd) return null;
  return `${String(year).padStart(4, '0')}-${String(mm).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The mandatory associations and invalid pairs (GS1 General Specifications 4.14) these AIs break, said plainly. */
function associationProblems(ais: string[]): string[] {
  const out: string[] = [];
  const present = (p: string) => ais.some((a) => aiMatches(a, p));
  const seenPairs = new Set<string>();
  for (const ai of ais) {
    const spec = AI_TABLE.get(ai);
    if (!spec) continue;
    for (const group of spec.req) {
      if (group.some((alt) => alt.every(present))) continue;
      out.push(`(${ai}) must be used with ${group.map((alt) => alt.map((p) => `(${p})`).join(' and ')).join(' or ')}`);
    }
    for (const p of spec.ex) {
      for (const other of ais) {
        if (other === ai || !aiMatches(other, p)) continue;
        const key = [ai, other].sort().join('+');
        if (seenPairs.has(key)) continue;
        seenPairs.add(key);
        out.push(`(${ai}) and (${other}) may not be used together`);
      }
    }
  }
  return out;
}

function quoted(s: string): string {
  return `"${printable(s)}"`;
}

/** Control characters shown as <GS>, <0x07>… and long texts cut, for messages. */
export function printable(s: string): string {
  const shown = s.replace(/[\p{Cc}]/gu, (c) =>
    c === GS ? '<GS>' : `<0x${c.charCodeAt(0).toString(16).padStart(2, '0')}>`
  );
  return shown.length > 60 ? shown.slice(0, 57) + '…' : shown;
}
