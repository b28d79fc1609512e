import { describe, expect, it } from 'vitest';
import { csvLine, itemsTemplate, parseCsv, parseItemsCsv } from './csv';

describe('parseCsv', () => {
  it('reads quotes, doubled quotes, line breaks in fields, CRLF, a BOM and semicolons', () => {
    expect(parseCsv('a,b\r\n"x, ""y""",2\n"multi\nline",3\n').records).toEqual([
      ['a', 'b'],
      ['x, "y"', '2'],
      ['multi\nline', '3']
    ]);
    const semi = parseCsv('\uFEFFitem_id;description\nP-1;Bolt, hex\n');
    expect(semi.delimiter).toBe(';');
    expect(semi.records).toEqual([
      ['item_id', 'description'],
      ['P-1', 'Bolt, hex']
    ]);
  });
  it('writes what it reads back, and defuses spreadsheet formulas', () => {
    const line = csvLine(['a,b', 'say "hi"', null, 5, '=cmd()', '-3']);
    expect(line).toBe('"a,b","say ""hi""",,5,\'=cmd(),-3\r\n');
    expect(parseCsv(line).records[0]).toEqual(['a,b', 'say "hi"', '', '5', "'=cmd()", '-3']);
  });
});

describe('parseItemsCsv', () => {
  it('reads the template', () => {
    const r = parseItemsCsv(itemsTemplate());
    expect(r.errors).toEqual([]);
    expect(r.rows).toEqual([
      {
        item_id: 'BOLT-M8',
        row: 2,
        description: 'Hex bolt M8 x 30',
        unit: 'ea',
        reorder_point: 50,
        reorder_qty: 200,
        gtin: '4006381333931',
        active: true,
        tracking: 'none'
      }
    ]);
  });
  it('reads tracking as none, lot or serial in any case, empty being none, and refuses anything else', () => {
    const r = parseItemsCsv('item_id,tracking\nA,lot\nB, Serial \nC,\nD,batch\nE,lots\n');
    expect(r.columns).toEqual(['tracking']);
    expect(r.errors).toEqual([
      { row: 5, column: 'tracking', message: 'must be none, lot or serial' },
      { row: 6, column: 'tracking', message: 'must be none, lot or serial' }
    ]);
    expect(r.rows.slice(0, 3).map((x) => [x.item_id, x.tracking])).toEqual([
      ['A', 'lot'],
      ['B', 'serial'],
      ['C', 'none']
    ]);
  });
  it('lists every error with its row and column', () => {
    const text = 'item_id;reorder_point;gtin\nA;5;\nA;x;4006381333932\n;-1;\nB;3\nC;1;96385074\nD;2;96385074\n';
    expect(parseItemsCsv(text).errors).toEqual([
      { row: 3, column: 'item_id', message: 'A is also on row 2' },
      { row: 3, column: 'reorder_point', message: 'must be a whole number' },
      { row: 3, column: 'gtin', message: expect.stringMatching(/check digit/) },
      { row: 4, column: 'item_id', message: 'must not be empty' },
      { row: 4, column: 'reorder_point', message: 'must be 0 or more' },
      { row: 5, column: '', message: 'has 2 fields; the header has 3' },
      { row: 7, column: 'gtin', message: '96385074 is also on row 6' }
    ]);
  });
  it('refuses unknown or missing header columns', () => {
    expect(parseItemsCsv('sku,description\nA,b\n').errors.map((e) => e.column)).toEqual(['sku', 'item_id']);
    expect(parseItemsCsv('').errors[0].message).toBe('the file is empty');
  });
});
