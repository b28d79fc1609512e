// Two app instances on one PostgreSQL database, each with its own pool: a push through one reaches the other's
// stream through LISTEN/NOTIFY. (Embedded PGlite is one process by nature; stream.test.ts covers it.)
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../app';
import { loadConfig } from '../config';
import { connect, type Database } from '../db/connect';
import { createTestDb, type TestDb } from '../db/testdb';
import { sseReader } from '../sse.testkit';
import { makeEvent } from '../testkit';

let db: TestDb;
let other: Database;

beforeAll(async () => {
  db = await createTestDb();
  other = await connect({ kind: 'url', url: db.url! }, { max: 4 });
  await db.sql`INSERT INTO locations (location_id, name) VALUES ('LINE-1', 'Line 1')`;
  await db.sql`INSERT INTO items (item_id, reorder_point) VALUES ('P-1', 10)`;
});
afterAll(async () => {
  await other.close();
  await db.close();
});

it('a push through instance A appears on the stream of instance B, and a signal acknowledged on B on A', async () => {
  const a = createApp({ sql: db.sql, config: loadConfig({}), dbKind: db.kind });
  const b = createApp({ sql: other.sql, config: loadConfig({}), dbKind: other.kind });
  const onA = sseReader(await a.request('/api/stream'));
  const onB = sseReader(await b.request('/api/stream'));
  try {
    await onA.next((m) => m.event === 'hello');
    expect(JSON.parse((await onB.next((m) => m.event === 'hello')).data).mode).toBe('listen');

    const res = await a.request('/api/sync/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ device_id: 'tab-1', events: [makeEvent({ device_seq: 1, event_type: 'INTAKE', qty: 12 }), makeEvent({ device_seq: 2, qty: 8 })] })
    });
    expect(res.status).toBe(200);
    const seen = JSON.parse((await onB.next((m) => m.event === 'change')).data);
    expect(seen.stock).toEqual([expect.objectContaining({ item_id: 'P-1', location_id: 'LINE-1', on_hand: 4, status: 'low' })]);
    const signalId = seen.signals[0].signal_id;
    expect(seen.signals[0].state).toBe('OPEN');
    await onA.next((m) => m.event === 'change'); // A's own stream hears it too

    expect((await b.request(`/api/signals/${signalId}/acknowledge`, { method: 'POST' })).status).toBe(200);
    const acked = JSON.parse((await onA.next((m) => m.event === 'change')).data);
    expect(acked.signals).toEqual([expect.objectContaining({ signal_id: signalId, state: 'ACKNOWLEDGED' })]);
  } finally {
    await onA.close();
    await onB.close();
  }
});
