// GET /api/stream on one instance: a push or a signal move reaches an open stream; Last-Event-ID catches up; a
// 500-event push (more keys than one NOTIFY payload holds) arrives as its rows, not as a reset.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../app';
import { loadConfig } from '../../config';
import { createTestDb, type TestDb } from '../../testing/testdb';
import { sseReader } from '../../testing/sse';
import { afterCatchUp, announce, announcements, MAX_LISTED, PART_ROWS, type ChangeEvent } from './changes';
import { makeEvent, tally } from '../../testing/testkit';
import { CLIENT_HEADERS } from '#domain/client-header';

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
  app.request('/api/sync/events', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ device_id: 'tab-1', events })
  });

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
      await push([
        makeEvent({ device_seq: ++seq, event_type: 'INTAKE', qty: 12 }),
        makeEvent({ device_seq: ++seq, qty: 5 })
      ]);
      const change = await sse.next((m) => m.event === 'change');
      const body = JSON.parse(change.data);
      expect(body.stock).toEqual([
        expect.objectContaining({
          item_id: 'P-1',
          location_id: 'LINE-1',
          on_hand: 7,
          status: 'low',
          description: '<b>Bolt</b>'
        })
      ]);
      expect(body.signals).toEqual([expect.objectContaining({ item_id: 'P-1', state: 'OPEN', triggered_at_qty: 7 })]);
      expect(Date.parse(change.id!)).not.toBeNaN();

      const ack = await app.request(`/api/signals/${body.signals[0].signal_id}/acknowledge`, {
        method: 'POST',
        headers: CLIENT_HEADERS
      });
      expect(ack.status).toBe(200);
      const acked = JSON.parse((await sse.next((m) => m.event === 'change')).data);
      expect(acked.signals).toEqual([
        expect.objectContaining({ signal_id: body.signals[0].signal_id, state: 'ACKNOWLEDGED', on_hand: 7 })
      ]);
    } finally {
      await sse.close();
    }
  });

  it('sends nothing for a push that applied nothing', async () => {
    const first = makeEvent({ device_seq: ++seq, event_type: 'INTAKE', qty: 3 });
    const sse = await open();
    try {
      await push([first]);
      // The first push's own change is read before the retry, so a late notification cannot pass for the retry's.
      expect(JSON.parse((await sse.next((m) => m.event === 'change')).data).stock[0].on_hand).toBe(3);
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

describe('GET /api/stream: a large push', () => {
  // Ids that must survive JSON, a PostgreSQL text[] and the byte count of a NOTIFY payload.
  const odd = ['M-"quoted"', 'M-back\\slash', 'M-größe-ü', 'M-{a,b}', 'M-日本語-部品'];
  const ids = [...Array.from({ length: 500 - odd.length }, (_, i) => `M-${String(i).padStart(3, '0')}`), ...odd];
  const qty = (i: number) => (i % 15) + 1; // on hand 20 - qty: a signal opens where that is at or below 10

  beforeEach(async () => {
    await db.sql`INSERT INTO items (item_id, description, reorder_point, reorder_qty) SELECT id, 'Part ' || id, 10, 40 FROM unnest(${ids}::text[]) AS id`;
    await db.sql`INSERT INTO stock_levels (item_id, location_id, on_hand, intake_total, event_count)
                 SELECT id, 'LINE-1', 20, 20, 1 FROM unnest(${ids}::text[]) AS id`;
  });

  /** Change events until `rows` distinct stock rows have arrived; a reset fails the test. */
  async function collect(sse: Awaited<ReturnType<typeof open>>, rows: number) {
    const stock = new Map<string, Record<string, unknown>>();
    const signals = new Map<string, Record<string, unknown>>();
    let events = 0;
    while (stock.size < rows) {
      const m = await sse.next((x) => x.event === 'change' || x.event === 'reset');
      expect(m.event).toBe('change');
      const body = JSON.parse(m.data) as { stock: Record<string, unknown>[]; signals: Record<string, unknown>[] };
      expect(body.stock.length).toBeLessThanOrEqual(PART_ROWS);
      for (const r of body.stock) stock.set(`${r.item_id}|${r.location_id}`, r);
      for (const s of body.signals) signals.set(s.signal_id as string, s);
      events++;
    }
    return { stock, signals, events };
  }

  it('reaches an open stream as the changed rows with the signals it opened, not a reset; its retry sends nothing', async () => {
    const events = ids.map((item_id, i) => makeEvent({ device_seq: ++seq, item_id, qty: qty(i) }));
    // What the push announces does not fit one NOTIFY: this case is the one that used to reset every stream.
    expect(Buffer.byteLength(JSON.stringify({ stock: ids.map((id) => [id, 'LINE-1']), signals: [] }))).toBeGreaterThan(
      7000
    );
    const sse = await open();
    try {
      const res = await push(events);
      expect(res.status).toBe(200);
      expect(tally((await res.json()).results)).toEqual({ applied: 500 });

      const got = await collect(sse, 500);
      expect(got.stock.size).toBe(500);
      ids.forEach((id, i) => {
        const onHand = 20 - qty(i);
        expect(got.stock.get(`${id}|LINE-1`)).toEqual(
          expect.objectContaining({
            item_id: id,
            on_hand: onHand,
            consume_total: qty(i),
            status: onHand <= 10 ? 'low' : 'ok',
            description: `Part ${id}`
          })
        );
      });
      const opened = ids.filter((_, i) => 20 - qty(i) <= 10);
      expect(opened.length).toBeGreaterThan(100);
      const bySignal = [...got.signals.values()];
      expect(bySignal.map((s) => s.item_id).sort()).toEqual([...opened].sort());
      for (const s of bySignal)
        expect(s).toEqual(
          expect.objectContaining({ state: 'OPEN', triggered_at_qty: s.on_hand, location_id: 'LINE-1' })
        );

      // The same batch again (a tablet that lost the answer): all duplicates, nothing announced. The next change
      // seen is the marker pushed after it.
      expect(tally((await (await push(events)).json()).results)).toEqual({ duplicate: 500 });
      await push([makeEvent({ device_seq: ++seq, event_type: 'INTAKE', qty: 2 })]);
      const next = JSON.parse((await sse.next((m) => m.event === 'change' || m.event === 'reset')).data);
      expect(next.stock).toEqual([expect.objectContaining({ item_id: 'P-1', on_hand: 2 })]);
      expect(next.signals).toEqual([]);
    } finally {
      await sse.close();
    }
  });

  it('sends a write of more rows than one stream event holds in parts, and a reset only beyond what is listed', async () => {
    const locations = ['LINE-2', 'LINE-3'];
    await db.sql`INSERT INTO locations (location_id, name) SELECT id, id FROM unnest(${locations}::text[]) AS id`;
    await db.sql`INSERT INTO stock_levels (item_id, location_id, on_hand) SELECT i, l, 7 FROM unnest(${ids}::text[]) AS i, unnest(${locations}::text[]) AS l`;
    const keys = ids.flatMap((id) => ['LINE-1', ...locations].map((l): [string, string] => [id, l])); // 1,500 rows
    const sse = await open();
    try {
      await db.sql.begin((tx) => announce(tx, keys));
      const got = await collect(sse, keys.length);
      expect(got.events).toBe(Math.ceil(keys.length / PART_ROWS));
      expect([...got.stock.keys()].sort()).toEqual(keys.map(([i, l]) => `${i}|${l}`).sort());
      expect(got.stock.get('M-日本語-部品|LINE-3')).toEqual(expect.objectContaining({ on_hand: 7 }));

      // More rows than MAX_LISTED (a catalogue-wide change): one reset, and no rows.
      const many = Array.from({ length: MAX_LISTED + 1 }, (_, i): [string, string] => [`X-${i}`, 'LINE-1']);
      await db.sql.begin((tx) => announce(tx, many));
      expect((await sse.next((m) => m.event === 'change' || m.event === 'reset')).event).toBe('reset');
    } finally {
      await sse.close();
    }
  });
});

describe('announcements', () => {
  it('splits a long announcement into NOTIFY payloads under the limit that together list every key and signal once', () => {
    const keys = Array.from({ length: 1200 }, (_, i): [string, string] => [
      `部品-"${i}"-\\-${'ü'.repeat(20)}`,
      `LOC-${i % 3}`
    ]);
    const signals = Array.from({ length: 300 }, (_, i) => `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`);
    const payloads = announcements([...keys, ...keys.slice(0, 100)], signals);
    expect(payloads.length).toBeGreaterThan(1);
    const parsed = payloads.map((p) => {
      expect(Buffer.byteLength(p)).toBeLessThanOrEqual(7000);
      return JSON.parse(p) as { stock: [string, string][]; signals: string[]; all?: boolean };
    });
    expect(parsed.every((p) => !p.all)).toBe(true);
    expect(parsed.flatMap((p) => p.stock)).toEqual(keys);
    expect(parsed.flatMap((p) => p.signals)).toEqual(signals);
    expect(announcements(keys.slice(0, 3), [])).toEqual([JSON.stringify({ stock: keys.slice(0, 3), signals: [] })]);
    expect(
      JSON.parse(
        announcements(
          Array.from({ length: MAX_LISTED + 1 }, (_, i): [string, string] => [`I-${i}`, 'L']),
          []
        )[0]
      ).all
    ).toBe(true);
  });
});

describe('catch-up on reconnect', () => {
  const event = (id: string): ChangeEvent => ({ id, stock: [], signals: [], reset: false });
  it('sends the catch-up first, then only live events read at or after it, so an older value never follows a newer one', () => {
    const caughtUp = [event('2026-11-22T10:00:05.000Z'), event('2026-11-22T10:00:05.000Z')];
    const live = [
      event('2026-11-22T10:00:04.900Z'),
      event('2026-11-22T10:00:05.000Z'),
      event('2026-11-22T10:00:05.200Z')
    ];
    expect(afterCatchUp(caughtUp, live).map((e) => e.id)).toEqual([
      '2026-11-22T10:00:05.000Z',
      '2026-11-22T10:00:05.000Z',
      '2026-11-22T10:00:05.000Z',
      '2026-11-22T10:00:05.200Z'
    ]);
    expect(afterCatchUp([], live)).toEqual(live);
  });
});
