// The packing-slip reader over positioned text (pdf.js text items, or OCR words with their boxes): rows by baseline,
// a header row found by its words in six languages (merged with a second header line when the words wrap), columns
// as zones between the headers' left edges so right-aligned values under left-aligned headers land right, every
// column classified (shipped, ordered, backorder, part, description, unit, lot, line number, other), the decimal
// separator decided once per document from its numbers, and supplier, slip, PO and date from the rows around it.
// Pure and deterministic.
import type { ParsedLine, ParsedSlip, TextItem, TextLayer } from './slip';
import { alignShapes } from './slip-shapes';

// 'unnamed': a header cell of no known word, kept as a column only while the header names no part column (OCR lost
// the word: "tem" for "Item"), and read as the part when its cells are codes.
export type Column = 'qty' | 'ordered' | 'bo' | 'part' | 'description' | 'unit' | 'lot' | 'line' | 'other' | 'unnamed';

interface Cell {
  text: string;
  x0: number;
  x1: number;
}
interface Row {
  y: number;
  h: number;
  items: TextItem[];
  cells: Cell[];
  /** The row's cells as a header's names: a cell that names one word twice split in two ("Qty Ordered Qty Shipped"). */
  words: Cell[];
  text: string;
}
interface HeaderColumn {
  column: Column;
  x0: number;
  x1: number;
}

/** Lower case without accents: "Quantité" and "Quantite" are the same header word. */
const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();

// Header words, checked in this order: "Unit price" is other before "unit", "Qty ordered" before "qty",
// "Item description" is description before "item" is part.
const HEADERS: [Column, RegExp][] = [
  [
    'other',
    /\b(unit\s*price|price|prijs|prix|precio|prezzo|preis|einzelpreis|amount|betrag|bedrag|montant|importe|importo|total|summe|totaal|totale|line\s*total|ext(ended|\.)?\s*price|value|weight|gewicht|poids|peso|net\s*wt|gross|currency|curr|cur|valuta|devise|moneda|wahrung|origin|coo|country|ursprung|herkomst|origine|origen|hs\s*code|hs|tariff|taric|zolltarif\w*|gn-code|code sh|voce doganale|vat|tax|mwst|btw|iva|tva|discount|rabatt|korting|remise|sconto)\b/
  ],
  [
    'ordered',
    /\b(ordered|qty\s*ord(ered)?|ord\.?\s*qty|bestellt|besteld|bestelmenge|bestellmenge|commande|pedido|pedida|ordinato|ordinata)\b/
  ],
  ['bo', /(\bb\/o\b|back\s*-?order\w*|\bbo\b|ruckstand|nalevering|reliquat|pendiente|inevaso|open)/],
  [
    'description',
    /\b(description|desc|bezeichnung|beschreibung|artikelbezeichnung|omschrijving|designation|descripcion|descrizione|concepto|libelle|product\s*name|item\s*name)\b/
  ],
  [
    'qty',
    /\b(qty|qte|quantity|quantities|shipped|delivered|menge|anzahl|liefermenge|geliefert|aantal|hoeveelheid|geleverd|quantite|livre|livree|cantidad|cant|servido|servida|quantita|qta|spedito|spedita|stk|pcs)\b/
  ],
  ['unit', /^(unit|units|uom|u\/m|u\.?m\.?|unit\s*of\s*measure|measure|einheit|me|eenheid|eh|unite|unidad|ud|unita)$/],
  ['lot', /\b(lot|lot\s*no|batch|charge|chargennr|partij|lote|lotto|serial)\b/],
  ['line', /^(ln|#|line|pos|position|nr|no|n°|nº|lin|riga|r)$/],
  [
    'part',
    /\b(item|part|sku|code|article|artikel\w*|art|artnr|referen\w*|ref|codigo|codice|product\s*code|material|mat|catalog|cat)\b/
  ]
];

// Long header words OCR may misread by a letter ("pescription", "Quantlty", "Cédigo" for "Código"): every header
// word of six letters or more, in the six languages, matched within one edit.
const FUZZY: [Column, string[]][] = [
  [
    'other',
    ['einzelpreis', 'amount', 'betrag', 'bedrag', 'montant', 'importe', 'importo', 'weight', 'gewicht', 'currency']
  ],
  ['other', ['valuta', 'devise', 'moneda', 'origin', 'country', 'ursprung', 'herkomst', 'origine', 'origen', 'tariff']],
  ['other', ['discount', 'rabatt', 'korting', 'remise', 'sconto', 'zolltarif']],
  ['ordered', ['ordered', 'bestellt', 'besteld', 'bestelmenge', 'bestellmenge', 'commande', 'pedido', 'pedida']],
  ['ordered', ['ordinato', 'ordinata']],
  ['bo', ['backorder', 'ruckstand', 'nalevering', 'reliquat', 'pendiente', 'inevaso']],
  [
    'description',
    ['description', 'bezeichnung', 'beschreibung', 'artikelbezeichnung', 'omschrijving', 'designation', 'descripcion']
  ],
  ['description', ['descrizione', 'concepto', 'libelle']],
  ['qty', ['quantity', 'quantities', 'shipped', 'delivered', 'liefermenge', 'geliefert', 'hoeveelheid', 'geleverd']],
  ['qty', ['quantite', 'cantidad', 'servido', 'servida', 'quantita', 'spedito', 'spedita', 'anzahl', 'aantal']],
  ['unit', ['einheit', 'eenheid']],
  ['lot', ['chargennr', 'partij']],
  ['part', ['artikelnummer', 'artikelnr', 'article', 'artikel', 'reference', 'referencia', 'codigo', 'codice']],
  ['part', ['material', 'catalog']]
];

/** Whether a and b are at most `k` letters inserted, removed or changed apart (Levenshtein, bounded). */
function withinEdits(a: string, b: string, k: number): boolean {
  if (Math.abs(a.length - b.length) > k) return false;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    if (Math.min(...cur) > k) return false;
    prev = cur;
  }
  return prev[b.length] <= k;
}

// Short header words OCR misreads by a letter: "Quy" and "Oty" for "Qty" (a letter changed, as three letters are
// too few to tell a lost one), "tem" for "Item" and "par" for "Part" (its first or last letter lost or changed).
const SHORT: [Column, string][] = [
  ['qty', 'qty'],
  ['part', 'item'],
  ['part', 'part']
];
const shortMatch = (word: string, w: string) =>
  w.length === 3
    ? word.length === 3 && [...word].filter((c, i) => c !== w[i]).length === 1
    : word.length >= 3 && withinEdits(word, w, 1);

function headerColumn(text: string): Column | null {
  const t = fold(text)
    .replace(/[:.]+$/, '')
    .trim();
  if (!t || /\d{2}/.test(t)) return null; // a header cell holds words, not numbers
  for (const [column, re] of HEADERS) if (re.test(t)) return column;
  const words = t.split(/[^a-z]+/);
  // Six letters or more within one letter; nine or more (the word OCR read) within two ("Reétérence").
  for (const word of words)
    if (word.length >= 6)
      for (const [column, list] of FUZZY)
        if (list.some((w) => withinEdits(word, w, word.length >= 9 && w.length >= 9 ? 2 : 1))) return column;
  // A short word only when it is the cell's one word: "Quy", but not a word of a longer label.
  if (words.filter(Boolean).length === 1)
    for (const [column, w] of SHORT) if (shortMatch(words.find(Boolean)!, w)) return column;
  return null;
}

// What ends a table: totals, notes, signatures, the carrier, the page footer (in the six languages).
const TERMINATOR =
  /^(sub\s*-?total|total|totals|grand\s+total|summe|gesamt|zwischensumme|totaal|subtotaal|totale|importe\s+total|montant|net\s+total|vat|mwst|btw|tva|iva|thank|danke|merci|gracias|grazie|bedankt|notes?\b|remarks?|comments?|bemerkung\w*|hinweis\w*|opmerking\w*|remarques?|observaciones|note\b|page\s+\d+|seite\s+\d+|pagina\s+\d+|blad\s+\d+|received\s+by|signature|signed|unterschrift|ware\s+erhalten|handtekening|firma|carrier|spediteur|vervoerder|transporteur|packages|colli|pakete)/i;

/**
 * Items whose baselines lie within about 0.4 of a line height of the row's mean baseline form one row: OCR words of
 * one row wobble by a point or two, and comparing with the mean rather than the first word keeps them together.
 */
function rows(items: TextItem[]): Row[] {
  const visible = items.filter((i) => i.s.trim() !== '').sort((a, b) => a.y - b.y || a.x - b.x);
  const groups: { items: TextItem[]; sum: number }[] = [];
  for (const item of visible) {
    const last = groups[groups.length - 1];
    const tolerance = Math.max(2, (item.h || 10) * 0.4);
    if (last && Math.abs(item.y - last.sum / last.items.length) <= tolerance) {
      last.items.push(item);
      last.sum += item.y;
    } else groups.push({ items: [item], sum: item.y });
  }
  return groups.map(({ items: g, sum }) => {
    const sorted = g.sort((a, b) => a.x - b.x);
    const cells = toCells(sorted);
    const h = sorted.reduce((m, i) => Math.max(m, i.h || 10), 0);
    return {
      y: sum / g.length,
      h,
      items: sorted,
      cells,
      words: headerCells(sorted, cells),
      text: cells.map((c) => c.text).join(' ')
    };
  });
}

/**
 * A row's cells as header names. OCR sets two columns' names as close as two words of one ("Qty Ordered" and "Qty
 * Shipped" half a line height apart, as "Qty" and "Shipped" are): a cell is split where both halves name a column,
 * not the same one, and share a word, which one column's name does not repeat.
 */
function headerCells(items: TextItem[], cells: Cell[]): Cell[] {
  return cells.flatMap((cell) => {
    const pieces = toCells(
      items.filter((i) => i.x >= cell.x0 - 0.01 && i.x + i.w <= cell.x1 + 0.01),
      0.5
    );
    for (let k = 1; k < pieces.length; k++) {
      const left = {
        text: pieces
          .slice(0, k)
          .map((p) => p.text)
          .join(' '),
        x0: cell.x0,
        x1: pieces[k - 1].x1
      };
      const right = {
        text: pieces
          .slice(k)
          .map((p) => p.text)
          .join(' '),
        x0: pieces[k].x0,
        x1: cell.x1
      };
      const [a, b] = [headerColumn(left.text), headerColumn(right.text)];
      const words = (t: string) =>
        fold(t)
          .split(/[^a-z]+/)
          .filter((w) => w.length >= 2);
      if (a && b && a !== b && words(left.text).some((w) => words(right.text).includes(w))) return [left, right];
    }
    return [cell];
  });
}

/** Neighbouring runs closer than about one space apart are one cell: "Hex bolt" may arrive as two runs. */
function toCells(items: TextItem[], join = 0.75): Cell[] {
  const cells: Cell[] = [];
  for (const i of items) {
    const last = cells[cells.length - 1];
    const gap = last ? i.x - last.x1 : Infinity;
    if (last && gap < Math.max(1.5, (i.h || 10) * join)) {
      last.text += (gap > (i.h || 10) * 0.1 ? ' ' : '') + i.s.trim();
      last.x1 = Math.max(last.x1, i.x + i.w);
    } else cells.push({ text: i.s.trim(), x0: i.x, x1: i.x + i.w });
  }
  return cells;
}

function headerOf(cells: Cell[]): HeaderColumn[] | null {
  const all: HeaderColumn[] = cells.map((c) => ({ column: headerColumn(c.text) ?? 'unnamed', x0: c.x0, x1: c.x1 }));
  const columns = all.filter((h) => h.column !== 'unnamed');
  const unknown = all.length - columns.length;
  // Two "qty" words: the first that is not plainly ordered is the shipped one; a second is "other".
  let seenQty = false;
  for (const h of columns)
    if (h.column === 'qty') {
      if (seenQty) h.column = 'other';
      seenQty = true;
    }
  const has = (k: Column) => columns.some((h) => h.column === k);
  const known = columns.length;
  if (!(has('qty') && (has('part') || has('description')) && known >= 2 && unknown <= known)) return null;
  return has('part') ? columns : all.filter((h) => h.column !== 'unnamed' || /[a-z]{2}/i.test(cellText(cells, h)));
}

const cellText = (cells: Cell[], h: HeaderColumn) => cells.find((c) => c.x0 === h.x0 && c.x1 === h.x1)?.text ?? '';

/** A header written on two lines: each cell of the second line joins the header cell above it. */
function withSecondLine(first: Row, next: Row | undefined): Cell[] | null {
  if (!next || next.y - first.y > first.h * 1.9) return null;
  // Both lines are words: OCR's tall boxes put a "PO: 4711" line close enough above the header to be taken for
  // its first line, and that cell then hid the part column under it.
  if (next.words.some((c) => /\d/.test(c.text)) || first.words.some((c) => /\d{2}/.test(c.text))) return null;
  const cells = first.words.map((c) => ({ ...c }));
  for (const n of next.words) {
    const above = cells.find((c) => Math.min(c.x1, n.x1) - Math.max(c.x0, n.x0) > -2);
    if (above) {
      above.text = `${above.text} ${n.text}`;
      above.x1 = Math.max(above.x1, n.x1);
    } else cells.push({ ...n });
  }
  cells.sort((a, b) => a.x0 - b.x0);
  return cells;
}

/** The column of an item: a header it overlaps, else the zone from one header's left edge to the next one's. */
function columnIndex(x0: number, x1: number, header: HeaderColumn[], h: number): number {
  // Wholly left of the first column the header names: a column whose header was not read (a line number under a
  // misread "Ln"), which is no part of the first one.
  if (x1 < header[0].x0 - h * 0.5) return -1;
  let best = -1;
  let bestOverlap = 0;
  header.forEach((c, i) => {
    const overlap = Math.min(x1, c.x1) - Math.max(x0, c.x0);
    if (overlap > bestOverlap) {
      best = i;
      bestOverlap = overlap;
    }
  });
  if (best >= 0) return best;
  const centre = (x0 + x1) / 2;
  let zone = 0;
  for (let i = 0; i < header.length; i++) if (centre >= header[i].x0 - h * 0.5) zone = i;
  return zone;
}

type Locale = 'dot' | 'comma';

/**
 * "1,200", "12", "12 EA", "3.0", "1.234" (decimal comma locale), "1,00 kg" → qty and the unit written beside it; null
 * when it is not a quantity. `exact` is false when a fraction was rounded.
 */
export function readQty(
  text: string,
  locale: Locale = 'dot'
): { qty: number; unit: string | null; exact: boolean } | null {
  const m = /^([\d.,\u202f ]*\d)\s*([A-Za-z]{1,8}\.?)?$/.exec(ocrDigits(text.trim()));
  if (!m) return null;
  const value = readNumber(m[1], locale);
  if (value === null || !(value > 0)) return null;
  const rounded = Math.max(1, Math.round(value));
  return { qty: rounded, unit: m[2] ? m[2].replace(/\.$/, '') : null, exact: rounded === value };
}

// Characters OCR reads for digits inside a number: "$00" is 500, "1O" is 10, "I2" is 12, "2l" is 21.
const DIGITISH: Record<string, string> = { O: '0', o: '0', D: '0', I: '1', l: '1', '|': '1', S: '5', $: '5', B: '8' };

/** The number at the start of a quantity cell with OCR's look-alike letters read as the digits they stand for. */
function ocrDigits(text: string): string {
  const m = /^([\d.,$|OoDIlSB]+)(\s*[A-Za-z]{2,8}\.?)?$/.exec(text);
  if (!m || !/\d/.test(m[1]) || (/^[A-Za-z]/.test(m[1]) && !/^[$|Il]/.test(m[1]))) return text;
  const digits = m[1].replace(/[^\d]/g, '').length;
  const letters = m[1].replace(/[\d.,]/g, '').length;
  return letters && letters < digits + 1 ? m[1].replace(/[$|OoDIlSB]/g, (c) => DIGITISH[c]) + (m[2] ?? '') : text;
}

function readNumber(s: string, locale: Locale): number | null {
  const t = s.replace(/[\u202f ]/g, (c, i) => (/\d{3}/.test(s.slice(i + 1, i + 4)) ? '' : c));
  if (/\s/.test(t)) return null;
  // One or two digits after the last separator make it a decimal mark whatever the locale (a thousands group has
  // three): "12,00" on a slip of "50.00"s, as OCR reads a comma for a dot and back.
  const decimal = /^(\d{1,3}(?:[.,]\d{3})*|\d+)[.,](\d{1,2})$/.exec(t);
  if (decimal) return Number(`${decimal[1].replace(/[.,]/g, '')}.${decimal[2]}`);
  const dec = locale === 'comma' ? ',' : '.';
  const group = locale === 'comma' ? '.' : ',';
  const groupedRe = new RegExp(`^\\d{1,3}(\\${group}\\d{3})+(\\${dec}\\d+)?$`);
  if (groupedRe.test(t)) return Number(t.split(group).join('').replace(dec, '.'));
  const plain = new RegExp(`^\\d+(\\${dec}\\d+)?$`);
  if (plain.test(t)) return Number(t.replace(dec, '.'));
  return null;
}

/** The decimal separator of a document, from its numbers: "1.234,56" and "12,5" say comma; "1,234.56" and "2.50" dot. */
function localeOf(texts: string[], hint: Locale): Locale {
  let comma = 0;
  let dot = 0;
  for (const raw of texts)
    for (const t of raw.split(/\s+/)) {
      if (/^\d{1,3}(\.\d{3})+,\d+$/.test(t) || /^\d+,\d{1,2}$/.test(t)) comma++;
      else if (/^\d{1,3}(,\d{3})+\.\d+$/.test(t) || /^\d+\.\d{1,2}$/.test(t)) dot++;
      else if (/^\d{1,3}(\.\d{3}){2,}$/.test(t)) comma++;
      else if (/^\d{1,3}(,\d{3}){2,}$/.test(t)) dot++;
      // "19.151" is a thousands group on a German slip and a fraction nowhere it is likely: a grouping either way
      // counts for the locale the slip's language says, so one number OCR cut short ("3.99" for "3.996") is outvoted.
      else if (hint === 'comma' && /^\d{1,3}(\.\d{3})+$/.test(t)) comma++;
      else if (hint === 'dot' && /^\d{1,3}(,\d{3})+$/.test(t)) dot++;
    }
  return comma > dot ? 'comma' : dot > comma ? 'dot' : hint;
}

const NON_ENGLISH =
  /\b(menge|anzahl|bezeichnung|artikel\w*|einheit|aantal|hoeveelheid|omschrijving|eenheid|quantite|designation|reference|cantidad|descripcion|codigo|quantita|descrizione|codice|lieferschein|pakbon|albaran|bolla|rechnung|factuur|facture|factura|fattura|datum|fecha|bestel\w*)\b/;

interface TableRow {
  by: Partial<Record<Column, string>>;
  /** The runs each column's text came from (OCR reads the part and quantity cells a second time from these). */
  items: Partial<Record<Column, TextItem[]>>;
  row: Row;
}

function cellsByColumn(
  row: Row,
  header: HeaderColumn[],
  items: Partial<Record<Column, TextItem[]>> = {}
): Partial<Record<Column, string>> {
  const parts: TextItem[][] = header.map(() => []);
  for (const item of row.items) {
    const i = columnIndex(item.x, item.x + item.w, header, item.h || 10);
    if (i >= 0) parts[i].push(item);
  }
  const by: Partial<Record<Column, string>> = {};
  let spill: string | null = null;
  header.forEach((h, i) => {
    if (!parts[i].length) return;
    let text = parts[i].map((p) => p.s.trim()).join(' ');
    let from = parts[i];
    // A part number is one cell: what stands apart after it is a column whose header was not read (OCR lost a
    // "Description"), and is the description when the slip has no other.
    if (h.column === 'part') {
      const cells = toCells(parts[i]);
      if (cells.length > 1) {
        text = cells[0].text;
        from = parts[i].filter((p) => p.x < cells[0].x1);
        spill = cells
          .slice(1)
          .map((c) => c.text)
          .join(' ');
      }
    }
    // The first of several columns of one kind keeps its name; the rest cannot be told apart, so they are "other".
    if (by[h.column] === undefined) {
      by[h.column] = text;
      items[h.column] = from;
    }
  });
  if (spill && by.description === undefined && !header.some((h) => h.column === 'description')) by.description = spill;
  return by;
}

const BRACKETED = /^\s*[[(]([A-Za-z0-9][A-Za-z0-9./-]{2,})[\])]\s*(.*)$/;
// As OCR reads brackets: "|JRK902-863)", "{AB-12]", a hyphen lost to a space inside ("[JRK902 B63]").
const OCR_BRACKETED = /^\s*[[(|{]([A-Za-z0-9][A-Za-z0-9./-]{2,}(?: [A-Za-z0-9./-]*\d[A-Za-z0-9./-]*)?)[\])|}]\s*(.*)$/;
// The opening bracket read as a 1, l or I ("178553608)" for "(78553608)"): a closing bracket with none before it. A
// guess (the code may begin with a 1 whose bracket was lost), so the line is marked for checking.
const LOST_OPENER = /^\s*[1lI]([A-Za-z0-9][A-Za-z0-9./-]{4,})[\])]\s+(.*)$/;

// A code as a part column holds it: one word of letters, digits and separators, with a digit.
const CODE = /^[A-Za-z0-9][A-Za-z0-9./-]{3,}$/;
const isCode = (t: string | undefined): t is string => !!t && CODE.test(t.trim()) && /\d/.test(t);

function lineFrom(
  { by, items }: TableRow,
  locale: Locale,
  opts: ParseOptions,
  unnamedIsPart = false
): ParsedLine | null {
  const ocr = !!opts.ocr;
  // OCR's noise after a quantity ("3,00 p¢" for "3,00 pc"): the number that starts the cell is the quantity.
  const q = by.qty ? (readQty(by.qty, locale) ?? (ocr ? readQty(by.qty.split(/\s+/)[0], locale) : null)) : null;
  if (!q) return null;
  let part = by.part?.trim() || (unnamedIsPart && isCode(by.unnamed) ? by.unnamed.trim() : null);
  let description = by.description?.trim() ?? '';
  const bracket = BRACKETED.exec(description) ?? (ocr ? OCR_BRACKETED.exec(description) : null);
  const lost = !part && !bracket && ocr ? LOST_OPENER.exec(description) : null;
  if (!part && (bracket ?? (lost && /\d/.test(lost[1]) ? lost : null))) {
    const b = (bracket ?? lost)!;
    part = b[1];
    description = b[2].trim();
  }
  if (!part && !description) return null;
  if (part && !/[A-Za-z0-9]/.test(part)) return null;
  let confidence = 1;
  if (!part) confidence -= 0.3; // no part number: the item must be picked by hand
  if (!q.exact) confidence -= 0.3; // a fractional quantity was rounded
  if (part && /\s/.test(part)) confidence -= 0.1;
  if (part && !bracket && lost) confidence -= 0.25; // the opening bracket was guessed // a part number with a space may have taken a neighbour's text
  // OCR was unsure of the part or the quantity (its two readings disagreed, or it gave a low confidence): a person
  // checks the line rather than trust either reading.
  if (opts.unsure && [...(items.part ?? []), ...(items.qty ?? [])].some(opts.unsure)) confidence -= 0.25;
  return {
    supplier_part: part,
    description,
    qty: q.qty,
    unit: by.unit?.trim() || q.unit,
    lot: by.lot?.trim() || null,
    confidence: Math.round(confidence * 100) / 100
  };
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const pad = (n: number) => String(n).padStart(2, '0');
function isoDate(y: number, m: number, d: number): string | null {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d
    ? `${y}-${pad(m)}-${pad(d)}`
    : null;
}

/** Dates as slips print them: 2026-03-12, 12.03.2026 (day first), 03/12/2026 (month first), 12 Mar 2026, March 12, 2026. */
export function readDate(text: string): string | null {
  let m = /(\d{4})-(\d{1,2})-(\d{1,2})/.exec(text);
  if (m) return isoDate(+m[1], +m[2], +m[3]);
  m = /(\d{1,2})\.(\d{1,2})\.(\d{4})/.exec(text);
  if (m) return isoDate(+m[3], +m[2], +m[1]);
  m = /(\d{1,2})\/(\d{1,2})\/(\d{4})/.exec(text);
  if (m) return isoDate(+m[3], +m[1], +m[2]);
  m = /(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?\s+(\d{4})/.exec(text);
  if (m && MONTHS.includes(m[2].toLowerCase())) return isoDate(+m[3], MONTHS.indexOf(m[2].toLowerCase()) + 1, +m[1]);
  m = /([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})/.exec(text);
  if (m && MONTHS.includes(m[1].toLowerCase())) return isoDate(+m[3], MONTHS.indexOf(m[1].toLowerCase()) + 1, +m[2]);
  return null;
}

// A label, an optional "No."/"Nr."/"n°"/"number", a colon, and a value of letters, digits, / . - with a digit in it.
// A letter or two before "nummer" is OCR's misreading of the label's end ("Bestelinummer" for "Bestellnummer").
// OCR reads "n°" as "n*" or "n'".
const NO = String.raw`(?:\s*-?\s*(?:no\.?|nr\.?|n[°º*'"]\.?|n\.|number|\p{L}{0,2}nummer|num\.?|#))?\s*[:#]?\s*`;
const VALUE = String.raw`([A-Z0-9][A-Z0-9/.-]*\d[A-Z0-9/-]*|\d[A-Z0-9/.-]*)`;
// A label written onto digits ("BL916805", "PO-58175320") is the value's own prefix, not a label: the value
// stands alone in its cell when OCR set it apart from "Packing Slip No:".
const GLUED = String.raw`(?!-?\d)`;
const SLIP_NO = new RegExp(
  String.raw`\b(?:packing\s*slip|packing\s*list|delivery\s*note|despatch\s*note|dispatch\s*note|slip|delivery|shipment|invoice|lieferschein|rechnung(?:s)?|pakbon|factuur|leveringsbon|bon\s+de\s+livraison|bl|facture|albar[aá]n|factura|bolla|ddt|documento\s+di\s+trasporto|fattura)${GLUED}${NO}${VALUE}`,
  'iu'
);
const PO_NO = new RegExp(
  String.raw`\b(?:purchase\s+order|your\s+order|customer\s+order|order|uw\s+bestel(?:ling)?|bestel(?:ling)?|bestell(?:ung)?|ihre\s+bestellung|commande|n[°º]\s*de\s*commande|pedido|ordine|p\.?\s?o\.?)${GLUED}${NO}${VALUE}`,
  'iu'
);
const DATE = /\b(?:date|datum|fecha|data|ship\s*date|delivery\s*date|lieferdatum|leverdatum)\b\s*:?\s*(.+)$/iu;
const SUPPLIER =
  /\b(?:supplier|vendor|from|shipped\s+by|lieferant|leverancier|fournisseur|proveedor|fornitore)\s*:\s*(.+)$/iu;
const TITLE =
  /^(packing\s*(slip|list)|delivery\s*note|invoice|lieferschein|rechnung|pakbon|factuur|bon\s+de\s+livraison|facture|albar[aá]n|factura|bolla|documento\s+di\s+trasporto|fattura|page\b)/iu;

/** Supplier, slip number, PO number and date from the rows outside the table. */
function readHeaderFields(textRows: Row[]): Omit<ParsedSlip, 'lines'> {
  const out: Omit<ParsedSlip, 'lines'> = { supplier: null, slip_number: null, po_number: null, date: null };
  for (const row of textRows)
    for (const cell of row.cells) {
      const t = cell.text;
      // A cell may hold two labelled fields ("PO: 4500 Date: 2026-03-12"): read each label from its own place.
      const po = PO_NO.exec(t);
      out.po_number ??= po?.[1] ?? null;
      out.slip_number ??=
        SLIP_NO.exec(po ? t.slice(0, po.index) + ' ' + t.slice(po.index + po[0].length) : t)?.[1] ?? null;
      const date = DATE.exec(t);
      out.date ??= date ? readDate(date[1]) : null;
      out.supplier ??=
        SUPPLIER.exec(t)?.[1]
          .split(/\s{2,}|\b(?:date|p\.?o\.?|slip)\b/i)[0]
          .trim() || null;
    }
  // OCR gives words, not a PDF's runs: a label and its value may be cells apart ("Slip" "No:" "4711").
  for (const row of textRows) {
    const t = row.text;
    const po = PO_NO.exec(t);
    out.po_number ??= po?.[1] ?? null;
    out.slip_number ??=
      SLIP_NO.exec(po ? t.slice(0, po.index) + ' ' + t.slice(po.index + po[0].length) : t)?.[1] ?? null;
    const date = DATE.exec(t);
    out.date ??= date ? readDate(date[1]) : null;
  }
  // Unlabelled, the supplier is the letterhead: the first cell that is not a labelled field, a number or the title.
  for (const row of textRows) {
    if (out.supplier) break;
    for (const cell of row.cells)
      if (
        !TITLE.test(cell.text.trim()) &&
        !/[:#]/.test(cell.text) &&
        /[A-Za-z]{2}/.test(cell.text) &&
        !/\d{3}/.test(cell.text)
      ) {
        out.supplier = cell.text.trim();
        break;
      }
  }
  return out;
}

export interface ParseOptions {
  /** The text is OCR's: part numbers misread by look-alike characters are given the shape the others share. */
  ocr?: boolean;
  /** Runs the OCR was unsure of: a line with one in its part or quantity is marked for a person to check. */
  unsure?: (item: TextItem) => boolean;
}

/** The table's rows (each line's first row and its wrapped rows) and the rows outside it, page after page. */
function readTable(layer: TextLayer, opts: ParseOptions) {
  const outside: Row[] = [];
  const table: TableRow[][] = []; // one entry per line: its first row and the wrapped rows under it
  const numbers: string[] = [];
  let hint: Locale = 'dot';
  let header: HeaderColumn[] | null = null;
  for (const page of layer) {
    const all = rows(page.items);
    let inTable = false;
    for (let r = 0; r < all.length; r++) {
      const row = all[r];
      const second = withSecondLine(row, all[r + 1]);
      const withSecond = second ? headerOf(second) : null;
      const found = withSecond ?? headerOf(row.words);
      if (found) {
        header = found;
        inTable = true;
        if (NON_ENGLISH.test(fold(row.text + ' ' + (withSecond ? all[r + 1].text : '')))) hint = 'comma';
        if (withSecond) r++;
        continue;
      }
      if (!inTable || !header) {
        outside.push(row);
        continue;
      }
      if (TERMINATOR.test(row.text.trim())) {
        inTable = false;
        outside.push(row);
        continue;
      }
      const items: TableRow['items'] = {};
      const by = cellsByColumn(row, header, items);
      // OCR joins a right-aligned quantity to the unit beside it ("24M"), and the run lands in the unit's column.
      const joined = opts.ocr && !by.qty && by.unit ? /^(\d[\d.,]*)\s*(\D.*)$/.exec(by.unit.trim()) : null;
      if (joined) [by.qty, by.unit] = [joined[1], joined[2]];
      for (const k of ['qty', 'ordered', 'bo', 'other'] as const) if (by[k]) numbers.push(by[k]!);
      if (by.qty && /\d/.test(by.qty)) table.push([{ by, items, row }]);
      else if (table.length && Object.keys(by).every((k) => k === 'description' || k === 'part' || k === 'lot'))
        table[table.length - 1].push({ by, items, row });
      else if (!table.length) outside.push(row);
    }
  }
  return { outside, table, numbers, hint };
}

/**
 * The runs of each table line's part and quantity cells, page by page (OCR reads these again on their own, with
 * each column's alphabet): only cells of one run, whose box is the cell's.
 */
export function tableCells(layer: TextLayer): { part: TextItem[]; qty: TextItem[] } {
  const out = { part: [] as TextItem[], qty: [] as TextItem[] };
  for (const [first] of readTable(layer, { ocr: true }).table)
    for (const k of ['part', 'qty'] as const) if (first.items[k]?.length === 1) out[k].push(first.items[k][0]);
  return out;
}

/** Reads a slip from its text layer (one or several pages); no header row on any page means no lines. */
export function parseTextLayer(layer: TextLayer, opts: ParseOptions = {}): ParsedSlip {
  const { outside, table, numbers, hint } = readTable(layer, opts);
  const locale = localeOf(numbers, hint);
  const lines: ParsedLine[] = [];
  // A column whose header word was lost, in a table that names no part column, is the part column when most of
  // its cells are codes ("tem" over T3643TB, W2670TD…).
  const unnamedIsPart = table.filter(([f]) => isCode(f.by.unnamed)).length * 2 > table.length;
  for (const [first, ...wrapped] of table) {
    const line = lineFrom(first, locale, opts, unnamedIsPart);
    if (!line) continue;
    for (const w of wrapped) if (w.by.description) line.description = `${line.description} ${w.by.description}`.trim();
    lines.push(line);
  }
  if (opts.ocr)
    alignShapes(lines.map((l) => l.supplier_part)).forEach((a, i) => {
      lines[i].supplier_part = a.value;
      if (!a.changed) return;
      // A guess: below UNSURE, so a person checks it.
      lines[i].confidence = Math.max(0, Math.round((lines[i].confidence - 0.25) * 100) / 100);
    });
  return { ...readHeaderFields(outside), lines };
}

/** Whether a text layer holds enough text to be a digital slip rather than a picture of one. */
export const hasText = (layer: TextLayer) => layer.some((p) => p.items.filter((i) => i.s.trim() !== '').length >= 5);
