// Two app instances on one PostgreSQL database, each with its own pool: a push through one reaches the other's
// stream through LISTEN/NOTIFY, a large one too. (Embedded PGlite is one process by nature; stream.test.ts covers it.)
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../../app';
import { loadConfig } from '../../config';
import { connect, type Database } from '../../db/connect';
import { createTestDb, type TestDb } from '../../testing/testdb';
import { CHANNEL, type Announcement } from './changes';
import { sseReader } from '../../testing/sse';
import { makeEvent } from '../../testing/testkit';
import { CLIENT_HEADERS } from '#domain/client-header';

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
      body: JSON.stringify({
        device_id: 'tab-1',
        events: [makeEvent({ device_seq: 1, event_type: 'INTAKE', qty: 12 }), makeEvent({ device_seq: 2, qty: 8 })]
      })
    });
    expect(res.status).toBe(200);
    const seen = JSON.parse((await onB.next((m) => m.event === 'change')).data);
    expect(seen.stock).toEqual([
      expect.objectContaining({ item_id: 'P-1', location_id: 'LINE-1', on_hand: 4, status: 'low' })
    ]);
    const signalId = seen.signals[0].signal_id;
    expect(seen.signals[0].state).toBe('OPEN');
    await onA.next((m) => m.event === 'change'); // A's own stream hears it too

    expect(
      (await b.request(`/api/signals/${signalId}/acknowledge`, { method: 'POST', headers: CLIENT_HEADERS })).status
    ).toBe(200);
    const acked = JSON.parse((await onA.next((m) => m.event === 'change')).data);
    expect(acked.signals).toEqual([expect.objectContaining({ signal_id: signalId, state: 'ACKNOWLEDGED' })]);
  } finally {
    await onA.close();
    await onB.close();
  }
});

it('a 500-item push through A reaches B as its 500 rows (several NOTIFYs of one commit), not a reset', async () => {
  const ids = Array.from({ length: 500 }, (_, i) => `Q-${String(i).padStart(3, '0')}-${'x'.repeat(20)}`);
  await db.sql`INSERT INTO items (item_id, reorder_point) SELECT id, 5 FROM unnest(${ids}::text[]) AS id`;
  const a = createApp({ sql: db.sql, config: loadConfig({}), dbKind: db.kind });
  const b = createApp({ sql: other.sql, config: loadConfig({}), dbKind: other.kind });
  const onB = sseReader(await b.request('/api/stream'));
  try {
    await onB.next((m) => m.event === 'hello');
    const events = ids.map((item_id, i) => makeEvent({ device_seq: i + 1, event_type: 'INTAKE', item_id, qty: i + 1 }));
    const res = await a.request('/api/sync/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ device_id: 'tab-big', events })
    });
    expect(res.status).toBe(200);
    // Only this push's rows count: the first test's acknowledgement can still be on its way to B's listener.
    const wanted = new Set(ids);
    const seen = new Map<string, number>();
    while (seen.size < ids.length) {
      const m = await onB.next((x) => x.event === 'change' || x.event === 'reset');
      expect(m.event).toBe('change');
      for (const r of JSON.parse(m.data).stock as { item_id: string; on_hand: number }[])
        if (wanted.has(r.item_id)) seen.set(r.item_id, r.on_hand);
    }
    expect([...seen]).toEqual(expect.arrayContaining(ids.map((id, i) => [id, i + 1])));
    expect(seen.size).toBe(500);
  } finally {
    await onB.close();
  }
});

it('a push names the signals it opened in its own announcement, so a later push to the same row cannot hide them', async () => {
  await db.sql`INSERT INTO items (item_id, reorder_point) VALUES ('P-SIG', 5) ON CONFLICT DO NOTHING`;
  const heard: Announcement[] = [];
  const listener = await other.sql.listen(CHANNEL, (payload) => heard.push(JSON.parse(payload) as Announcement));
  try {
    const app = createApp({ sql: db.sql, config: loadConfig({}), dbKind: db.kind });
    const res = await app.request('/api/sync/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        device_id: 'tab-sig',
        events: [
          makeEvent({ device_seq: 1, event_type: 'INTAKE', item_id: 'P-SIG', qty: 6 }),
          makeEvent({ device_seq: 2, item_id: 'P-SIG', qty: 3 })
        ]
      })
    });
    expect(res.status).toBe(200);
    const [opened] = await db.sql<
      { signal_id: string }[]
    >`SELECT signal_id::text FROM replenishment_signals WHERE item_id = 'P-SIG' AND state = 'OPEN'`;
    expect(opened).toBeDefined();
    for (let i = 0; i < 100 && !heard.some((a) => a.signals.includes(opened.signal_id)); i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(heard.find((a) => a.stock.some(([item]) => item === 'P-SIG'))?.signals).toEqual([opened.signal_id]);
  } finally {
    await listener.unlisten();
  }
});
