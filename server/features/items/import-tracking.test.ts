// The item CSV's tracking column: none, lot or serial, applied and audited like every other column, kept when a file
// leaves it out, and carried in the snapshot the station asks from.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseItemsCsv } from '#domain/csv';
import { createTestDb, type TestDb } from '../../testing/testdb';
import { readSnapshot } from '../sync/snapshot';
import { applyItemImport } from './import';
import { getItem, listItems } from './items';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
  await db.sql`INSERT INTO items (item_id, description) VALUES ('OLD-1', 'Old one')`;
});
afterAll(() => db?.close());

const importCsv = (text: string) => {
  const file = parseItemsCsv(text);
  expect(file.errors).toEqual([]);
  return db.sql.begin((tx) => applyItemImport(tx, file, 'sup@plant.example'));
};
const tracking = async () =>
  Object.fromEntries(
    (await db.sql<{ item_id: string; tracking: string }[]>`SELECT item_id, tracking FROM items ORDER BY item_id`).map(
      (r) => [r.item_id, r.tracking]
    )
  );

it('sets tracking from the file, new items none unless it says otherwise', async () => {
  expect(await importCsv('item_id,description,tracking\nOLD-1,Old one,LOT\nNEW-1,Serial part,serial\n')).toEqual({
    rows: 2,
    created: 1,
    updated: 1,
    unchanged: 0
  });
  await importCsv('item_id,description\nNEW-2,Plain part\n');
  expect(await tracking()).toEqual({ 'NEW-1': 'serial', 'NEW-2': 'none', 'OLD-1': 'lot' });
  // A file without the column keeps what the items have.
  await importCsv('item_id,description\nOLD-1,Old one renamed\n');
  expect((await tracking())['OLD-1']).toBe('lot');
  const [audit] = await db.sql<{ before: { tracking: string }; after: { tracking: string } }[]>`
    SELECT before, after FROM audit_log WHERE entity_id = 'OLD-1' AND action = 'import' ORDER BY audit_id LIMIT 1`;
  expect([audit.before.tracking, audit.after.tracking]).toEqual(['none', 'lot']);
});

it('shows tracking in the item list, on one item and in the snapshot the station caches', async () => {
  const list = await listItems(db.sql, { limit: 10, offset: 0 });
  expect(list.rows.map((r) => [r.item_id, r.tracking])).toEqual([
    ['NEW-1', 'serial'],
    ['NEW-2', 'none'],
    ['OLD-1', 'lot']
  ]);
  expect((await getItem(db.sql, 'OLD-1')).tracking).toBe('lot');
  const snap = await readSnapshot(db.sql);
  expect(snap.items.map((i) => [i.item_id, i.tracking])).toEqual([
    ['NEW-1', 'serial'],
    ['NEW-2', 'none'],
    ['OLD-1', 'lot']
  ]);
});
