// The outbox and the sync engine against the real Core API (server/app.ts over a fresh test database), with
// IndexedDB from fake-indexeddb. Only the network in between is ever disturbed, to lose answers or fail requests.
import 'fake-indexeddb/auto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../server/app';
import { loadConfig } from '../../../server/config';
import { createTestDb, type TestDb } from '../../../server/testing/testdb';
import { copyDatabase } from '../../../server/testing/restore';
import { verifyStock } from '../../../server/db/verify';
import { MAX_BATCH_BYTES, MAX_BATCH_EVENTS, MAX_EVENT_BYTES } from '../domain/events';
import { uuid7Time } from '../domain/uuid7';
import { countState, openStationDb, readSync, type StationDb } from './db';
import { dismissRejected, exportPending, recordScan, resendFixed, undoScan, changeQty, type ScanInput } from './outbox';
import { stockView } from './stock';
import {
  REFILL_CHECK_MS,
  SYNCED_KEPT_MS,
  SyncEngine,
  backoffDelay,
  syncOnce,
  withSyncLock,
  type SyncConfig
} from './sync';

let server: TestDb;
let station: StationDb;
let n = 0;
const requests: { path: string; events: number; bytes: number }[] = [];

type Fetch = typeof fetch;
function apiFetch(env: Record<string, string> = {}): Fetch {
  const app = createApp({
    sql: server.sql,
    config: loadConfig({ AUTH_MODE: 'local', ALLOWED_HOSTS: 'linesync.test', ...env }),
    dbKind: server.kind
  });
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const body = typeof init?.body === 'string' ? JSON.parse(init.body) : null;
    const bytes = typeof init?.body === 'string' ? new TextEncoder().encode(init.body).length : 0;
    requests.push({ path: new URL(url).pathname, events: body?.events?.length ?? 0, bytes });
    return app.request(url, init);
  }) as Fetch;
}

const cfg = (over: Partial<SyncConfig> = {}): SyncConfig => ({
  baseUrl: 'http://linesync.test',
  appVersion: 'test-1',
  fetch: apiFetch(),
  ...over
});
const scan = (over: Partial<ScanInput> = {}): ScanInput => ({
  event_type: 'INTAKE',
  item_id: 'P-1',
  qty: 1,
  source: 'wedge',
  ...over
});

async function setUp(db: StationDb, device_id = `tab-${n}`) {
  await db.device.put({
    id: 'this',
    device_id,
    device_name: 'Tablet A',
    station_id: 'ST-1',
    location_id: 'LINE-1',
    configured_at: new Date().toISOString()
  });
}
async function serverEvents(device_id: string) {
  return server.sql<
    { event_id: string; device_seq: number; event_type: string; qty: number; voids_event_id: string | null }[]
  >`
    SELECT event_id::text, device_seq, event_type, qty, voids_event_id::text FROM scan_events WHERE device_id = ${device_id} ORDER BY device_seq`;
}
async function record(db: StationDb, input: ScanInput = scan()) {
  const r = await recordScan(db, input);
  if (!r.ok) throw new Error(r.reason);
  return r.rows[0];
}

beforeAll(async () => {
  server = await createTestDb();
  await server.sql`INSERT INTO locations (location_id, name) VALUES ('LINE-1', 'Line 1')`;
  await server.sql`INSERT INTO items (item_id, description, reorder_point, reorder_qty) VALUES ('P-1', 'Bolt', 10, 50), ('P-2', 'Nut', NULL, NULL)`;
});
afterAll(() => server.close());
beforeEach(async () => {
  n++;
  requests.length = 0;
  station = openStationDb(`station-test-${n}`);
  await setUp(station);
});
afterEach(async () => {
  await station.delete();
});

describe('recording a scan', () => {
  it('commits it with a UUIDv7 and the next device sequence number', async () => {
    const before = Date.now();
    const a = await record(station);
    const b = await record(station, scan({ event_type: 'CONSUME', qty: 3 }));
    expect([a.device_seq, b.device_seq]).toEqual([1, 2]);
    expect(a.event_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(uuid7Time(a.event_id)).toBeGreaterThanOrEqual(before);
    expect(b.event).toMatchObject({
      event_type: 'CONSUME',
      qty: 3,
      location_id: 'LINE-1',
      station_id: 'ST-1',
      source: 'wedge'
    });
    expect(await station.outbox.count()).toBe(2);
    expect(await countState(station, 'pending')).toBe(2);
  });

  it('refuses an invalid scan with a reason, stores nothing and spends no sequence number', async () => {
    for (const bad of [
      scan({ qty: 0 }),
      scan({ qty: 1.5 }),
      scan({ item_id: '  ' }),
      scan({ item_id: 'x'.repeat(65) })
    ]) {
      const r = await recordScan(station, bad);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(/^Not recorded: (qty|item_id)/);
    }
    expect(await station.outbox.count()).toBe(0);
    expect((await record(station)).device_seq).toBe(1);
  });

  it('refuses to record before the tablet is set up', async () => {
    await station.device.clear();
    const r = await recordScan(station, scan());
    expect(r).toEqual({ ok: false, reason: expect.stringMatching(/not set up/) });
  });

  it('numbers scans recorded at the same moment without gaps or repeats', async () => {
    const rows = await Promise.all(Array.from({ length: 40 }, () => record(station)));
    expect(rows.map((r) => r.device_seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });
});

describe('sync against the Core API', () => {
  it('pushes every pending scan in device order, in batches, marks them synced and pulls the snapshot', async () => {
    for (let i = 0; i < 5; i++) await record(station, scan({ qty: i + 1 }));
    const out = await syncOnce(station, cfg({ batchSize: 2 }));
    expect(out).toEqual({ status: 'done', sent: 5, accepted: 5, rejected: 0 });
    expect(requests.filter((r) => r.path === '/api/sync/events').map((r) => r.events)).toEqual([2, 2, 1]);
    const stored = await serverEvents(`tab-${n}`);
    expect(stored.map((e) => e.device_seq)).toEqual([1, 2, 3, 4, 5]);
    expect(await countState(station, 'synced')).toBe(5);
    const snapshot = await station.snapshot.get('this');
    expect(snapshot?.items.map((i) => i.item_id)).toContain('P-1');
    const sync = await readSync(station);
    expect(sync.last_success_at).not.toBeNull();
    expect(sync.failures).toBe(0);
    const [device] =
      await server.sql`SELECT name, station_id, app_version, pending_reported, last_seq FROM devices WHERE device_id = ${`tab-${n}`}`;
    // The last batch carried the last pending scan: nothing is left on the tablet once it is applied.
    expect(device).toMatchObject({
      name: 'Tablet A',
      station_id: 'ST-1',
      app_version: 'test-1',
      pending_reported: 0,
      last_seq: 5
    });
  });

  it('loses nothing and doubles nothing when the answer to a push is lost', async () => {
    for (let i = 0; i < 3; i++) await record(station);
    const real = apiFetch();
    const losing = (async (input: RequestInfo | URL, init?: RequestInit) => {
      await real(input, init); // the server applies the batch...
      throw new TypeError('network connection lost'); // ...but the tablet never hears back
    }) as Fetch;
    const failed = await syncOnce(station, cfg({ fetch: losing }));
    expect(failed).toMatchObject({ status: 'failed', error: expect.stringMatching(/unreachable.*connection lost/) });
    expect(await countState(station, 'pending')).toBe(3);
    expect((await readSync(station)).failures).toBe(1);
    expect((await readSync(station)).last_error).toMatch(/connection lost/);

    expect(await syncOnce(station, cfg())).toMatchObject({ status: 'done', accepted: 3 });
    expect(await serverEvents(`tab-${n}`)).toHaveLength(3);
    expect(await countState(station, 'synced')).toBe(3);
    expect((await readSync(station)).failures).toBe(0);
    // The good resync clears the error the station showed, even with the device clock standing still.
    expect(await readSync(station)).toMatchObject({ last_error: null, last_error_at: null });
  });

  it('keeps every scan pending when the server answers with an error page', async () => {
    await record(station);
    const proxy = (async () => new Response('<html>Bad gateway</html>', { status: 502 })) as Fetch;
    const out = await syncOnce(station, cfg({ fetch: proxy }));
    expect(out).toMatchObject({ status: 'failed', error: 'Server answered 502 with something other than JSON.' });
    expect(await countState(station, 'pending')).toBe(1);
  });

  it('keeps every scan and asks to sign in again on 401', async () => {
    await record(station);
    await record(station);
    const out = await syncOnce(station, cfg({ fetch: apiFetch({ AUTH_MODE: 'databricks' }) }));
    expect(out).toMatchObject({ status: 'failed', authRequired: true });
    expect(await countState(station, 'pending')).toBe(2);
    expect(await readSync(station)).toMatchObject({
      auth_required: true,
      last_error: expect.stringMatching(/sign in again/i)
    });
    expect(await syncOnce(station, cfg())).toMatchObject({ status: 'done', accepted: 2 });
    expect((await readSync(station)).auth_required).toBe(false);
  });

  it('puts a rejected scan on the needs-attention list; fixing resends it as a new event', async () => {
    const strict = cfg({ fetch: apiFetch({ REQUIRE_KNOWN_ITEMS: 'true' }) });
    const good = await record(station);
    const bad = await record(station, scan({ item_id: 'NO-SUCH-PART' }));
    const other = await record(station, scan({ item_id: 'ALSO-UNKNOWN' }));
    expect(await syncOnce(station, strict)).toEqual({ status: 'done', sent: 3, accepted: 1, rejected: 2 });
    const rejected = await station.outbox.get(bad.event_id);
    expect(rejected).toMatchObject({ state: 'rejected', reason: 'unknown item: NO-SUCH-PART' });
    expect(rejected?.settled_at).toBeUndefined(); // never pruned

    const fixed = await resendFixed(station, bad.event_id, { item_id: 'P-2', qty: 4 });
    expect(fixed.ok).toBe(true);
    expect(await resendFixed(station, bad.event_id, { item_id: 'P-2', qty: 4 })).toMatchObject({ ok: false });
    expect(await dismissRejected(station, other.event_id)).toBe(true);
    expect(await syncOnce(station, strict)).toMatchObject({ status: 'done', accepted: 1, rejected: 0 });

    const stored = await serverEvents(`tab-${n}`);
    expect(stored.map((e) => e.event_id)).toEqual([good.event_id, fixed.ok ? fixed.rows[0].event_id : '']);
    expect(await station.outbox.get(bad.event_id)).toMatchObject({
      state: 'resolved',
      replaced_by: fixed.ok ? fixed.rows[0].event_id : ''
    });
    expect((await station.outbox.get(other.event_id))?.state).toBe('resolved');
  });

  it("undo appends a VOID with the voided scan's item, location and qty, and the server accepts it", async () => {
    const a = await record(station, scan({ event_type: 'CONSUME', qty: 7 }));
    await syncOnce(station, cfg());
    const undone = await undoScan(station, a.event_id);
    expect(undone.ok).toBe(true);
    expect(await undoScan(station, a.event_id)).toEqual({ ok: false, reason: 'That scan is already undone.' });
    if (undone.ok) {
      expect(undone.rows[0].event).toMatchObject({
        event_type: 'VOID',
        voids_event_id: a.event_id,
        item_id: 'P-1',
        location_id: 'LINE-1',
        qty: 7
      });
      expect(await undoScan(station, undone.rows[0].event_id)).toMatchObject({ ok: false });
    }
    expect(await syncOnce(station, cfg())).toMatchObject({ status: 'done', accepted: 1, rejected: 0 });
    expect((await serverEvents(`tab-${n}`)).map((e) => e.event_type)).toEqual(['CONSUME', 'VOID']);
  });

  it('a quantity changed after the scan becomes a VOID and a new scan, both accepted', async () => {
    const a = await record(station, scan({ qty: 1 }));
    const changed = await changeQty(station, a.event_id, 12);
    expect(changed.ok && changed.rows.map((r) => [r.event.event_type, r.event.qty])).toEqual([
      ['VOID', 1],
      ['INTAKE', 12]
    ]);
    expect(await syncOnce(station, cfg())).toMatchObject({ status: 'done', accepted: 3 });
    const own = await serverEvents(`tab-${n}`);
    expect(own.map((e) => [e.event_type, e.qty, e.voids_event_id])).toEqual([
      ['INTAKE', 1, null],
      ['VOID', 1, a.event_id],
      ['INTAKE', 12, null]
    ]);
  });

  it('prunes synced scans after seven days and never a pending one', async () => {
    // The device clock runs eight days behind at first, so the first scan was synced "eight days ago".
    let now = Date.now() - SYNCED_KEPT_MS - 24 * 60 * 60 * 1000;
    const clock = () => now;
    const old = await record(station);
    expect(await syncOnce(station, cfg({ now: clock }))).toMatchObject({ status: 'done', accepted: 1 });
    now = Date.now();
    const pending = await record(station);
    // Offline: nothing reaches the server, so nothing is pruned either.
    const offline = (async () => {
      throw new TypeError('offline');
    }) as Fetch;
    await syncOnce(station, cfg({ now: clock, fetch: offline }));
    expect((await station.outbox.toArray()).map((r) => r.event_id)).toEqual([old.event_id, pending.event_id]);
    // Back online: the week-old synced scan goes; the one just synced stays.
    expect(await syncOnce(station, cfg({ now: clock }))).toMatchObject({ status: 'done', accepted: 1 });
    const left = await station.outbox.toArray();
    expect(left.map((r) => [r.event_id, r.state])).toEqual([[pending.event_id, 'synced']]);
  });
});

// The server keeps every rejected scan too: a supervisor may resolve it there, and the tablet learns it on its next
// sync; what the worker settles on the tablet is told to the server, so no one resolves the same scan twice.
describe('rejected scans resolved on the server or on the tablet', () => {
  const strict = () => cfg({ fetch: apiFetch({ REQUIRE_KNOWN_ITEMS: 'true' }) });
  const supervisor = () =>
    createApp({
      sql: server.sql,
      config: loadConfig({ AUTH_MODE: 'local', ALLOWED_HOSTS: 'linesync.test' }),
      dbKind: server.kind
    });
  async function serverCopy(event_id: string) {
    const [row] = await server.sql<
      { rejection_id: string; resolution: string | null; corrected_event_id: string | null }[]
    >`
      SELECT rejection_id::text, resolution, corrected_event_id::text FROM rejected_events WHERE device_id = ${`tab-${n}`} AND event_id = ${event_id}`;
    return row;
  }
  const resolve = (id: string, body: unknown) =>
    supervisor().request(`/api/rejected-events/${id}/resolve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body)
    });

  it('a supervisor\'s dismissal and correction reach the tablet, which clears them from "needs attention" and keeps them', async () => {
    const a = await record(station, scan({ item_id: 'TYPO-A', qty: 2 }));
    const b = await record(station, scan({ item_id: 'TYPO-B', qty: 5 }));
    expect(await syncOnce(station, strict())).toMatchObject({ status: 'done', rejected: 2 });
    expect(await countState(station, 'rejected')).toBe(2);

    expect(
      (await resolve((await serverCopy(a.event_id)).rejection_id, { action: 'dismiss', note: 'label test' })).status
    ).toBe(200);
    const corrected = await resolve((await serverCopy(b.event_id)).rejection_id, {
      action: 'apply_corrected',
      event_type: 'INTAKE',
      item_id: 'P-2',
      qty: 5,
      location_id: 'LINE-1'
    });
    expect(corrected.status).toBe(200);
    const correctedId = ((await corrected.json()) as { corrected_event_id: string }).corrected_event_id;

    // Nothing pending: the sync still pushes once, naming the waiting ones, and learns what became of them.
    requests.length = 0;
    expect(await syncOnce(station, strict())).toMatchObject({ status: 'done', sent: 0 });
    expect(requests.filter((r) => r.path === '/api/sync/events')).toHaveLength(1);
    expect(await countState(station, 'rejected')).toBe(0);
    const rows = new Map((await station.outbox.toArray()).map((r) => [r.event_id, r]));
    expect(rows.get(a.event_id)).toMatchObject({
      state: 'resolved',
      settled_as: 'dismissed',
      resolution_note: 'label test',
      told_server: true,
      event: a.event
    });
    expect(rows.get(b.event_id)).toMatchObject({
      state: 'resolved',
      settled_as: 'corrected',
      replaced_by: correctedId,
      told_server: true,
      event: b.event
    });
    // Told once: the next sync has nothing to say and sends nothing.
    requests.length = 0;
    await syncOnce(station, strict());
    expect(requests.filter((r) => r.path === '/api/sync/events')).toHaveLength(0);
  });

  it('a fix or void on the tablet settles the server copy; a resend after a supervisor correction comes back refused', async () => {
    const a = await record(station, scan({ item_id: 'TYPO-A', qty: 2 }));
    const b = await record(station, scan({ item_id: 'TYPO-B', qty: 3 }));
    const c = await record(station, scan({ item_id: 'TYPO-C', qty: 4 }));
    await syncOnce(station, strict());
    // The supervisor corrects C on the server while the worker, offline, fixes A and C and voids B on the tablet.
    await resolve((await serverCopy(c.event_id)).rejection_id, {
      action: 'apply_corrected',
      event_type: 'INTAKE',
      item_id: 'P-2',
      qty: 4,
      location_id: 'LINE-1'
    });
    const fixA = await resendFixed(station, a.event_id, { item_id: 'P-1', qty: 2 });
    expect(await dismissRejected(station, b.event_id)).toBe(true);
    const fixC = await resendFixed(station, c.event_id, { item_id: 'P-2', qty: 4 });
    if (!fixA.ok || !fixC.ok) throw new Error('not recorded');

    expect(await syncOnce(station, strict())).toMatchObject({ status: 'done', sent: 2, accepted: 1, rejected: 1 });
    expect(await serverCopy(a.event_id)).toMatchObject({
      resolution: 'resent',
      corrected_event_id: fixA.rows[0].event_id
    });
    expect(await serverCopy(b.event_id)).toMatchObject({ resolution: 'voided' });
    expect(await serverCopy(c.event_id)).toMatchObject({ resolution: 'corrected' });
    // The tablet's resend of C would count it twice: it waits in "needs attention" with the reason.
    const refused = await station.outbox.get(fixC.rows[0].event_id);
    expect(refused).toMatchObject({ state: 'rejected' });
    expect(refused!.reason).toMatch(/a supervisor already corrected/);
    expect((await serverEvents(`tab-${n}`)).map((e) => e.event_id)).toEqual([fixA.rows[0].event_id]);
    expect((await station.outbox.toArray()).filter((r) => r.told_server === false)).toEqual([]);
  });
});

describe('one sync at a time', () => {
  it('lets only one of two engines on the same database sync (the IndexedDB lease where Web Locks are missing)', async () => {
    for (let i = 0; i < 20; i++) await record(station);
    const outcomes = await Promise.all([
      withSyncLock(station, 'tab-a', () => syncOnce(station, cfg({ batchSize: 5 }))),
      withSyncLock(station, 'tab-b', () => syncOnce(station, cfg({ batchSize: 5 })))
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['busy', 'done']);
    expect(await serverEvents(`tab-${n}`)).toHaveLength(20);
    expect(requests.filter((r) => r.path === '/api/sync/events')).toHaveLength(4);
    expect((await readSync(station)).lease_owner).toBeNull();
  });

  it('an engine triggered during a sync runs once more after it, so scans made meanwhile go too', async () => {
    const engine = new SyncEngine(station, cfg());
    await record(station);
    const first = engine.trigger('manual');
    await record(station);
    const second = engine.trigger('scan');
    expect(await first).toMatchObject({ status: 'done' });
    expect(await second).toMatchObject({ status: 'done' });
    expect(await countState(station, 'synced')).toBe(2);
    engine.stop();
  });

  it('waits with backoff after a failure: scans do not retry at once, "Sync now" does', async () => {
    const offline = (async () => {
      throw new TypeError('offline');
    }) as Fetch;
    let useNetwork: Fetch = offline;
    const engine = new SyncEngine(
      station,
      cfg({ fetch: ((i: RequestInfo | URL, init?: RequestInit) => useNetwork(i, init)) as Fetch, random: () => 0.5 })
    );
    await record(station);
    expect(await engine.trigger('scan')).toMatchObject({ status: 'failed' });
    useNetwork = apiFetch();
    expect(await engine.trigger('scan')).toEqual({ status: 'busy' }); // still inside the backoff window
    expect(await engine.trigger('manual')).toMatchObject({ status: 'done', accepted: 1 });
    engine.stop();
  });
});

describe('backoff', () => {
  it('grows exponentially with full jitter and a cap', () => {
    expect(backoffDelay(0)).toBe(30_000);
    expect([1, 2, 3].map((f) => backoffDelay(f, () => 1))).toEqual([2_000, 4_000, 8_000]);
    expect([1, 2, 3].map((f) => backoffDelay(f, () => 0))).toEqual([1_000, 2_000, 4_000]);
    expect(backoffDelay(50, () => 1)).toBe(300_000);
  });
});

describe('the offline stock view and the export', () => {
  it('shows a pending MOVE on both locations, its undo on neither, and a COUNT as the counted quantity', async () => {
    await server.sql`INSERT INTO items (item_id, description) VALUES ('M-1', 'Bracket')`;
    await record(station, scan({ event_type: 'INTAKE', item_id: 'M-1', qty: 10 }));
    await syncOnce(station, cfg());
    const move = await record(station, scan({ event_type: 'MOVE', item_id: 'M-1', qty: 4, to_location_id: 'LINE-2' }));
    const view = async (loc: string) =>
      stockView(await station.snapshot.get('this'), await station.outbox.toArray(), loc).lines.find(
        (l) => l.item_id === 'M-1'
      );
    expect(await view('LINE-1')).toMatchObject({ as_of_snapshot: 10, pending_delta: -4, on_hand: 6 });
    expect(await view('LINE-2')).toMatchObject({ as_of_snapshot: 0, pending_delta: 4, on_hand: 4 });
    await undoScan(station, move.event_id);
    expect(await view('LINE-1')).toMatchObject({ on_hand: 10 });
    expect(await view('LINE-2')).toMatchObject({ on_hand: 0 });
    // Counted 3 at LINE-2 after a second move of 5 there: on hand is what was counted, whatever came before.
    await record(station, scan({ event_type: 'MOVE', item_id: 'M-1', qty: 5, to_location_id: 'LINE-2' }));
    const counted = await record(
      station,
      scan({ event_type: 'COUNT', item_id: 'M-1', qty: 3, expected_qty: 5, location_id: 'LINE-2' })
    );
    expect(counted.event).toMatchObject({ location_id: 'LINE-2', expected_qty: 5 });
    expect(await view('LINE-2')).toMatchObject({ on_hand: 3 });
    expect(await undoScan(station, counted.event_id)).toMatchObject({ ok: false, reason: /count cannot be undone/ });

    await syncOnce(station, cfg());
    expect((await serverEvents(`tab-${n}`)).map((e) => e.event_type)).toEqual([
      'INTAKE',
      'MOVE',
      'VOID',
      'MOVE',
      'COUNT'
    ]);
    const [l1] = await server.sql`SELECT on_hand FROM stock_levels WHERE item_id = 'M-1' AND location_id = 'LINE-1'`;
    const [l2] = await server.sql`SELECT on_hand FROM stock_levels WHERE item_id = 'M-1' AND location_id = 'LINE-2'`;
    expect([l1.on_hand, l2.on_hand]).toEqual([5, 3]);
    expect(await view('LINE-1')).toMatchObject({ as_of_snapshot: 5, pending_delta: 0 });
    expect(await view('LINE-2')).toMatchObject({ as_of_snapshot: 3, pending_delta: 0 });
    expect((await verifyStock(server.sql)).drift).toEqual([]);
  });

  it("shows the snapshot with this tablet's pending scans on top, undos included", async () => {
    await server.sql`INSERT INTO items (item_id, description, reorder_point) VALUES ('V-1', 'Washer', 5), ('V-2', 'Pin', NULL)`;
    await record(station, scan({ event_type: 'INTAKE', item_id: 'V-1', qty: 30 }));
    await syncOnce(station, cfg());
    const consume = await record(station, scan({ event_type: 'CONSUME', item_id: 'V-1', qty: 25 }));
    await record(station, scan({ event_type: 'INTAKE', item_id: 'V-2', qty: 4 }));
    await record(station, scan({ event_type: 'CONSUME', item_id: 'V-1', qty: 2 }));
    await undoScan(station, consume.event_id);
    const view = stockView(await station.snapshot.get('this'), await station.outbox.toArray(), 'LINE-1');
    const v1 = view.lines.find((l) => l.item_id === 'V-1');
    expect(v1).toMatchObject({
      as_of_snapshot: 30,
      pending_delta: -2,
      on_hand: 28,
      description: 'Washer',
      status: 'ok'
    });
    expect(view.lines.find((l) => l.item_id === 'V-2')).toMatchObject({
      as_of_snapshot: 0,
      pending_delta: 4,
      on_hand: 4
    });
    await record(station, scan({ event_type: 'CONSUME', item_id: 'V-1', qty: 24 }));
    const low = stockView(await station.snapshot.get('this'), await station.outbox.toArray(), 'LINE-1');
    expect(low.lines.find((l) => l.item_id === 'V-1')).toMatchObject({ on_hand: 4, status: 'low' });
    expect(view.as_of).not.toBeNull();

    // After the sync the server counts them, and the view must not count them twice.
    await syncOnce(station, cfg());
    const after = stockView(await station.snapshot.get('this'), await station.outbox.toArray(), 'LINE-1');
    expect(after.lines.find((l) => l.item_id === 'V-1')).toMatchObject({
      as_of_snapshot: 4,
      pending_delta: 0,
      on_hand: 4
    });
    expect(after.signals.filter((s) => s.item_id.startsWith('V-')).map((s) => [s.item_id, s.state])).toEqual([
      ['V-1', 'OPEN']
    ]);
  });

  it('exports every scan the server has not accepted, as events the push endpoint takes', async () => {
    const a = await record(station);
    await syncOnce(station, cfg());
    const b = await record(station, scan({ qty: 2 }));
    const c = await record(station, scan({ qty: 3 }));
    const doc = await exportPending(station);
    expect(doc).toMatchObject({
      format: 'linesync-pending/1',
      device_id: `tab-${n}`,
      device_name: 'Tablet A',
      rejected: []
    });
    expect(doc.events.map((e) => e.event_id)).toEqual([b.event_id, c.event_id]);
    expect(doc.events.map((e) => e.event_id)).not.toContain(a.event_id);
    // The export is exactly what a supervisor can push by hand for a tablet that never comes back.
    const res = await apiFetch()('http://linesync.test/api/sync/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ device_id: doc.device_id, events: doc.events })
    });
    expect((await res.json()).results.map((r: { status: string }) => r.status)).toEqual(['applied', 'applied']);
  });
});

// The server refuses a push body over MAX_BATCH_BYTES (413): a batch cut by count only, of long scans, was refused
// on every retry, and everything behind it waited for ever.
describe('batches cut by bytes too', () => {
  const long = (): ScanInput =>
    scan({ barcode_raw: '\u001d'.repeat(512), lot: 'L'.repeat(64), operator: 'é'.repeat(128) });

  it('500 of the longest scans go in pushes the server takes, each under its body limit', async () => {
    for (let i = 0; i < MAX_BATCH_EVENTS; i++) await record(station, long());
    const out = await syncOnce(station, cfg());
    expect(out).toEqual({ status: 'done', sent: MAX_BATCH_EVENTS, accepted: MAX_BATCH_EVENTS, rejected: 0 });
    const pushes = requests.filter((r) => r.path === '/api/sync/events');
    expect(pushes.length).toBeGreaterThan(1);
    for (const p of pushes) expect(p.bytes).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    expect(pushes.reduce((t, p) => t + p.events, 0)).toBe(MAX_BATCH_EVENTS);
    expect(await serverEvents(`tab-${n}`)).toHaveLength(MAX_BATCH_EVENTS);
  });

  it('a scan too large for any push waits with the reason, loudly, and the rest go', async () => {
    const a = await record(station);
    const big = await record(station);
    const c = await record(station);
    // Larger than any push (an older app, a bug): no retry can ever send it.
    await station.outbox.update(big.event_id, { 'event.barcode_raw': 'x'.repeat(MAX_EVENT_BYTES) } as never);
    expect(await syncOnce(station, cfg())).toEqual({ status: 'done', sent: 2, accepted: 2, rejected: 1 });
    expect(await station.outbox.get(big.event_id)).toMatchObject({
      state: 'rejected',
      reason: expect.stringMatching(/^too large to send: \d+ bytes/)
    });
    expect((await serverEvents(`tab-${n}`)).map((e) => e.event_id)).toEqual([a.event_id, c.event_id]);
    expect(await readSync(station)).toMatchObject({ last_error: null, failures: 0 });
    for (const p of requests) expect(p.bytes).toBeLessThanOrEqual(MAX_BATCH_BYTES);
  });
});

// Tablets keep synced scans a week. Each push answer says the highest sequence number the server held for the
// device; a tablet holding synced scans above it (the server lost them) sends them again.
describe('refilling a server that lost acknowledged scans', () => {
  it('after a restore to an earlier copy, every tablet refills the gap and the stock is exact', async () => {
    const other = openStationDb(`station-test-${n}-b`);
    await setUp(other, `tab-${n}-b`);
    try {
      await record(station, scan({ qty: 20 }));
      await record(other, scan({ qty: 30 }));
      await syncOnce(station, cfg());
      await syncOnce(other, cfg());
      const copy = await copyDatabase(server.sql);

      // Acknowledged after the copy: a consume, an intake, an undo of a scan from before the copy, on one; one more
      // on the other. Then the server goes back to the copy (a power cut, a point-in-time restore).
      const first = (await station.outbox.toArray())[0];
      await record(station, scan({ event_type: 'CONSUME', qty: 6 }));
      await record(station, scan({ qty: 2 }));
      await undoScan(station, first.event_id);
      await record(other, scan({ event_type: 'CONSUME', qty: 4 }));
      expect(await syncOnce(station, cfg())).toMatchObject({ status: 'done', accepted: 3 });
      expect(await syncOnce(other, cfg())).toMatchObject({ status: 'done', accepted: 1 });
      const stockBefore =
        await server.sql`SELECT item_id, location_id, on_hand, intake_total, consume_total FROM stock_levels ORDER BY 1, 2`;
      await copy.restore();
      expect(await serverEvents(`tab-${n}`)).toHaveLength(1);
      expect(await serverEvents(`tab-${n}-b`)).toHaveLength(1);

      // The first tablet has a new scan to send; its answer says what the server holds, and the rest follows.
      const fresh = await record(station, scan({ qty: 1 }));
      expect(await syncOnce(station, cfg())).toMatchObject({ status: 'done', sent: 4, accepted: 4, rejected: 0 });
      // The other has nothing pending: it asks anyway once the check is due, with an empty push.
      const later = () => Date.now() + REFILL_CHECK_MS + 1000;
      expect(await syncOnce(other, cfg({ now: later }))).toMatchObject({ status: 'done', sent: 1, accepted: 1 });
      expect(await countState(station, 'pending')).toBe(0);
      expect(await countState(other, 'pending')).toBe(0);
      expect((await serverEvents(`tab-${n}`)).map((e) => e.device_seq)).toEqual([1, 2, 3, 4, 5]);
      expect((await serverEvents(`tab-${n}-b`)).map((e) => e.device_seq)).toEqual([1, 2]);
      expect((await serverEvents(`tab-${n}`)).at(-1)?.event_id).toBe(fresh.event_id);

      // Exact: what it was before the loss plus the new scan, and the projection agrees with the events.
      const stockAfter =
        await server.sql`SELECT item_id, location_id, on_hand, intake_total, consume_total FROM stock_levels ORDER BY 1, 2`;
      const plusFresh = stockBefore.map((r) =>
        r.item_id === 'P-1' && r.location_id === 'LINE-1'
          ? { ...r, on_hand: Number(r.on_hand) + 1, intake_total: Number(r.intake_total) + 1 }
          : r
      );
      expect(stockAfter.map((r) => ({ ...r, on_hand: Number(r.on_hand) }))).toEqual(
        plusFresh.map((r) => ({ ...r, on_hand: Number(r.on_hand) }))
      );
      expect((await verifyStock(server.sql)).drift).toEqual([]);

      // The fleet sees who refilled; the tablets keep the count too. Nothing more goes on the next sync.
      const devices =
        await server.sql`SELECT device_id, refilled_total FROM devices WHERE device_id LIKE ${`tab-${n}%`} ORDER BY 1`;
      expect(devices.map((d) => [d.device_id, Number(d.refilled_total)])).toEqual([
        [`tab-${n}`, 3],
        [`tab-${n}-b`, 1]
      ]);
      expect(await readSync(station)).toMatchObject({ refilled_total: 3, refilled_unreported: 0 });
      requests.length = 0;
      expect(await syncOnce(station, cfg())).toMatchObject({ status: 'done', sent: 0 });
      expect(requests.filter((r) => r.path === '/api/sync/events')).toHaveLength(0);
    } finally {
      await other.delete();
    }
  });

  it('an undo of a scan the server lost waits for that scan to go again, and is not refused', async () => {
    await record(station, scan({ qty: 5 }));
    await syncOnce(station, cfg());
    const copy = await copyDatabase(server.sql);
    const lost = await record(station, scan({ event_type: 'CONSUME', qty: 3 }));
    await syncOnce(station, cfg());
    await copy.restore();
    // Undone after the loss: the VOID is the first thing pending, its target known to the server no more.
    expect((await undoScan(station, lost.event_id)).ok).toBe(true);
    expect(await syncOnce(station, cfg())).toMatchObject({ status: 'done', accepted: 2, rejected: 0 });
    expect((await serverEvents(`tab-${n}`)).map((e) => [e.device_seq, e.event_type])).toEqual([
      [1, 'INTAKE'],
      [2, 'CONSUME'],
      [3, 'VOID']
    ]);
    expect(await countState(station, 'rejected')).toBe(0);
    expect((await verifyStock(server.sql)).drift).toEqual([]);
  });
});
