// Item reads: master data, and on hand over time replayed from the events (VOIDs included).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app';
import { loadConfig } from '../config';
import { createTestDb, type TestDb } from '../db/testdb';
import { makeEvent } from '../testkit';

let db: TestDb;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  db = await createTestDb();
  app = createApp({ sql: db.sql, config: loadConfig({}), dbKind: db.kind });
  await db.sql`INSERT INTO locations (location_id, name) VALUES ('LINE-1', 'Line 1'), ('LINE-2', 'Line 2')`;
  await db.sql`INSERT INTO items (item_id, description, reorder_point) VALUES ('P-1', 'Bolt', 10), ('P 2/x', 'Odd id', NULL)`;
});
afterAll(() => db.close());

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 8, minute)).toISOString();

describe('GET /api/items/:item_id/history', () => {
  it('replays on hand in capture order, a VOID moving it back, per location or in total', async () => {
    const intake = makeEvent({ device_seq: 1, event_type: 'INTAKE', qty: 20, captured_at: at(0) });
    const events = [
      intake,
      makeEvent({ device_seq: 2, qty: 5, captured_at: at(2) }),
      makeEvent({ device_seq: 3, event_type: 'INTAKE', qty: 7, location_id: 'LINE-2', captured_at: at(3) }),
      makeEvent({ device_seq: 4, event_type: 'VOID', qty: 20, voids_event_id: intake.event_id, captured_at: at(4) })
    ];
    const res = await app.request('/api/sync/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ device_id: 'tab-1', events })
    });
    expect((await res.json()).results.map((r: { status: string }) => r.status)).toEqual(['applied', 'applied', 'applied', 'applied']);

    const total = await (await app.request('/api/items/P-1/history')).json();
    expect(total.points.map((p: { on_hand: number }) => p.on_hand)).toEqual([20, 15, 22, 2]);
    expect(total.points[0].at).toBe(at(0));
    const line1 = await (await app.request('/api/items/P-1/history?location_id=LINE-1')).json();
    expect(line1.points.map((p: { on_hand: number }) => p.on_hand)).toEqual([20, 15, -5]);
    // The last point agrees with the stock projection.
    const [{ sum }] = await db.sql`SELECT sum(on_hand) AS sum FROM stock_levels WHERE item_id = 'P-1'`;
    expect(Number(sum)).toBe(2);
  });

  it('answers an item without events with no points, and refuses bad input', async () => {
    expect((await (await app.request(`/api/items/${encodeURIComponent('P 2/x')}/history`)).json()).points).toEqual([]);
    expect((await app.request('/api/items/P-1/history?bogus=1')).status).toBe(400);
  });
});

describe('GET /api/items/:item_id', () => {
  it('answers the item with its version, 404 for an unknown one', async () => {
    expect(await (await app.request('/api/items/P-1')).json()).toMatchObject({ item_id: 'P-1', description: 'Bolt', version: 1 });
    const missing = await app.request('/api/items/NOPE');
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('not_found');
  });
});
