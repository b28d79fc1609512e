// GET /api/stream on one instance: a push or a signal move reaches an open stream; Last-Event-ID catches up.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../app';
import { loadConfig } from '../config';
import { createTestDb, type TestDb } from '../db/testdb';
import { sseReader } from '../sse.testkit';
import { makeEvent } from '../testkit';

let db: TestDb;
let app: ReturnType<typeof createApp>;
let seq = 0;

beforeAll(async () => {
  db = await createTestDb();
  app = createApp({ sql: db.sql, config: loadConfig({}), dbKind: db.kind });
});
afterAll(() => db.close());
beforeEach(async () => {
  await db.sql`TRUNCATE scan_events, stock_levels, replenishment_signals, devices, items, locations CASCADE`;
  await db.sql`INSERT INTO locations (location_id, name) VALUES ('LINE-1', 'Line 1')`;
  await db.sql`INSERT INTO items (item_id, description, reorder_point, reorder_qty) VALUES ('P-1', '<b>Bolt</b>', 10, 50)`;
});

const push = (events: unknown[]) =>
  app.request('/api/sync/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ device_id: 'tab-1', events }) });

async function open(headers: Record<string, string> = {}) {
  const res = await app.request('/api/stream', { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
  const sse = sseReader(res);
  const hello = await sse.next((m) => m.event === 'hello');
  expect(JSON.parse(hello.data).mode).toBe(db.kind === 'embedded' ? 'local' : 'listen');
  return sse;
}

describe('GET /api/stream', () => {
  it('pushes the stock row and the signal a scan moved, then the acknowledgement', async () => {
    const sse = await open();
    try {
      await push([makeEvent({ device_seq: ++seq, event_type: 'INTAKE', qty: 12 }), makeEvent({ device_seq: ++seq, qty: 5 })]);
      const change = await sse.next((m) => m.event === 'change');
      const body = JSON.parse(change.data);
      expect(body.stock).toEqual([expect.objectContaining({ item_id: 'P-1', location_id: 'LINE-1', on_hand: 7, status: 'low', description: '<b>Bolt</b>' })]);
      expect(body.signals).toEqual([expect.objectContaining({ item_id: 'P-1', state: 'OPEN', triggered_at_qty: 7 })]);
      expect(Date.parse(change.id!)).not.toBeNaN();

      const ack = await app.request(`/api/signals/${body.signals[0].signal_id}/acknowledge`, { method: 'POST' });
      expect(ack.status).toBe(200);
      const acked = JSON.parse((await sse.next((m) => m.event === 'change')).data);
      expect(acked.signals).toEqual([expect.objectContaining({ signal_id: body.signals[0].signal_id, state: 'ACKNOWLEDGED', on_hand: 7 })]);
    } finally {
      await sse.close();
    }
  });

  it('sends nothing for a push that applied nothing', async () => {
    const first = makeEvent({ device_seq: ++seq, event_type: 'INTAKE', qty: 3 });
    await push([first]);
    const sse = await open();
    try {
      await push([first]); // a retry: duplicate
      await push([makeEvent({ device_seq: ++seq, event_type: 'INTAKE', qty: 1 })]);
      const body = JSON.parse((await sse.next((m) => m.event === 'change')).data);
      expect(body.stock[0].on_hand).toBe(4); // the first change seen is the second push, not the retry
    } finally {
      await sse.close();
    }
  });

  it('catches up from Last-Event-ID, and asks for a reload when that is too old or not a time', async () => {
    const sse = await open();
    const lastId = await (async () => {
      await push([makeEvent({ device_seq: ++seq, event_type: 'INTAKE', qty: 20 })]);
      const m = await sse.next((x) => x.event === 'change');
      await sse.close();
      return m.id!;
    })();
    await push([makeEvent({ device_seq: ++seq, qty: 15 })]); // while away: on hand 5, a signal opens

    const back = await open({ 'last-event-id': lastId });
    try {
      const body = JSON.parse((await back.next((m) => m.event === 'change')).data);
      expect(body.stock).toEqual([expect.objectContaining({ item_id: 'P-1', on_hand: 5 })]);
      expect(body.signals).toEqual([expect.objectContaining({ state: 'OPEN' })]);
    } finally {
      await back.close();
    }
    for (const id of ['2001-01-01T00:00:00Z', 'not a time']) {
      const old = await open({ 'last-event-id': id });
      try {
        expect((await old.next((m) => m.event === 'reset' || m.event === 'change')).event).toBe('reset');
      } finally {
        await old.close();
      }
    }
  });
});
