// Which slip line a carton label fills: the slip's own line for the item first, another carton of the same lot adds
// to the line it filled, a new lot or item gets a line of its own.
import { describe, expect, it } from 'vitest';
import { applyLabel, type CartonLabel } from './carton-label';

const line = (over: Partial<Parameters<typeof applyLabel>[0][number]> = {}) => ({
  supplier_part: null,
  item_id: null,
  description: '',
  qty: 1,
  unit: null,
  lot: null,
  confidence: 0.4,
  ...over
});
const label = (over: Partial<CartonLabel>): CartonLabel => ({
  item_id: 'BOLT-M8',
  qty: 250,
  lot: 'L1',
  supplier_part: 'AF-100',
  customer_part: null,
  po: null,
  po_line: null,
  packing_list: null,
  date_code: null,
  serial: null,
  set_po_number: null,
  set_slip_number: null,
  notes: [],
  ...over
});

describe('a carton label on the slip lines', () => {
  it('fills the slip line read for its supplier part, then adds the next carton of the same lot to it', () => {
    const lines = [line({ supplier_part: 'XX-1', qty: 9 }), line({ supplier_part: 'AF-100', qty: 500 })];
    const a = applyLabel(lines, new Set(), label({}));
    expect(a.index).toBe(1);
    expect(a.lines[1]).toMatchObject({ item_id: 'BOLT-M8', qty: 250, lot: 'L1', confidence: 1 });
    expect(a.text).toBe('Line 2 filled from the label: BOLT-M8 × 250, lot L1 (the slip said 500).');
    expect(lines[1].qty).toBe(500); // the input is not changed
    const b = applyLabel(a.lines, a.labelled, label({}));
    expect(b).toMatchObject({ index: 1, text: 'Line 2: another carton, BOLT-M8 × 250, lot L1: now 500.' });
    expect(b.lines).toHaveLength(2);
  });

  it('gives another lot a line of its own, and an item not on the slip a new line', () => {
    const a = applyLabel([line({ item_id: 'BOLT-M8', qty: 500 })], new Set(), label({}));
    const b = applyLabel(a.lines, a.labelled, label({ lot: 'L2', qty: 100 }));
    expect(b.index).toBe(1);
    expect(b.lines[1]).toMatchObject({ item_id: 'BOLT-M8', qty: 100, lot: 'L2', supplier_part: 'AF-100' });
    const c = applyLabel(b.lines, b.labelled, label({ item_id: 'NUT-M8', supplier_part: null, lot: null, qty: null }));
    expect(c.lines[2]).toMatchObject({ item_id: 'NUT-M8', qty: 1, lot: null });
    expect(c.text).toBe('Line 3 added from the label: NUT-M8.');
  });

  it('keeps the line’s quantity when the label has none, and never fills a line of another lot', () => {
    const a = applyLabel([line({ item_id: 'BOLT-M8', qty: 40, lot: 'OTHER' })], new Set(), label({ qty: null }));
    expect(a.index).toBe(1);
    const b = applyLabel([line({ item_id: 'BOLT-M8', qty: 40 })], new Set(), label({ qty: null }));
    expect(b.lines[0]).toMatchObject({ qty: 40, lot: 'L1' });
  });
});
