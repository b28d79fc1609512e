import { describe, expect, it } from 'vitest';
import { checkDigitOk, gtinLookup, parseBarcode } from '#domain/barcode';
import { ancestry } from '#domain/categories';
import { supplierItemsSaveSchema } from '#domain/supplier-items';
import { suppliersSaveSchema } from '#domain/suppliers';
import { samplePurchasing, sampleItems, seed } from './seed';
import { createTestDb } from '../testing/testdb';

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

describe('sample purchasing data', () => {
  it('passes the rules the API applies: suppliers, supplier items with one preferred per part, a category tree', () => {
    const p = samplePurchasing();
    expect(
      suppliersSaveSchema.safeParse({ rows: p.suppliers.map((s) => ({ ...s, active: true, version: null })) }).error
    ).toBeUndefined();
    const rows = p.supplierItems.map(({ supplier: _s, confirmed: _c, updated_by: _u, ...r }) => ({
      ...r,
      version: null
    }));
    expect(supplierItemsSaveSchema.safeParse({ rows }).error).toBeUndefined();
    expect(new Set(rows.filter((r) => r.preferred).map((r) => r.item_id)).size).toBe(sampleItems().length);
    for (const c of p.categories) expect(ancestry(p.categories, c.category_id), c.category_id).not.toBeNull();
    for (const ic of p.itemCategories) expect(p.categories.map((c) => c.category_id)).toContain(ic.category_id);
  });

  it('is in the seeded database: every part has its preferred supplier and a category; a second seed changes nothing', async () => {
    const db = await createTestDb();
    try {
      await seed(db.sql, { days: 1 });
      const preferred =
        await db.sql`SELECT item_id, supplier_id, lead_time_days FROM item_preferred_supplier ORDER BY item_id`;
      expect(preferred).toHaveLength(sampleItems().length);
      expect(preferred[0]).toEqual({ item_id: 'P-1001', supplier_id: 'FASTCO', lead_time_days: 3 });
      const [{ n }] = await db.sql`SELECT count(*)::int AS n FROM items WHERE category_id IS NULL`;
      expect(n).toBe(0);
      const [{ path }] = await db.sql`SELECT path FROM categories WHERE category_id = 'safety'`;
      expect(path).toBe('consumables/safety');
      const before = await db.sql`SELECT count(*)::int AS n FROM supplier_items`;
      await seed(db.sql, { days: 1 });
      expect(await db.sql`SELECT count(*)::int AS n FROM supplier_items`).toEqual(before);
    } finally {
      await db.close();
    }
  });
});
