import { describe, expect, it } from 'vitest';
import type { TextItem, TextLayer } from './slip';
import { hasText, parseTextLayer, readDate, readQty } from './slip-parse';

// A row of cells at baseline y: [text, x] pairs, each 6 pt per character wide.
const row = (y: number, ...cells: [string, number][]): TextItem[] => cells.map(([s, x]) => ({ s, x, y, w: s.length * 6, h: 10 }));
const page = (...rows: TextItem[][]): TextLayer => [{ width: 612, height: 792, items: rows.flat() }];

describe('readQty', () => {
  it.each([
    ['12', { qty: 12, unit: null, exact: true }],
    ['1,200', { qty: 1200, unit: null, exact: true }],
    ['3 BOX', { qty: 3, unit: 'BOX', exact: true }],
    ['2.0', { qty: 2, unit: null, exact: true }],
    ['2.5kg', { qty: 3, unit: 'kg', exact: false }]
  ])('reads %s', (text, expected) => expect(readQty(text)).toEqual(expected));
  it.each(['', 'abc', '0', '-3', 'AF-100', '12 34 56 78'])('refuses %s', (text) => expect(readQty(text)).toBeNull());
});

describe('readDate', () => {
  it.each([
    ['2026-03-12', '2026-03-12'],
    ['12.03.2026', '2026-03-12'],
    ['03/12/2026', '2026-03-12'],
    ['12 Mar 2026', '2026-03-12'],
    ['March 12, 2026', '2026-03-12'],
    ['2026-02-30', null],
    ['soon', null]
  ])('reads %s as %s', (text, expected) => expect(readDate(text)).toBe(expected));
});

describe('parseTextLayer', () => {
  it('maps columns by the header, whatever their order, and stops at the total', () => {
    const layer = page(
      row(40, ['Widget Works', 40]),
      row(60, ['Slip #: W-9', 40], ['PO: 77', 300]),
      row(100, ['Description', 40], ['SKU', 250], ['Qty', 400]),
      row(120, ['Gear 12T', 40], ['G-12', 250], ['4', 400]),
      row(136, ['Gear 24T', 40], ['G-24', 250], ['10', 400]),
      row(160, ['Total', 40], ['14', 400])
    );
    expect(parseTextLayer(layer)).toEqual({
      supplier: 'Widget Works',
      slip_number: 'W-9',
      po_number: '77',
      date: null,
      lines: [
        { supplier_part: 'G-12', description: 'Gear 12T', qty: 4, unit: null, lot: null, confidence: 1 },
        { supplier_part: 'G-24', description: 'Gear 24T', qty: 10, unit: null, lot: null, confidence: 1 }
      ]
    });
  });

  it('joins runs of one cell and rows whose baselines differ by a fraction of a line', () => {
    const layer = page(
      row(100, ['Qty', 40], ['Part', 100], ['Description', 200]),
      [...row(120, ['5', 40], ['P-1', 100], ['Hex', 200]), ...row(121.5, ['bolt', 222])]
    );
    expect(parseTextLayer(layer).lines).toEqual([{ supplier_part: 'P-1', description: 'Hex bolt', qty: 5, unit: null, lot: null, confidence: 1 }]);
  });

  it('marks lines it is unsure of: no part number, or a rounded quantity', () => {
    const layer = page(row(100, ['Qty', 40], ['Description', 200]), row(120, ['2.5', 40], ['Cable', 200]));
    expect(parseTextLayer(layer).lines[0]).toMatchObject({ qty: 3, supplier_part: null, confidence: 0.4 });
  });

  it('finds no lines without a header row, and says a page of few runs has no text', () => {
    const layer = page(row(100, ['Thank you for your order', 40]), row(120, ['5', 40], ['P-1', 100]));
    expect(parseTextLayer(layer).lines).toEqual([]);
    expect(hasText(layer)).toBe(false);
    expect(hasText([{ width: 1, height: 1, items: [] }])).toBe(false);
  });
});
