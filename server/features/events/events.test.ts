// GET /api/events?order=captured: an item's history as it happened on the floor, not as it reached the server.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../../app';
import { loadConfig } from '../../config';
import { makeEvent } from '../../testing/testkit';
import { createTestDb, type TestDb } from '../../testing/testdb';

let db: TestDb;
let app: ReturnType<typeof createApp>;
const at = (min: number) => new Date(Date.UTC(2026, 0, 1, 8, min)).toISOString();
// Pushed in this order, one push each; captured in another (the second tablet was offline an hour).
const events = [
  makeEvent({ device_seq: 1, captured_at: at(30) }),
  makeEvent({ device_seq: 2, captured_at: at(10) }),
  makeEvent({ device_seq: 3, captured_at: at(20) })
];

beforeAll(async () => {
  db = await createTestDb();
  app = createApp({ sql: db.sql, config: loadConfig({}), dbKind: db.kind });
  await db.sql`INSERT INTO locations (location_id, name) VALUES ('LINE-1', 'Line 1')`;
  await db.sql`INSERT INTO items (item_id) VALUES ('P-1')`;
  for (const e of events) {
    const res = await app.request('/api/sync/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ device_id: 'tab-e', events: [e] })
    });
    expect(res.status).toBe(200);
  }
});
afterAll(() => db.close());

type Page = { rows: { event_id: string }[]; next_cursor: string | null };
async function all(params: string): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const res = await app.request(`/api/events?item_id=P-1&limit=1${params}${cursor ? `&before=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    const page = (await res.json()) as Page;
    seen.push(...page.rows.map((r) => r.event_id));
    cursor = page.next_cursor;
  } while (cursor);
  return seen;
}

it('orders by capture time, newest first, paging without a skip or a repeat', async () => {
  expect(await all('&order=captured')).toEqual([events[0], events[2], events[1]].map((e) => e.event_id));
});

it('keeps the server receipt order by default', async () => {
  expect(await all('')).toEqual([...events].reverse().map((e) => e.event_id));
});

it('refuses a cursor of one order used with the other', async () => {
  const first = (await (await app.request('/api/events?item_id=P-1&limit=1&order=captured')).json()) as Page;
  expect((await app.request(`/api/events?item_id=P-1&limit=1&before=${first.next_cursor}`)).status).toBe(400);
});

it('lists a MOVE at both of its locations, with where it went', async () => {
  await db.sql`INSERT INTO locations (location_id, name) VALUES ('LINE-9', 'Line 9')`;
  const move = makeEvent({ device_seq: 4, event_type: 'MOVE', qty: 2, to_location_id: 'LINE-9', captured_at: at(40) });
  const res = await app.request('/api/sync/events', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ device_id: 'tab-e', events: [move] })
  });
  expect(((await res.json()) as { results: { status: string }[] }).results[0].status).toBe('applied');
  for (const loc of ['LINE-1', 'LINE-9']) {
    const page = (await (await app.request(`/api/events?item_id=P-1&location_id=${loc}&limit=1`)).json()) as {
      rows: Record<string, unknown>[];
    };
    expect(page.rows[0]).toMatchObject({ event_id: move.event_id, location_id: 'LINE-1', to_location_id: 'LINE-9' });
  }
});
