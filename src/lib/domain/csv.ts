// CSV in and out: RFC 4180 quoting, UTF-8 with or without a byte order mark, comma or semicolon (what a
// spreadsheet in a decimal-comma locale writes), and the item import's rules row by row.
import { itemId } from './events';
import { IMPORT_FIELDS, parseImportCell, type ImportField, type ImportValues } from './items';

export const ITEM_CSV_COLUMNS = ['item_id', ...IMPORT_FIELDS] as const;

/** Splits CSV text into records of fields. The delimiter is the one of `,` or `;` the header line uses most. */
export function parseCsv(text: string): { delimiter: ',' | ';'; records: string[][] } {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = (firstLine.split(';').length > firstLine.split(',').length ? ';' : ',') as ',' | ';';
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === delimiter) {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || record.length) {
    record.push(field);
    records.push(record);
  }
  return { delimiter, records: records.filter((r) => !(r.length === 1 && r[0] === '')) };
}

/** One CSV line; fields that could be read as a formula by a spreadsheet are prefixed with a quote. */
export function csvLine(values: unknown[], delimiter = ','): string {
  return (
    values
      .map((v) => {
        let s = v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : String(v);
        if (/^[=+\-@\t\r]/.test(s) && !/^[+-]?\d/.test(s)) s = "'" + s;
        return /[",;\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
      })
      .join(delimiter) + '\r\n'
  );
}

export interface CsvError {
  row: number; // 1-based line of the file, the header being row 1
  column: string;
  message: string;
}

/** The columns a file sets: item_id always, the others where the header names them (the rest are kept). */
export interface ItemImport {
  columns: ImportField[];
  rows: (Partial<ImportValues> & { item_id: string; row: number })[];
  errors: CsvError[];
}

export function parseItemsCsv(text: string): ItemImport {
  const { records } = parseCsv(text);
  const errors: CsvError[] = [];
  if (!records.length) return { columns: [], rows: [], errors: [{ row: 1, column: '', message: 'the file is empty' }] };
  const header = records[0].map((h) => h.trim().toLowerCase());
  const unknown = header.filter((h) => !(ITEM_CSV_COLUMNS as readonly string[]).includes(h));
  for (const h of unknown)
    errors.push({ row: 1, column: h, message: `unknown column; the columns are ${ITEM_CSV_COLUMNS.join(', ')}` });
  for (const h of new Set(header.filter((h, i) => header.indexOf(h) !== i)))
    errors.push({ row: 1, column: h, message: 'the column appears twice' });
  if (!header.includes('item_id'))
    errors.push({ row: 1, column: 'item_id', message: 'the header must name the item_id column' });
  if (errors.length) return { columns: [], rows: [], errors };
  const columns = IMPORT_FIELDS.filter((f) => header.includes(f));

  const rows: ItemImport['rows'] = [];
  const firstRowOf = new Map<string, number>();
  const gtinRow = new Map<string, number>();
  for (let r = 1; r < records.length; r++) {
    const rec = records[r];
    const line = r + 1;
    if (rec.length !== header.length) {
      errors.push({ row: line, column: '', message: `has ${rec.length} fields; the header has ${header.length}` });
      continue;
    }
    const cell = (name: string) => rec[header.indexOf(name)];
    const id = itemId.safeParse(cell('item_id'));
    const row: ItemImport['rows'][number] = { item_id: id.success ? id.data : '', row: line };
    if (!id.success) errors.push({ row: line, column: 'item_id', message: id.error.issues[0].message });
    else if (firstRowOf.has(id.data))
      errors.push({ row: line, column: 'item_id', message: `${id.data} is also on row ${firstRowOf.get(id.data)}` });
    else firstRowOf.set(id.data, line);
    for (const f of columns) {
      const parsed = parseImportCell(f, cell(f));
      if (!parsed.ok) errors.push({ row: line, column: f, message: parsed.message });
      else (row as Record<string, unknown>)[f] = parsed.value;
    }
    if (typeof row.gtin === 'string') {
      if (gtinRow.has(row.gtin))
        errors.push({ row: line, column: 'gtin', message: `${row.gtin} is also on row ${gtinRow.get(row.gtin)}` });
      else gtinRow.set(row.gtin, line);
    }
    rows.push(row);
  }
  if (records.length < 2) errors.push({ row: 2, column: '', message: 'the file has a header but no rows' });
  return { columns, rows, errors };
}

/** The file a supervisor fills in: the header and one example row. */
export function itemsTemplate(): string {
  return (
    csvLine([...ITEM_CSV_COLUMNS]) +
    csvLine(['BOLT-M8', 'Hex bolt M8 x 30', 'ea', 50, 200, '4006381333931', 'true', 'none'])
  );
}

/**
 * A CSV file of master data read against its columns: the header checked (unknown, repeated and missing required
 * columns), then each record as a cell lookup by column name with its 1-based line. Rows with the wrong number of
 * fields are reported and left out.
 */
export function readCsvTable(
  text: string,
  columns: readonly string[],
  required: readonly string[]
): { header: string[]; rows: { line: number; cell: (name: string) => string }[]; errors: CsvError[] } {
  const { records } = parseCsv(text);
  const errors: CsvError[] = [];
  if (!records.length) return { header: [], rows: [], errors: [{ row: 1, column: '', message: 'the file is empty' }] };
  const header = records[0].map((h) => h.trim().toLowerCase());
  for (const h of header.filter((h) => !columns.includes(h)))
    errors.push({ row: 1, column: h, message: `unknown column; the columns are ${columns.join(', ')}` });
  for (const h of new Set(header.filter((h, i) => header.indexOf(h) !== i)))
    errors.push({ row: 1, column: h, message: 'the column appears twice' });
  for (const r of required.filter((r) => !header.includes(r)))
    errors.push({ row: 1, column: r, message: `the header must name the ${r} column` });
  if (errors.length) return { header, rows: [], errors };
  if (records.length < 2) errors.push({ row: 2, column: '', message: 'the file has a header but no rows' });
  const rows = [];
  for (let r = 1; r < records.length; r++) {
    const rec = records[r];
    if (rec.length !== header.length) {
      errors.push({ row: r + 1, column: '', message: `has ${rec.length} fields; the header has ${header.length}` });
      continue;
    }
    rows.push({ line: r + 1, cell: (name: string) => rec[header.indexOf(name)] ?? '' });
  }
  return { header, rows, errors };
}

/** A decimal as a person types it: "12.5", or "12,5" from a decimal-comma spreadsheet. NaN when it is not one. */
export function decimalText(text: string): number {
  const t = text.trim().replace(/^([+-]?\d+),(\d+)$/, '$1.$2');
  return /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(t) ? Number(t) : NaN;
}
