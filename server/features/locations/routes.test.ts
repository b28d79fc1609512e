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

it('creates and edits a location with coordinates, both or neither, in range; leaving them out keeps them', async () => {
  const created = await send('POST', '/api/locations', {
    location_id: 'YARD',
    name: 'Yard',
    latitude: 52.37,
    longitude: 4.89
  });
  expect(created.status).toBe(201);
  expect(await created.json()).toMatchObject({ latitude: 52.37, longitude: 4.89, version: 1 });
  for (const bad of [
    { latitude: 91, longitude: 0 },
    { latitude: 0, longitude: -180.5 },
    { latitude: 10 },
    { latitude: 10, longitude: null },
    { latitude: '10', longitude: '4' }
  ]) {
    const res = await send('POST', '/api/locations', { location_id: 'NOWHERE', name: 'x', ...bad });
    expect(res.status, JSON.stringify(bad)).toBe(400);
    expect((await send('PATCH', '/api/locations/YARD', { name: 'Yard', version: 1, ...bad })).status).toBe(400);
  }
  const [{ n }] = await db.sql`SELECT count(*)::int AS n FROM locations WHERE location_id = 'NOWHERE'`;
  expect(n).toBe(0);

  // A rename alone keeps the coordinates; moving them is audited with both.
  const renamed = await send('PATCH', '/api/locations/YARD', { name: 'Yard north', version: 1 });
  expect(await renamed.json()).toMatchObject({ name: 'Yard north', latitude: 52.37, longitude: 4.89, version: 2 });
  const moved = await send('PATCH', '/api/locations/YARD', {
    name: 'Yard north',
    version: 2,
    latitude: -33.87,
    longitude: 151.21
  });
  expect(await moved.json()).toMatchObject({ latitude: -33.87, longitude: 151.21, version: 3 });
  const cleared = await send('PATCH', '/api/locations/YARD', {
    name: 'Yard north',
    version: 3,
    latitude: null,
    longitude: null
  });
  expect(await cleared.json()).toMatchObject({ latitude: null, longitude: null, version: 4 });
  const audit =
    await db.sql`SELECT action, before, after FROM audit_log WHERE entity = 'location' AND entity_id = 'YARD'
                             ORDER BY audit_id`;
  expect(audit.map((a) => a.action)).toEqual(['create', 'rename', 'update', 'update']);
  expect(audit[2]).toMatchObject({
    before: { name: 'Yard north', latitude: 52.37, longitude: 4.89 },
    after: { name: 'Yard north', latitude: -33.87, longitude: 151.21 }
  });
  const list = locationListSchema.parse(await (await app.request('/api/locations')).json());
  expect(list.rows.find((r) => r.location_id === 'YARD')).toMatchObject({ latitude: null, longitude: null });
});
