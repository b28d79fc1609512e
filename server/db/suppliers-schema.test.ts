// 0006: the rules the purchasing schema keeps by itself, whoever writes (the API, slip receiving, a migration).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../testing/testdb';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
  await db.sql`INSERT INTO items (item_id) VALUES ('A'), ('B'), ('C')`;
});
afterAll(() => db.close());

const code = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string; constraint_name?: string }) => `${e.code} ${e.constraint_name ?? ''}`.trim()
  );

describe('categories', () => {
  it('keeps path as the chain of ids, through moves of whole subtrees', async () => {
    await db.sql`INSERT INTO categories (category_id, parent_id, name, path) VALUES
      ('tools', NULL, 'Tools', 'x'), ('hand', 'tools', 'Hand tools', 'x'), ('wrench', 'hand', 'Wrenches', 'x'), ('parts', NULL, 'Parts', 'x')`;
    const paths = async () =>
      Object.fromEntries(
        (await db.sql<{ category_id: string; path: string }[]>`SELECT category_id, path FROM categories`).map((r) => [
          r.category_id,
          r.path
        ])
      );
    expect(await paths()).toEqual({ tools: 'tools', hand: 'tools/hand', wrench: 'tools/hand/wrench', parts: 'parts' });
    await db.sql`UPDATE categories SET parent_id = 'parts' WHERE category_id = 'hand'`;
    expect(await paths()).toEqual({ tools: 'tools', hand: 'parts/hand', wrench: 'parts/hand/wrench', parts: 'parts' });
    await db.sql`UPDATE categories SET parent_id = NULL WHERE category_id = 'hand'`;
    expect((await paths()).wrench).toBe('hand/wrench');
    // A path written by hand is recomputed.
    await db.sql`UPDATE categories SET path = 'nonsense' WHERE category_id = 'wrench'`;
    expect((await paths()).wrench).toBe('hand/wrench');
  });

  it('refuses a cycle, an unknown parent, a changed id and a second sibling of one name', async () => {
    expect(await code(db.sql`UPDATE categories SET parent_id = 'wrench' WHERE category_id = 'hand'`)).toBe(
      '23514 categories_no_cycle'
    );
    expect(await code(db.sql`UPDATE categories SET parent_id = 'hand' WHERE category_id = 'hand'`)).toBe(
      '23514 categories_no_cycle'
    );
    expect(
      await code(db.sql`INSERT INTO categories (category_id, parent_id, name, path) VALUES ('z', 'nope', 'Z', '')`)
    ).toBe('23503 categories_parent_id_fkey');
    expect(await code(db.sql`UPDATE categories SET category_id = 'hand2' WHERE category_id = 'hand'`)).toBe(
      '23514 categories_id_fixed'
    );
    expect(
      await code(
        db.sql`INSERT INTO categories (category_id, parent_id, name, path) VALUES ('w2', 'hand', 'WRENCHES', '')`
      )
    ).toBe('23505 categories_sibling_name');
    expect(await code(db.sql`INSERT INTO categories (category_id, name, path) VALUES ('a/b', 'Slash', '')`)).toBe(
      '23514 categories_category_id_check'
    );
    const [{ path }] = await db.sql`SELECT path FROM categories WHERE category_id = 'wrench'`;
    expect(path).toBe('hand/wrench');
  });

  it('gives items a category', async () => {
    await db.sql`UPDATE items SET category_id = 'wrench' WHERE item_id = 'A'`;
    expect(await code(db.sql`UPDATE items SET category_id = 'nope' WHERE item_id = 'B'`)).toBe(
      '23503 items_category_id_fkey'
    );
  });
});

describe('suppliers and supplier_items', () => {
  it('joins slip-learned rows to the supplier of that printed name, and renames them with it', async () => {
    // What packing-slip receiving writes (server/services/slips.ts), before the supplier is known.
    await db.sql`INSERT INTO supplier_items (supplier, supplier_part, item_id) VALUES ('Acme', 'P1', 'A'), ('', 'P9', 'B')`;
    await db.sql`INSERT INTO suppliers (supplier_id, name, lead_time_days) VALUES ('ACME', 'Acme', 5)`;
    const [row] = await db.sql`SELECT supplier_id FROM supplier_items WHERE supplier_part = 'P1'`;
    expect(row.supplier_id).toBe('ACME');
    // Learned after: joins at once; the slip upsert still finds its key.
    await db.sql`INSERT INTO supplier_items (supplier, supplier_part, item_id) VALUES ('Acme', 'P2', 'B')
      ON CONFLICT (supplier, supplier_part) DO UPDATE SET item_id = EXCLUDED.item_id`;
    expect((await db.sql`SELECT supplier_id FROM supplier_items WHERE supplier_part = 'P2'`)[0].supplier_id).toBe(
      'ACME'
    );
    await db.sql`UPDATE suppliers SET name = 'Acme Ltd' WHERE supplier_id = 'ACME'`;
    expect(
      await db.sql`SELECT supplier, supplier_part FROM supplier_items WHERE supplier_id = 'ACME' ORDER BY supplier_part`
    ).toEqual([
      { supplier: 'Acme Ltd', supplier_part: 'P1' },
      { supplier: 'Acme Ltd', supplier_part: 'P2' }
    ]);
    // A row may not claim a supplier under another name.
    expect(
      await code(
        db.sql`INSERT INTO supplier_items (supplier, supplier_part, item_id, supplier_id) VALUES ('Other', 'P3', 'A', 'ACME')`
      )
    ).toBe('23503 supplier_items_supplier_fkey');
    expect(await code(db.sql`INSERT INTO suppliers (supplier_id, name) VALUES ('ACME2', 'ACME LTD')`)).toBe(
      '23505 suppliers_name'
    );
    expect(await code(db.sql`INSERT INTO suppliers (supplier_id, name, latitude) VALUES ('GEO', 'Geo', 10)`)).toBe(
      '23514 suppliers_check'
    );
  });

  it('allows one preferred supplier per item, only a known one, and shows it in item_preferred_supplier', async () => {
    await db.sql`INSERT INTO suppliers (supplier_id, name, lead_time_days) VALUES ('BOLT', 'Bolt & Co', 12)`;
    await db.sql`INSERT INTO supplier_items (supplier, supplier_id, supplier_part, item_id, pack_size, price, preferred)
      VALUES ('Bolt & Co', 'BOLT', 'B-1', 'A', 50, 0.125, true)`;
    expect(await code(db.sql`UPDATE supplier_items SET preferred = true WHERE supplier_part = 'P1'`)).toBe(
      '23505 supplier_items_one_preferred'
    );
    expect(await code(db.sql`UPDATE supplier_items SET preferred = true WHERE supplier_part = 'P9'`)).toBe(
      '23514 supplier_items_preferred_known'
    );
    expect(await code(db.sql`UPDATE supplier_items SET pack_size = 0 WHERE supplier_part = 'P1'`)).toBe(
      '23514 supplier_items_pack_size_check'
    );
    const view = await db.sql`SELECT * FROM item_preferred_supplier ORDER BY item_id`;
    expect(view.map((r) => ({ ...r }))).toEqual([
      {
        item_id: 'A',
        supplier_id: 'BOLT',
        supplier_name: 'Bolt & Co',
        supplier_part: 'B-1',
        pack_size: 50,
        price: '0.1250',
        lead_time_days: 12
      }
    ]);
  });

  it('counts every change in version; a receipt moving a preferred part to an item with its own preferred one drops the flag', async () => {
    await db.sql`UPDATE supplier_items SET preferred = true WHERE supplier_part = 'P2'`; // item B
    const [before] = await db.sql`SELECT version FROM supplier_items WHERE supplier_part = 'P2'`;
    // The slip upsert of server/services/slips.ts, with the part now mapped to item A (preferred: B-1 of Bolt & Co).
    await db.sql`INSERT INTO supplier_items (supplier, supplier_part, item_id) VALUES ('Acme Ltd', 'P2', 'A')
      ON CONFLICT (supplier, supplier_part) DO UPDATE SET item_id = EXCLUDED.item_id`;
    const [after] = await db.sql`SELECT item_id, preferred, version FROM supplier_items WHERE supplier_part = 'P2'`;
    expect(after).toMatchObject({ item_id: 'A', preferred: false, version: before.version + 1 });
    // Moved to an item with no preferred supplier, it stays preferred.
    await db.sql`UPDATE supplier_items SET preferred = true, item_id = 'B' WHERE supplier_part = 'P2'`;
    await db.sql`UPDATE supplier_items SET item_id = 'C' WHERE supplier_part = 'P2'`;
    expect((await db.sql`SELECT preferred FROM supplier_items WHERE supplier_part = 'P2'`)[0].preferred).toBe(true);
  });
});
