// The reader as it was before issue 15, kept only so the bench can print before and after side by side.
// The digital packing-slip reader: rebuilds the table from positioned text (rows by baseline, cells by gaps, columns
// from the header row) and reads supplier, slip number, PO number and date from the lines around it. Deterministic.
import type { ParsedLine, ParsedSlip, TextItem, TextLayer } from '#domain/slip';

type Column = 'qty' | 'part' | 'description' | 'unit' | 'lot';

interface Cell {
  text: string;
  x0: number;
  x1: number;
}
interface Row {
  y: number;
  cells: Cell[];
  text: string;
}
interface HeaderColumn {
  column: Column;
  x0: number;
  x1: number;
}

// Header words, checked in this order: "Qty shipped" is quantity, "Item description" is description.
const HEADERS: [Column, RegExp][] = [
  ['description', /^(item\s+|product\s+)?(description|desc\.?)$/i],
  ['qty', /^(qty|quantity|shipped|qty\.?\s*shipped|ship(ped)?\s*qty\.?|quantity\s*shipped|qty\.)$/i],
  ['unit', /^(unit|uom|u\/m|units)$/i],
  ['lot', /^(lot|batch|lot\s*(no\.?|number|#)|batch\s*(no\.?|number|#))$/i],
  [
    'part',
    /^(item|part|sku|item\s*(no\.?|number|#|code)|part\s*(no\.?|number|#)|product\s*(code|no\.?)|catalog\s*(no\.?|#)|supplier\s*part|article(\s*no\.?)?)$/i
  ]
];
const TERMINATOR = /^(sub\s*total|total|totals|grand\s+total|thank|notes?:|page\s+\d+|received\s+by|signature)/i;

function headerColumn(text: string): Column | null {
  const t = text.trim().replace(/[:#]$/, '').trim();
  for (const [column, re] of HEADERS) if (re.test(t)) return column;
  return null;
}

/** Items whose baselines lie within a third of a line height of each other form one row. */
function rows(items: TextItem[]): Row[] {
  const visible = items.filter((i) => i.s.trim() !== '').sort((a, b) => a.y - b.y || a.x - b.x);
  const groups: TextItem[][] = [];
  for (const item of visible) {
    const last = groups[groups.length - 1];
    const tolerance = Math.max(2, (item.h || 10) / 3);
    if (last && Math.abs(item.y - last[0].y) <= tolerance) last.push(item);
    else groups.push([item]);
  }
  return groups.map((g) => {
    const cells = toCells(g.sort((a, b) => a.x - b.x));
    return { y: g[0].y, cells, text: cells.map((c) => c.text).join(' ') };
  });
}

/** Neighbouring runs closer than about one space apart are one cell: "Hex bolt" may arrive as two runs. */
function toCells(items: TextItem[]): Cell[] {
  const cells: Cell[] = [];
  for (const i of items) {
    const last = cells[cells.length - 1];
    const gap = last ? i.x - last.x1 : Infinity;
    if (last && gap < Math.max(1.5, (i.h || 10) * 0.6)) {
      last.text += (gap > (i.h || 10) * 0.1 ? ' ' : '') + i.s.trim();
      last.x1 = Math.max(last.x1, i.x + i.w);
    } else cells.push({ text: i.s.trim(), x0: i.x, x1: i.x + i.w });
  }
  return cells;
}

function findHeader(row: Row): HeaderColumn[] | null {
  const columns: HeaderColumn[] = [];
  for (const c of row.cells) {
    const column = headerColumn(c.text);
    if (column && !columns.some((h) => h.column === column)) columns.push({ column, x0: c.x0, x1: c.x1 });
  }
  const has = (k: Column) => columns.some((h) => h.column === k);
  return has('qty') && (has('part') || has('description')) ? columns : null;
}

/** The column a cell belongs to: the header it overlaps most, else the nearest one. */
function columnOf(cell: Cell, header: HeaderColumn[]): Column {
  let best = header[0];
  let bestScore = -Infinity;
  for (const h of header) {
    const overlap = Math.min(cell.x1, h.x1) - Math.max(cell.x0, h.x0);
    const score = overlap > 0 ? overlap : -Math.max(h.x0 - cell.x1, cell.x0 - h.x1);
    if (score > bestScore) {
      best = h;
      bestScore = score;
    }
  }
  return best.column;
}

/** "1,200", "12", "12 EA", "3.0" → qty and the unit written beside it; null when it is not a quantity. */
export function readQty(text: string): { qty: number; unit: string | null; exact: boolean } | null {
  const m = /^(\d{1,3}(?:[,\u202f ]\d{3})+|\d+)(?:[.,](\d+))?\s*([A-Za-z]{1,8})?$/.exec(text.trim());
  if (!m) return null;
  const whole = Number(m[1].replace(/[,\u202f ]/g, ''));
  const frac = m[2] ? Number('0.' + m[2]) : 0;
  const value = whole + frac;
  if (!(value > 0)) return null;
  return { qty: Math.max(1, Math.round(value)), unit: m[3] ?? null, exact: frac === 0 };
}

function lineFrom(row: Row, header: HeaderColumn[]): ParsedLine | null {
  const by: Partial<Record<Column, string>> = {};
  for (const cell of row.cells) {
    const column = columnOf(cell, header);
    by[column] = by[column] ? `${by[column]} ${cell.text}` : cell.text;
  }
  const q = by.qty ? readQty(by.qty) : null;
  if (!q || (!by.part && !by.description)) return null;
  let confidence = 1;
  if (!by.part) confidence -= 0.3; // no part number: the item must be picked by hand
  if (!q.exact) confidence -= 0.3; // a fractional quantity was rounded
  return {
    supplier_part: by.part ?? null,
    description: by.description ?? '',
    qty: q.qty,
    unit: by.unit ?? q.unit,
    lot: by.lot ?? null,
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

// A number is a run of letters, digits, / and - holding at least one digit ("PO Box" is not a PO number).
const SLIP_NO =
  /\b(?:packing\s*slip|packing\s*list|delivery\s*note|slip|delivery|shipment)\s*(?:no\.?|number|#)?\s*[:#]?\s*([A-Z0-9/-]*\d[A-Z0-9/-]*)\b/i;
const PO_NO = /\b(?:p\.?\s?o\.?|purchase\s+order)\s*(?:no\.?|number|#)?\s*[:#]?\s*([A-Z0-9/-]*\d[A-Z0-9/-]*)\b/i;
const SUPPLIER = /\b(?:supplier|vendor|from|shipped\s+by)\s*:\s*(.+)$/i;
const DATE = /\b(?:date|ship\s*date|shipped|delivery\s*date)\s*:?\s*(.+)$/i;

/** Supplier, slip number, PO number and date from the rows outside the table. */
function readHeaderFields(textRows: string[]): Omit<ParsedSlip, 'lines'> {
  const out: Omit<ParsedSlip, 'lines'> = { supplier: null, slip_number: null, po_number: null, date: null };
  for (const t of textRows) {
    // A row may hold two labelled fields ("PO: 4500 Date: 2026-03-12"): read each label from its own position.
    out.po_number ??= PO_NO.exec(t)?.[1] ?? null;
    out.slip_number ??= SLIP_NO.exec(t.replace(PO_NO, ''))?.[1] ?? null;
    const date = DATE.exec(t);
    out.date ??= date ? readDate(date[1]) : null;
    out.supplier ??=
      SUPPLIER.exec(t)?.[1]
        .split(/\s{2,}|\b(?:date|p\.?o\.?|slip)\b/i)[0]
        .trim() || null;
  }
  // Unlabelled, the supplier is the letterhead: the first row that is not a labelled field or the title.
  out.supplier ??=
    textRows.find(
      (t) => !/packing\s*(slip|list)|delivery\s*note|:|\b(date|p\.?o\.?|slip|page)\b/i.test(t) && /[A-Za-z]{2}/.test(t)
    ) ?? null;
  return out;
}

/** Reads a slip from its text layer; no header row on any page means no lines (the model or a person reads it). */
export function parseTextLayer(layer: TextLayer): ParsedSlip {
  const lines: ParsedLine[] = [];
  const outside: string[] = [];
  let header: HeaderColumn[] | null = null;
  for (const page of layer) {
    let inTable = false;
    for (const row of rows(page.items)) {
      const found = findHeader(row);
      if (found) {
        header = found;
        inTable = true;
        continue;
      }
      if (inTable && TERMINATOR.test(row.text)) {
        inTable = false;
        continue;
      }
      const line = inTable && header ? lineFrom(row, header) : null;
      if (line) lines.push(line);
      else if (!inTable) outside.push(row.text);
      else if (header && lines.length && continuesDescription(row, header)) {
        const last = lines[lines.length - 1];
        last.description = `${last.description} ${row.text}`.trim();
      }
    }
  }
  return { ...readHeaderFields(outside), lines };
}

/** A wrapped description: a table row whose only cells sit under the description column. */
function continuesDescription(row: Row, header: HeaderColumn[]): boolean {
  return (
    header.some((h) => h.column === 'description') && row.cells.every((c) => columnOf(c, header) === 'description')
  );
}

/** Whether a text layer holds enough text to be a digital slip rather than a picture of one. */
export const hasText = (layer: TextLayer) => layer.some((p) => p.items.filter((i) => i.s.trim() !== '').length >= 5);
