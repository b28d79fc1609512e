// Migrations 0009 and 0010: trigram indexes for the "contains" searches where pg_trgm can be created (on one search
// text per table, so key lookups keep their primary key), and migrations that still apply (searches unchanged, only
// unindexed) where it cannot.
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../app';
import { loadConfig } from '../config';
import { migrate, readMigrations } from './migrate';
import { createTestDb, type TestDb } from '../testing/testdb';

let db: TestDb | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

const TRGM_INDEXES = ['items_search_trgm', 'locations_search_trgm', 'stock_levels_item_text_trgm'];
const trgmIndexes = async (t: TestDb) =>
  (
    await t.sql<{ name: string }[]>`SELECT indexname AS name FROM pg_indexes WHERE indexname LIKE '%\_trgm' ORDER BY 1`
  ).map((r) => r.name);

async function seed(t: TestDb) {
  await t.sql`INSERT INTO locations (location_id, name) VALUES ('LINE-1', 'Line 1'), ('DOCK-7', 'Dock 7')`;
  await t.sql`INSERT INTO items (item_id, description) SELECT 'P-' || g, 'Part number ' || g FROM generate_series(1, 2000) g`;
  await t.sql`INSERT INTO stock_levels (item_id, location_id, on_hand) SELECT 'P-' || g, CASE WHEN g % 2 = 0 THEN 'LINE-1' ELSE 'DOCK-7' END, g FROM generate_series(1, 2000) g`;
}
async function search(t: TestDb, q: string) {
  const app = createApp({ sql: t.sql, config: loadConfig({ AUTH_MODE: 'local' }), dbKind: t.kind });
  const res = await app.request(`/api/inventory?limit=1000&q=${encodeURIComponent(q)}`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { more: boolean; rows: { item_id: string; location_id: string }[] };
  expect(body.more).toBe(false);
  return { total: body.rows.length, keys: body.rows.map((r) => `${r.item_id}@${r.location_id}`).sort() };
}

describe('trigram search indexes', () => {
  it('creates pg_trgm and the indexes, which the planner can use for ILIKE contains', async () => {
    db = await createTestDb();
    expect(await db.sql`SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'`).toEqual([{ extname: 'pg_trgm' }]);
    expect(await trgmIndexes(db)).toEqual(TRGM_INDEXES);
    await seed(db);
    const plan = await db.sql.begin(async (tx) => {
      await tx`SET LOCAL enable_seqscan = off`;
      return tx.unsafe(
        `EXPLAIN SELECT item_id FROM items WHERE (item_id || ' ' || description || ' ' || coalesce(gtin, '')) ILIKE '%number 123%'`
      );
    });
    expect(plan.map((r) => Object.values(r)[0]).join('\n')).toMatch(/items_search_trgm/);
    // Case-insensitive, anywhere in item id, description or location id, the same as before the indexes.
    expect(await search(db, 'NUMBER 1999')).toEqual({ total: 1, keys: ['P-1999@DOCK-7'] });
    expect(await search(db, 'p-200')).toEqual({ total: 2, keys: ['P-2000@LINE-1', 'P-200@LINE-1'] });
    expect((await search(db, 'dock')).total).toBe(1000);
    expect((await search(db, '100%')).total).toBe(0); // % taken literally
  });

  it('leaves key lookups to the primary key: gin_trgm_ops answers = too, and once took 7.5 s for 1,000 ids through it', async () => {
    db = await createTestDb();
    // Big enough for the planner to want an index; with 0009's indexes it chose items_item_id_trgm here.
    await db.sql`INSERT INTO items (item_id, description) SELECT 'P-' || g, 'Part number ' || g FROM generate_series(1, 20000) g`;
    await db.sql`ANALYZE items`;
    const ids = Array.from({ length: 50 }, (_, i) => `P-${i * 7 + 1}`);
    const plan = await db.sql`EXPLAIN SELECT item_id FROM items WHERE item_id = ANY(${ids}::text[]) FOR UPDATE`;
    const text = plan.map((r) => Object.values(r)[0]).join('\n');
    expect(text).not.toMatch(/trgm/);
    expect(await db.sql`SELECT count(*)::int AS n FROM items WHERE item_id = ANY(${ids}::text[])`).toEqual([{ n: 50 }]);
  });

  it('still applies where pg_trgm cannot be created, and the search answers the same', async () => {
    db = await createTestDb({ migrated: false });
    const all = readMigrations();
    const index = all.findIndex((m) => m.name.startsWith('0009_'));
    await migrate(db.sql, all.slice(0, index));
    // A function of the same name as one of the extension's makes CREATE EXTENSION fail, as a missing package would.
    await db.sql`CREATE FUNCTION public.show_trgm(text) RETURNS text[] LANGUAGE sql AS 'SELECT ARRAY[$1]'`;
    expect(await migrate(db.sql, all)).toEqual(all.slice(index).map((m) => m.name));
    expect(await db.sql`SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'`).toEqual([]);
    expect(await trgmIndexes(db)).toEqual([]);
    await seed(db);
    expect(await search(db, 'NUMBER 1999')).toEqual({ total: 1, keys: ['P-1999@DOCK-7'] });
    expect((await search(db, 'dock')).total).toBe(1000);
  });
});
