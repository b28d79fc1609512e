import { describe, expect, it } from 'vitest';
import { itemsSaveSchema, parseCell } from './items';

describe('parseCell', () => {
  it('reads numbers, empties and booleans as the grid and the CSV give them', () => {
    expect(parseCell('reorder_point', ' 12 ')).toEqual({ ok: true, value: 12 });
    expect(parseCell('reorder_point', '')).toEqual({ ok: true, value: null });
    expect(parseCell('reorder_qty', '1.5')).toEqual({ ok: false, message: 'must be a whole number' });
    expect(parseCell('reorder_qty', '-1')).toEqual({ ok: false, message: 'must be 0 or more' });
    expect(parseCell('reorder_qty', 'ten')).toEqual({ ok: false, message: 'must be a whole number' });
    expect(parseCell('active', 'yes')).toEqual({ ok: true, value: true });
    expect(parseCell('active', false)).toEqual({ ok: true, value: false });
    expect(parseCell('active', 'maybe').ok).toBe(false);
  });

  it('checks GTINs by length and check digit, and units and descriptions by length and characters', () => {
    expect(parseCell('gtin', '4006381333931')).toEqual({ ok: true, value: '4006381333931' });
    expect(parseCell('gtin', '4006381333932')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/check digit/)
    });
    expect(parseCell('gtin', '')).toEqual({ ok: true, value: null });
    expect(parseCell('unit', '  ')).toMatchObject({ ok: false, message: 'must not be empty' });
    expect(parseCell('description', 'a\u0007b').ok).toBe(false);
    expect(parseCell('description', '<b>Bolt</b>')).toEqual({ ok: true, value: '<b>Bolt</b>' });
  });

  it('reads tracking as none, lot or serial in any case, an empty cell being none', () => {
    expect(parseCell('tracking', ' Serial ')).toEqual({ ok: true, value: 'serial' });
    expect(parseCell('tracking', 'lot')).toEqual({ ok: true, value: 'lot' });
    expect(parseCell('tracking', '')).toEqual({ ok: true, value: 'none' });
    expect(parseCell('tracking', 'batch')).toEqual({ ok: false, message: 'must be none, lot or serial' });
  });
});

describe('itemsSaveSchema', () => {
  const row = {
    item_id: 'P-1',
    version: 1,
    description: '',
    unit: 'ea',
    reorder_point: null,
    reorder_qty: null,
    gtin: null,
    active: true
  };
  it('takes complete rows with a version, each item once', () => {
    expect(itemsSaveSchema.safeParse({ rows: [row] }).success).toBe(true);
    expect(itemsSaveSchema.safeParse({ rows: [row, row] }).success).toBe(false);
    expect(itemsSaveSchema.safeParse({ rows: [{ ...row, version: undefined }] }).success).toBe(false);
    expect(itemsSaveSchema.safeParse({ rows: [{ ...row, placeholder: true }] }).success).toBe(false);
    expect(itemsSaveSchema.safeParse({ rows: [] }).success).toBe(false);
  });
});
