// GET /api/counts: cycle counts pushed by tablets, read back with variance and adjustment, for supervisors only.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../../app';
import { loadConfig } from '../../config';
import { makeEvent } from '../../testing/testkit';
import { createTestDb, type TestDb } from '../../testing/testdb';

let db: TestDb;
let app: ReturnType<typeof createApp>;
const post = (events: unknown[], device_id = 'tab-c') =>
  app.request('/api/sync/events', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ device_id, events })
  });

beforeAll(async () => {
  db = await createTestDb();
  app = createApp({ sql: db.sql, config: loadConfig({}), dbKind: db.kind });
  await db.sql`INSERT INTO locations (location_id, name) VALUES ('LINE-1', 'Line 1'), ('LINE-2', 'Line 2')`;
  await db.sql`INSERT INTO items (item_id, description, unit) VALUES ('P-1', 'Bolt', 'ea'), ('P-2', 'Oil', 'l')`;
  expect((await post([makeEvent({ device_seq: 1, event_type: 'INTAKE', qty: 10 })])).status).toBe(200);
  // Another tablet takes 1 before the count lands: the adjustment is against 9, the variance against 10.
  expect((await post([makeEvent({ device_seq: 1, qty: 1 })], 'tab-d')).status).toBe(200);
  const res = await post([
    makeEvent({ device_seq: 2, event_type: 'COUNT', qty: 7, expected_qty: 10 }),
    makeEvent({ device_seq: 3, event_type: 'COUNT', item_id: 'P-2', location_id: 'LINE-2', qty: 0, expected_qty: 0 })
  ]);
  const body = (await res.json()) as { results: { status: string }[] };
  expect(body.results.map((r) => r.status)).toEqual(['applied', 'applied']);
});
afterAll(() => db.close());

type Counts = { rows: Record<string, unknown>[]; totals: { counts: number; adjusted: number; net: number } };

it('lists each count with counted, expected, variance and the adjustment made, newest first', async () => {
  const res = await app.request('/api/counts');
  expect(res.status).toBe(200);
  const body = (await res.json()) as Counts;
  expect(
    body.rows.map((r) => [r.item_id, r.location_id, r.counted, r.expected, r.variance, r.on_hand_before, r.adjustment])
  ).toEqual(
    expect.arrayContaining([
      ['P-1', 'LINE-1', 7, 10, -3, 9, -2],
      ['P-2', 'LINE-2', 0, 0, 0, 0, 0]
    ])
  );
  expect(body.rows.find((r) => r.item_id === 'P-2')).toMatchObject({
    description: 'Oil',
    unit: 'l',
    device_id: 'tab-c'
  });
  expect(body.totals).toEqual({ counts: 2, adjusted: 1, net: -2 });
});

it('filters by item, location and differences only', async () => {
  const only = async (q: string) =>
    ((await (await app.request(`/api/counts?${q}`)).json()) as Counts).rows.map((r) => r.item_id);
  expect(await only('item_id=P-2')).toEqual(['P-2']);
  expect(await only('location_id=LINE-1')).toEqual(['P-1']);
  expect(await only('differences=true')).toEqual(['P-1']);
});

it('refuses a bad query with 400, and an operator with 403', async () => {
  expect((await app.request('/api/counts?limit=0')).status).toBe(400);
  expect((await app.request('/api/counts?colour=red')).status).toBe(400);
  const proxied = createApp({ sql: db.sql, config: loadConfig({ AUTH_MODE: 'databricks' }), dbKind: db.kind });
  const res = await proxied.request('/api/counts', { headers: { 'x-forwarded-email': 'op@plant.example' } });
  expect(res.status).toBe(403);
});
