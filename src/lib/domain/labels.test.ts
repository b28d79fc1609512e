import { describe, expect, it } from 'vitest';
import { parseBarcode } from './barcode';
import {
  itemCode,
  itemIdText,
  LABEL_STOCKS,
  labelPositions,
  labelRequestSchema,
  locationCode,
  MAX_LABELS,
  pageCount,
  supplierItemCode
} from './labels';

const round = (n: number) => Math.round(n * 100) / 100;

describe('label positions', () => {
  it('Avery 5160: 3 × 10 labels of 2⅝ × 1 in, ½ in top margin, ⅛ in between columns', () => {
    const s = LABEL_STOCKS['avery-5160'];
    const boxes = labelPositions(s, 31);
    expect(boxes[0]).toEqual({ page: 0, x: 13.5, y: 792 - 36 - 72, width: 189, height: 72 });
    expect(boxes[1].x - boxes[0].x).toBe(198); // 2.75 in pitch: 0.125 in gap
    expect(boxes[3]).toMatchObject({ x: 13.5, y: 792 - 36 - 144 }); // second row
    expect(boxes[29]).toMatchObject({ page: 0, x: 13.5 + 2 * 198, y: 36 }); // last: ½ in bottom margin
    expect(612 - (boxes[29].x + boxes[29].width)).toBe(13.5); // symmetric side margins
    expect(boxes[30]).toMatchObject({ page: 1, x: 13.5, y: 684 });
  });

  it('Avery L7160: 3 × 7 labels of 63.5 × 38.1 mm on A4, within the page', () => {
    const s = LABEL_STOCKS['avery-l7160'];
    const boxes = labelPositions(s, 21);
    const mm = (pt: number) => round((pt * 25.4) / 72);
    expect(mm(s.page.width)).toBe(210);
    expect(mm(s.page.height)).toBe(297);
    expect(boxes.map((b) => b.page)).toEqual(Array(21).fill(0));
    expect(mm(boxes[0].x)).toBe(7.2);
    expect(mm(s.page.height - boxes[0].y - boxes[0].height)).toBe(15.15);
    expect(mm(boxes[2].x + boxes[2].width)).toBe(202.7);
    expect(mm(boxes[20].y)).toBe(15.15); // the bottom margin equals the top one
  });

  it('a 4 × 6 in thermal label is one label per page, the whole page', () => {
    const s = LABEL_STOCKS['thermal-4x6'];
    expect(labelPositions(s, 2)).toEqual([
      { page: 0, x: 0, y: 0, width: 288, height: 432 },
      { page: 1, x: 0, y: 0, width: 288, height: 432 }
    ]);
  });

  it('skips the positions of a sheet used before, and counts pages with them', () => {
    const s = LABEL_STOCKS['avery-5160'];
    const boxes = labelPositions(s, 2, 29);
    expect(boxes.map((b) => [b.page, b.x, b.y])).toEqual([
      [0, 13.5 + 2 * 198, 36],
      [1, 13.5, 684]
    ]);
    expect(pageCount(s, 2, 29)).toBe(2);
    expect(pageCount(s, 30)).toBe(1);
    expect(() => labelPositions(s, 1, 30)).toThrow(RangeError);
  });

  it('no two labels of a sheet overlap, and each lies on its page', () => {
    for (const s of Object.values(LABEL_STOCKS)) {
      const boxes = labelPositions(s, s.cols * s.rows);
      for (const b of boxes) {
        expect(b.x).toBeGreaterThanOrEqual(0);
        expect(b.y).toBeGreaterThanOrEqual(-1e-9);
        expect(b.x + b.width).toBeLessThanOrEqual(s.page.width + 1e-9);
        expect(b.y + b.height).toBeLessThanOrEqual(s.page.height + 1e-9);
      }
      for (const [i, a] of boxes.entries())
        for (const b of boxes.slice(i + 1))
          expect(
            a.x + a.width <= b.x + 1e-9 ||
              b.x + b.width <= a.x + 1e-9 ||
              a.y + a.height <= b.y + 1e-9 ||
              b.y + b.height <= a.y + 1e-9
          ).toBe(true);
    }
  });
});

describe('what a code carries', () => {
  it('an item with a GTIN: GS1 (01) in DataMatrix, a GS1 Digital Link in QR; its id in Code 128', () => {
    const it = { item_id: 'P-1', gtin: '4006381333931' };
    expect(itemCode(it, 'datamatrix')).toEqual({
      ok: true,
      code: {
        bcid: 'gs1datamatrix',
        encode: '(01)04006381333931',
        scans: '\u001d0104006381333931',
        human: '(01) 04006381333931'
      }
    });
    expect(itemCode(it, 'qr')).toMatchObject({ ok: true, code: { scans: 'https://id.gs1.org/01/04006381333931' } });
    expect(itemCode(it, 'code128')).toMatchObject({ ok: true, code: { bcid: 'code128', scans: 'P-1' } });
    for (const s of ['datamatrix', 'qr', 'code128'] as const) {
      const code = itemCode(it, s);
      const read =
        code.ok && parseBarcode(code.code.scans, { gtinToItem: (g) => (g === '04006381333931' ? 'P-1' : null) });
      expect(read).toMatchObject({ ok: true, item_id: 'P-1' });
    }
  });

  it('an item code that would read as something else is written ITEM=<id>', () => {
    expect(itemIdText('P-1001')).toBe('P-1001');
    expect(itemIdText('96385074')).toBe('ITEM=96385074'); // a valid EAN-8: would be looked up as a GTIN
    expect(itemIdText('12345')).toBe('ITEM=12345');
    expect(itemIdText('LOC=A')).toBe('ITEM=LOC=A'); // would move the station to location A
    expect(itemIdText('(01)09506000134352')).toBe('ITEM=(01)09506000134352');
    expect(itemIdText('0109506000134352')).toBe('ITEM=0109506000134352');
    expect(itemIdText('https://example.com/x')).toBe('ITEM=https://example.com/x');
    expect(itemIdText('A;B')).toBe('A;B');
    expect(itemIdText('ITEM=X;Y')).toBeNull(); // neither form reads back as ITEM=X;Y
  });

  it('refuses what a label cannot carry', () => {
    expect(itemCode({ item_id: 'Schraube-Ø8' }, 'code128')).toMatchObject({ ok: false });
    expect(itemCode({ item_id: 'Schraube-Ø8', gtin: '4006381333931' }, 'datamatrix')).toMatchObject({ ok: true });
    expect(locationCode('BAY 7', 'code128')).toMatchObject({ ok: false, error: expect.stringContaining('no spaces') });
  });

  it('a location: LOC=<id>; a supplier item: an MH10 carton label naming our item and the supplier part', () => {
    expect(locationCode('STORES', 'qr')).toMatchObject({ ok: true, code: { bcid: 'qrcode', scans: 'LOC=STORES' } });
    const code = supplierItemCode({ item_id: 'P-2', supplier_part: 'AC 778/B' }, 'datamatrix');
    expect(code).toMatchObject({ ok: true, code: { bcid: 'datamatrix', human: 'AC 778/B' } });
    expect(code.ok && parseBarcode(code.code.scans)).toMatchObject({
      ok: true,
      format: 'mh10',
      item_id: 'P-2',
      supplier_part: 'AC 778/B',
      qty: 1
    });
  });
});

describe('the request', () => {
  const base = { kind: 'item', item_ids: ['P-1'], stock: 'avery-5160' };
  it('defaults one copy, no skip', () => {
    expect(labelRequestSchema.parse(base)).toEqual({ ...base, copies: 1, skip: 0 });
  });
  it.each([
    ['an unknown stock', { ...base, stock: 'avery-1' }],
    ['no ids', { ...base, item_ids: [] }],
    ['too many ids', { ...base, item_ids: Array(MAX_LABELS + 1).fill('P-1') }],
    ['no copies', { ...base, copies: 0 }],
    ['too many labels', { ...base, item_ids: ['1', '2', '3', '4', '5', '6', '7'], copies: 100 }],
    ['a skip past the sheet', { ...base, stock: 'thermal-4x6', skip: 1 }],
    ['ids of another kind', { ...base, location_ids: ['A'] }],
    [
      'a supplier item without its part',
      { kind: 'supplier_item', supplier_items: [{ supplier_id: 'A' }], stock: 'avery-5160' }
    ]
  ])('refuses %s', (_what, body) => {
    expect(labelRequestSchema.safeParse(body).success).toBe(false);
  });
});
