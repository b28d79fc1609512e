// GS1 Digital Link URIs (GS1 Digital Link standard, URI syntax), as QR codes and DataMatrix symbols carry them:
//   https://id.example.com[/any/prefix]/01/09506000134352/22/CPV/10/ABC/21/S1?17=271231&3103=000195&linkType=…
// a primary key AI and its value, then its key qualifiers in their fixed order, then data attributes in the query
// string. Path values and query values are percent-decoded. The elements go through the same checks as any GS1
// element string (gs1.ts).
//
//   parseDigitalLink(uri) → { ok: true, elements } | { ok: false, error } | null (not a GS1 Digital Link at all)
import { AI_TABLE, aiLength } from './gs1-ai-table';
import { printable, type Gs1Element } from './gs1';

// Primary keys and their ordered, optional key qualifiers (alternative sequences separated by "|").
const PRIMARY_KEYS: Record<string, string[][]> = {
  '00': [[]],
  '01': [['22', '10', '21'], ['235']],
  '253': [[]],
  '255': [[]],
  '401': [[]],
  '402': [[]],
  '414': [['254'], ['7040']],
  '415': [['8020']],
  '417': [['7040']],
  '8003': [[]],
  '8004': [['7040']],
  '8006': [['22', '10', '21']],
  '8010': [['8011']],
  '8013': [[]],
  '8017': [['8019']],
  '8018': [['8019']]
};

type DigitalLinkResult = { ok: true; elements: Gs1Element[] } | { ok: false; error: string };

/** null when the text is not an http(s) URI with a GS1 primary key in its path. */
export function parseDigitalLink(uri: string): DigitalLinkResult | null {
  const m = /^(https?):\/\/([^/?#\s]+)(\/[^?#\s]*)?(\?[^#\s]*)?(#\S*)?$/i.exec(uri);
  if (!m) return null;
  const segments = (m[3] ?? '').split('/').slice(1);
  if (segments.at(-1) === '') segments.pop(); // a trailing slash
  // The primary key is the first segment that is a primary-key AI followed by a value and only qualifier pairs.
  for (let i = 0; i + 1 < segments.length; i++) {
    const key = segments[i];
    if (!PRIMARY_KEYS[key]) continue;
    const rest = segments.slice(i + 2);
    if (rest.length % 2 !== 0) continue;
    const pairs: [string, string][] = [];
    for (let j = 0; j + 1 < rest.length; j += 2) pairs.push([rest[j], rest[j + 1]]);
    const order = PRIMARY_KEYS[key].find((seq) =>
      inOrder(
        pairs.map((p) => p[0]),
        seq
      )
    );
    if (!order) continue;
    return fromParts(key, segments[i + 1], pairs, m[4] ?? '');
  }
  return null;
}

function inOrder(ais: string[], seq: string[]): boolean {
  let at = 0;
  for (const ai of ais) {
    const k = seq.indexOf(ai, at);
    if (k < 0) return false;
    at = k + 1;
  }
  return true;
}

function fromParts(key: string, keyValue: string, pairs: [string, string][], query: string): DigitalLinkResult {
  const elements: Gs1Element[] = [];
  const push = (ai: string, raw: string, where: string): string | null => {
    let data: string;
    try {
      data = decodeURIComponent(raw);
    } catch {
      return `The GS1 Digital Link has a broken percent-encoding in ${where} (${ai}) "${printable(raw)}".`;
    }
    // A GTIN in a Digital Link may be written as GTIN-8, -12 or -13: the element string always holds 14 digits.
    if (ai === '01' && /^(\d{8}|\d{12}|\d{13})$/.test(data)) data = data.padStart(14, '0');
    const same = elements.find((e) => e.ai === ai);
    if (same) return same.data === data ? null : `(${ai}) appears twice in the GS1 Digital Link with different values.`;
    elements.push({ ai, data, known: AI_TABLE.has(ai) });
    return null;
  };
  const first = push(key, keyValue, 'the path');
  if (first) return { ok: false, error: first };
  for (const [ai, v] of pairs) {
    const r = push(ai, v, 'the path');
    if (r) return { ok: false, error: r };
  }
  for (const kv of query.replace(/^\?/, '').split('&')) {
    if (!kv) continue;
    const eq = kv.indexOf('=');
    const name = eq < 0 ? kv : kv.slice(0, eq);
    // Only numeric keys are GS1 data attributes; linkType, context and other non-GS1 keys are for the resolver.
    if (!/^\d+$/.test(name)) continue;
    if (aiLength(name.slice(0, 2)) !== name.length)
      return {
        ok: false,
        error: `The GS1 Digital Link has "${printable(name)}" in its query string, which is not a GS1 Application Identifier.`
      };
    if (
      PRIMARY_KEYS[name] ||
      Object.values(PRIMARY_KEYS).some(
        (seqs) => seqs.some((s) => s.includes(name)) && PRIMARY_KEYS[key].some((s) => s.includes(name))
      )
    )
      return {
        ok: false,
        error: `(${name}) is a key or key qualifier: in a GS1 Digital Link it belongs in the path, not the query string.`
      };
    const r = push(name, eq < 0 ? '' : kv.slice(eq + 1), 'the query string');
    if (r) return { ok: false, error: r };
  }
  return { ok: true, elements };
}
