// The fleet page's numbers as a tablet's pushes leave them.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../../app';
import { loadConfig } from '../../config';
import { deviceListSchema } from '#domain/responses';
import { makeEvent } from '../../testing/testkit';
import { createTestDb, type TestDb } from '../../testing/testdb';

let db: TestDb;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  db = await createTestDb();
  app = createApp({ sql: db.sql, config: loadConfig({}), dbKind: db.kind });
  await db.sql`INSERT INTO locations (location_id, name) VALUES ('LINE-1', 'Line 1')`;
  await db.sql`INSERT INTO items (item_id) VALUES ('P-1')`;
});
afterAll(() => db.close());

const push = (body: unknown) =>
  app.request('/api/sync/events', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body)
  });
const pending = async (device: string) => {
  const { rows } = (await (await app.request('/api/devices')).json()) as {
    rows: { device_id: string; pending_reported: number | null }[];
  };
  return rows.find((d) => d.device_id === device)?.pending_reported;
};

it('"pending reported" returns to 0 once a tablet has pushed all it held', async () => {
  // The tablet counts before the batch: 3 pending, all 3 in this batch.
  const events = [1, 2, 3].map((n) => makeEvent({ device_seq: n, event_type: 'INTAKE' }));
  expect((await push({ device_id: 'tab-p', pending_count: 3, events })).status).toBe(200);
  expect(await pending('tab-p')).toBe(0);
  // 5 pending, 2 of them sent: 3 still on the tablet.
  const more = [4, 5].map((n) => makeEvent({ device_seq: n, event_type: 'INTAKE' }));
  expect((await push({ device_id: 'tab-p', pending_count: 5, events: more })).status).toBe(200);
  expect(await pending('tab-p')).toBe(3);
  // No count sent: the last one stands.
  expect((await push({ device_id: 'tab-p', events: [] })).status).toBe(200);
  expect(await pending('tab-p')).toBe(3);
});

it('shows the scans a tablet refilled after the server lost them, in the shape the fleet page reads', async () => {
  const events = [1, 2].map((n) => makeEvent({ device_seq: n, event_type: 'INTAKE' }));
  expect((await push({ device_id: 'tab-r', events })).status).toBe(200);
  expect((await push({ device_id: 'tab-r', events: [], refilled: 2 })).status).toBe(200);
  const { rows } = deviceListSchema.parse(await (await app.request('/api/devices')).json());
  expect(rows.find((d) => d.device_id === 'tab-r')).toMatchObject({
    refilled_total: 2,
    refilled_at: expect.any(String)
  });
  expect(rows.find((d) => d.device_id === 'tab-p')).toMatchObject({ refilled_total: 0, refilled_at: null });
});
