// GET /api/inventory?q=: search in the API, with the user's % and _ taken literally.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../../app';
import { loadConfig } from '../../config';
import { createTestDb, type TestDb } from '../../testing/testdb';

let db: TestDb;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  db = await createTestDb();
  app = createApp({ sql: db.sql, config: loadConfig({}), dbKind: db.kind });
  await db.sql`INSERT INTO locations (location_id, name) VALUES ('LINE-1', 'Line 1'), ('DOCK', 'Dock')`;
  await db.sql`INSERT INTO items (item_id, description) VALUES ('BOLT-M8', 'Hex bolt M8'), ('NUT-M8', 'Nut, 100% steel'), ('WASHER', 'Flat_washer')`;
  await db.sql`INSERT INTO stock_levels (item_id, location_id, on_hand) VALUES
    ('BOLT-M8', 'LINE-1', 5), ('NUT-M8', 'LINE-1', 3), ('WASHER', 'DOCK', 1), ('BOLT-M8', 'DOCK', 2)`;
});
afterAll(() => db.close());

const search = async (q: string, extra = '') =>
  (await (await app.request(`/api/inventory?q=${encodeURIComponent(q)}${extra}`)).json()) as {
    rows: { item_id: string; location_id: string }[];
    more: boolean;
  };

it('finds by item id, description or location, in any case', async () => {
  expect((await search('m8')).rows).toHaveLength(3);
  expect((await search('HEX')).rows.map((r) => r.item_id)).toEqual(['BOLT-M8', 'BOLT-M8']);
  expect((await search('dock')).rows.map((r) => r.item_id)).toEqual(['BOLT-M8', 'WASHER']);
  expect((await search('m8', '&location_id=DOCK')).rows).toHaveLength(1);
  expect(await search('m8', '&limit=2')).toMatchObject({
    rows: [{ item_id: 'BOLT-M8' }, { item_id: 'BOLT-M8' }],
    more: true
  });
});

it('takes % and _ literally', async () => {
  expect((await search('%')).rows.map((r) => r.item_id)).toEqual(['NUT-M8']);
  expect((await search('t_w')).rows.map((r) => r.item_id)).toEqual(['WASHER']);
  expect((await search('x_y')).rows).toHaveLength(0);
});

it('refuses a search over 100 characters', async () => {
  expect((await app.request(`/api/inventory?q=${'a'.repeat(101)}`)).status).toBe(400);
});
