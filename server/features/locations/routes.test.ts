// Locations: stock per location and in total; create and rename by supervisors, audited, at the version read.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../../app';
import { loadConfig } from '../../config';
import { createTestDb, type TestDb } from '../../testing/testdb';
import { locationListSchema } from '#domain/responses';

let db: TestDb;
let app: ReturnType<typeof createApp>;
const send = (method: string, path: string, body: unknown) =>
  app.request(path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

beforeAll(async () => {
  db = await createTestDb();
  app = createApp({ sql: db.sql, config: loadConfig({}), dbKind: db.kind });
  await db.sql`INSERT INTO locations (location_id, name) VALUES ('A', 'Aisle A'), ('B', 'Bay B')`;
  await db.sql`INSERT INTO items (item_id) VALUES ('P-1'), ('P-2')`;
  await db.sql`INSERT INTO stock_levels (item_id, location_id, on_hand) VALUES ('P-1', 'A', 5), ('P-2', 'A', -2), ('P-1', 'B', 7)`;
});
afterAll(() => db.close());

it('lists each location with its stock and the total', async () => {
  const body = locationListSchema.parse(await (await app.request('/api/locations')).json()); // as the console parses
  expect(body.rows).toEqual([
    expect.objectContaining({ location_id: 'A', items: 2, on_hand: 3, negative: 1 }),
    expect.objectContaining({ location_id: 'B', items: 1, on_hand: 7, negative: 0 })
  ]);
  expect(body.total).toEqual({ items: 3, on_hand: 10 });
});

it('creates a location once, and audits it', async () => {
  const res = await send('POST', '/api/locations', { location_id: 'DOCK-1', name: 'Dock 1' });
  expect(res.status).toBe(201);
  expect(await res.json()).toMatchObject({
    location_id: 'DOCK-1',
    name: 'Dock 1',
    version: 1,
    updated_by: 'supervisor@localhost'
  });
  expect((await send('POST', '/api/locations', { location_id: 'DOCK-1', name: 'Again' })).status).toBe(409);
  expect((await send('POST', '/api/locations', { location_id: '', name: 'x' })).status).toBe(400);
  expect((await send('POST', '/api/locations', { location_id: 'X', name: 'a\u0000b' })).status).toBe(400);
  const [audit] =
    await db.sql`SELECT actor, action, after FROM audit_log WHERE entity = 'location' AND entity_id = 'DOCK-1'`;
  expect(audit).toEqual({ actor: 'supervisor@localhost', action: 'create', after: { name: 'Dock 1' } });
});

it('renames at the version read; a stale rename is a 409 with the current name and changes nothing', async () => {
  const ok = await send('PATCH', '/api/locations/B', { name: 'Bay B, north', version: 1 });
  expect(ok.status).toBe(200);
  expect((await ok.json()).version).toBe(2);
  const stale = await send('PATCH', '/api/locations/B', { name: 'Other', version: 1 });
  expect(stale.status).toBe(409);
  expect((await stale.json()).error.details.current).toMatchObject({ name: 'Bay B, north', version: 2 });
  expect((await send('PATCH', '/api/locations/NOPE', { name: 'x', version: 1 })).status).toBe(404);
  const audit = await db.sql`SELECT before, after FROM audit_log WHERE entity = 'location' AND entity_id = 'B'`;
  expect(audit).toEqual([{ before: { name: 'Bay B' }, after: { name: 'Bay B, north' } }]);
});
