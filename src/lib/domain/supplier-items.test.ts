import { describe, expect, it } from 'vitest';
import {
  parseSupplierItemCell,
  parseSupplierItemsCsv,
  preferredClashes,
  supplierItemsSaveSchema,
  supplierItemsTemplate
} from './supplier-items';

const row = (over: Record<string, unknown> = {}) => ({
  supplier_id: 'ACME',
  supplier_part: 'AC-1',
  item_id: 'P-1',
  pack_size: 10,
  price: 1.5,
  preferred: false,
  version: null,
  ...over
});

describe('supplier item rules', () => {
  it('reads pack sizes, prices and the preferred flag', () => {
    expect(parseSupplierItemCell('pack_size', '25')).toEqual({ ok: true, value: 25 });
    expect(parseSupplierItemCell('pack_size', '0')).toEqual({ ok: false, message: 'must be 1 or more' });
    expect(parseSupplierItemCell('pack_size', '')).toEqual({ ok: false, message: 'must be a whole number' });
    expect(parseSupplierItemCell('price', '0,125')).toEqual({ ok: true, value: 0.125 });
    expect(parseSupplierItemCell('price', '')).toEqual({ ok: true, value: null });
    expect(parseSupplierItemCell('price', '1.23456')).toEqual({ ok: false, message: 'must have at most 4 decimals' });
    expect(parseSupplierItemCell('price', '-1')).toEqual({ ok: false, message: 'must be 0 or more' });
    expect(parseSupplierItemCell('preferred', 'yes')).toEqual({ ok: true, value: true });
    expect(parseSupplierItemCell('preferred', '')).toEqual({ ok: true, value: false });
    expect(parseSupplierItemCell('preferred', 'maybe').ok).toBe(false);
  });

  it('allows one preferred supplier per item in a save', () => {
    expect(
      preferredClashes([
        row({ preferred: true }),
        row({ preferred: true, supplier_part: 'AC-2' }),
        row({ preferred: true, item_id: 'P-2' })
      ])
    ).toEqual(['P-1']);
    expect(
      supplierItemsSaveSchema.safeParse({
        rows: [row({ preferred: true }), row({ supplier_id: 'B', preferred: true })]
      }).success
    ).toBe(false);
    // A removed row no longer counts.
    expect(
      supplierItemsSaveSchema.safeParse({
        rows: [row({ preferred: true, remove: true, version: 2 }), row({ supplier_id: 'B', preferred: true })]
      }).success
    ).toBe(true);
    expect(supplierItemsSaveSchema.safeParse({ rows: [row(), row()] }).success).toBe(false);
  });
});

describe('parseSupplierItemsCsv', () => {
  it('reads the template back', () => {
    expect(parseSupplierItemsCsv(supplierItemsTemplate())).toEqual({
      columns: ['item_id', 'pack_size', 'price', 'preferred'],
      rows: [
        {
          supplier_id: 'ACME',
          supplier_part: 'AC-88812',
          item_id: 'BOLT-M8',
          pack_size: 100,
          price: 0.12,
          preferred: true,
          row: 2
        }
      ],
      errors: []
    });
  });

  it('lists every error with row and column: bad values, a repeated part, two preferred suppliers of one item', () => {
    const csv =
      'supplier_id,supplier_part,item_id,pack_size,preferred\nA,X1,P-1,10,yes\nA,X1,P-2,0,no\nB,X9,P-1,5,yes\n,X2,,1,no\n';
    expect(parseSupplierItemsCsv(csv).errors).toEqual([
      { row: 3, column: 'supplier_part', message: 'X1 of A is also on row 2' },
      { row: 3, column: 'pack_size', message: 'must be 1 or more' },
      {
        row: 4,
        column: 'preferred',
        message: 'item P-1 is already preferred from row 2: one preferred supplier per item'
      },
      { row: 5, column: 'supplier_id', message: 'must not be empty' },
      { row: 5, column: 'item_id', message: 'must not be empty' }
    ]);
    expect(parseSupplierItemsCsv('supplier_id,supplier_part\nA,1\n').errors).toEqual([
      { row: 1, column: 'item_id', message: 'the header must name the item_id column' }
    ]);
    expect(parseSupplierItemsCsv('supplier_id,supplier_part,item_id\nA,1\n').errors).toEqual([
      { row: 2, column: '', message: 'has 2 fields; the header has 3' }
    ]);
  });
});
