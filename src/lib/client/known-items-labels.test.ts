// A carton label that names only the supplier's part (MH10 1P), scanned at the station offline: mapped to the item
// through the snapshot's supplier parts, recorded with its lot and quantity; a part the map does not hold (or holds
// for two items) is refused with the reason, never a wrong item.
import { describe, expect, it } from 'vitest';
import { gtinLookup, supplierPartLookup } from '../domain/barcode';
import { knownItems, resolvePart } from './known-items';

const GS = '\u001d';
const label = (...fields: string[]) => `[)>\u001e06${GS}${fields.join(GS)}\u001e\u0004`;
const items = [
  {
    item_id: 'BOLT-M8',
    description: 'Bolt',
    unit: 'ea',
    reorder_point: null,
    reorder_qty: null,
    gtin: null,
    active: true
  }
];
const known = knownItems(items);
const gtinToItem = gtinLookup(items);
const today = new Date('2026-12-03T12:00:00Z');

describe('a carton label with only 1P at the station', () => {
  const map = supplierPartLookup([
    { supplier_part: 'AF-100', item_id: 'BOLT-M8' },
    { supplier_part: 'X-1', item_id: 'BOLT-M8' },
    { supplier_part: 'X-1', item_id: 'NUT-M8' }
  ]);

  it('maps the supplier part to the item, with the label’s lot and quantity', () => {
    const r = resolvePart(label('1PAF-100', 'Q25', '1TLOT-7'), known, gtinToItem, today, map);
    expect(r).toEqual({
      ok: true,
      parsed: expect.objectContaining({
        format: 'mh10',
        item_id: 'BOLT-M8',
        qty: 25,
        lot: 'LOT-7',
        supplier_part: 'AF-100'
      })
    });
  });

  it('refuses a part the snapshot does not map, or maps to two items, with the reason', () => {
    for (const part of ['ZZ-9', 'X-1']) {
      const r = resolvePart(label(`1P${part}`, 'Q1'), known, gtinToItem, today, map);
      expect(r).toEqual({ ok: false, error: expect.stringContaining(`Supplier part ${part} is not linked`) });
    }
  });

  it('reads a label typed by a wedge (RS/EOT dropped, <GS> names) only when it was typed, not from the camera', () => {
    const typed = '[)>06<GS>1PAF-100<GS>Q4<GS>1TL2';
    expect(resolvePart(typed, known, gtinToItem, today, map, true)).toMatchObject({
      ok: true,
      parsed: { item_id: 'BOLT-M8', qty: 4, lot: 'L2' }
    });
    expect(resolvePart(`[)>06${GS}1PAF-100${GS}Q4`, known, gtinToItem, today, map)).toMatchObject({ ok: false });
    expect(resolvePart('[)>061PAF-100Q4', known, gtinToItem, today, map, true)).toEqual({
      ok: false,
      error: expect.stringContaining('without field separators (GS)')
    });
  });

  it('without the map (an older snapshot) says the part is not linked rather than guessing', () => {
    const r = resolvePart(label('1PAF-100', 'Q1'), known, gtinToItem, today);
    expect(r).toMatchObject({ ok: false });
  });
});
