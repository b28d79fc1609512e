import { describe, expect, it } from 'vitest';
import { checkDigitOk, gtinLookup, parseBarcode } from '../../src/lib/domain/barcode';
import { sampleItems } from './seed';

describe('sample plant', () => {
  it('gives every part a valid GTIN-13 that a scan of its EAN-13 resolves to the part', () => {
    const items = sampleItems();
    const lookup = gtinLookup(items);
    for (const item of items) {
      expect(item.gtin).toMatch(/^\d{13}$/);
      expect(checkDigitOk(item.gtin)).toBe(true);
      const scan = parseBarcode(item.gtin, { gtinToItem: lookup });
      expect(scan).toMatchObject({ ok: true, item_id: item.item_id });
    }
    expect(new Set(items.map((i) => i.gtin)).size).toBe(items.length);
  });
});
