// The recovery journal against the real Core API (server/app.ts over a fresh test database), IndexedDB from
// fake-indexeddb, and a Web Storage stand-in for localStorage (Node has none) that enforces a quota as browsers do.
// The wipe is IndexedDB's own deleteDatabase under an open connection, as Chromium deletes an origin's storage.
import 'fake-indexeddb/auto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../server/app';
import { loadConfig } from '../../../server/config';
import { createTestDb, type TestDb } from '../../../server/testing/testdb';
import { countState, openStationDb, readSync, type StationDb } from './db';
import { JOURNAL_FULL_WARNING, Journal, type JournalStorage } from './journal';
import { dismissRejected, recordScan, resendFixed, type ScanInput } from './outbox';
import { syncOnce, type SyncConfig } from './sync';

/** localStorage as a browser keeps it: string keys and values, a quota counted in UTF-16 code units. */
class MemoryStorage implements JournalStorage {
  private readonly map = new Map<string, string>();
  constructor(private readonly quotaChars = 5 * 1024 * 1024) {}
  get length() {
    return this.map.size;
  }
  key(i: number) {
    return [...this.map.keys()][i] ?? null;
  }
  getItem(k: string) {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    let used = 0;
    for (const [key, value] of this.map) if (key !== k) used += key.length + value.length;
    if (used + k.length + v.length > this.quotaChars)
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    this.map.set(k, String(v));
  }
  removeItem(k: string) {
    this.map.delete(k);
  }
}

let server: TestDb;
let storage: MemoryStorage;
let station: StationDb;
let name: string;
let n = 0;

type Fetch = typeof fetch;
const apiFetch = (env: Record<string, string> = {}): Fetch => {
  const a = createApp({
    sql: server.sql,
    config: loadConfig({ AUTH_MODE: 'local', ALLOWED_HOSTS: 'linesync.test', ...env }),
    dbKind: server.kind
  });
  return ((input: RequestInfo | URL, init?: RequestInit) => a.request(String(input), init)) as Fetch;
};
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

async function record(db: StationDb, input: ScanInput = scan()) {
  const r = await recordScan(db, input);
  if (!r.ok) throw new Error(r.reason);
  return r;
}
async function serverEvents(device_id: string) {
  return server.sql<{ event_id: string; device_seq: number }[]>`
    SELECT event_id::text, device_seq FROM scan_events WHERE device_id = ${device_id} ORDER BY device_seq`;
}

/** Deletes the database under the open connection, as Chromium deleted the origin's IndexedDB on a full disk. */
function wipe(dbName: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.deleteDatabase(dbName);
    req.onsuccess = () => resolve();
    req.onerror = () => reject(req.error);
  });
}

beforeAll(async () => {
  server = await createTestDb();
  await server.sql`INSERT INTO locations (location_id, name) VALUES ('LINE-1', 'Line 1')`;
  await server.sql`INSERT INTO items (item_id, description) VALUES ('P-1', 'Bolt'), ('P-2', 'Nut')`;
});
afterAll(() => server.close());
beforeEach(async () => {
  n++;
  name = `journal-test-${n}`;
  storage = new MemoryStorage();
  station = openStationDb(name, storage);
  const device = {
    id: 'this' as const,
    device_id: `jtab-${n}`,
    device_name: 'Tablet J',
    station_id: 'ST-1',
    location_id: 'LINE-1',
    configured_at: new Date().toISOString()
  };
  await station.device.put(device);
  station.journal.rememberDevice(device);
});
afterEach(async () => {
  await station.delete();
});

describe('the recovery journal', () => {
  it('holds every scan until the server acknowledges it, and rejected ones until a person settles them', async () => {
    const good = await record(station);
    const bad = await record(station, scan({ item_id: 'NO-SUCH-PART' }));
    const other = await record(station, scan({ item_id: 'ALSO-UNKNOWN' }));
    expect(station.journal.read().entries.map((e) => e.event.event_id)).toEqual(
      [good, bad, other].map((r) => r.rows[0].event_id)
    );
    expect(station.journal.read().seq).toBe(3);

    await syncOnce(station, cfg({ fetch: apiFetch({ REQUIRE_KNOWN_ITEMS: 'true' }) }));
    expect(station.journal.read().entries.map((e) => e.event.item_id)).toEqual(['NO-SUCH-PART', 'ALSO-UNKNOWN']);

    const fixed = await resendFixed(station, bad.rows[0].event_id, { item_id: 'P-2', qty: 2 });
    expect(await dismissRejected(station, other.rows[0].event_id)).toBe(true);
    expect(station.journal.read().entries.map((e) => e.event.event_id)).toEqual([
      fixed.ok ? fixed.rows[0].event_id : ''
    ]);
    await syncOnce(station, cfg());
    expect(station.journal.read()).toMatchObject({ entries: [], seq: 4, device: { device_id: `jtab-${n}` } });
  });

  it('after the database is wiped under the open tablet: device, counter and every unacknowledged scan come back, and reach the server once', async () => {
    const synced = await record(station, scan({ qty: 1 }));
    await syncOnce(station, cfg());
    const pending = [];
    for (let q = 2; q <= 5; q++) pending.push((await record(station, scan({ qty: q }))).rows[0]);
    // The answer to this push is lost: the server has scan 2, the tablet does not know it.
    const real = apiFetch();
    const losing = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const body = typeof init?.body === 'string' ? JSON.parse(init.body) : null;
      if (body?.events?.length)
        await real(input, { ...init, body: JSON.stringify({ ...body, events: body.events.slice(0, 1) }) });
      throw new TypeError('connection lost');
    }) as Fetch;
    expect(await syncOnce(station, cfg({ fetch: losing }))).toMatchObject({ status: 'failed' });

    await wipe(name);
    // The same Dexie instance the page holds: its next query reopens an empty database, restored before anything else.
    const next = await record(station, scan({ qty: 6 }));
    expect(next.rows[0].device_seq).toBe(6);
    const rows = await station.outbox.orderBy('device_seq').toArray();
    expect(rows.map((r) => [r.event_id, r.device_seq, r.state])).toEqual([
      ...pending.map((p) => [p.event_id, p.device_seq, 'pending']),
      [next.rows[0].event_id, 6, 'pending']
    ]);
    expect(rows[0].event).toEqual(pending[0].event);
    expect(await station.device.get('this')).toMatchObject({ device_id: `jtab-${n}`, device_name: 'Tablet J' });
    expect(await readSync(station)).toMatchObject({ restored_scans: 4, restored_at: expect.any(Number) });

    expect(await syncOnce(station, cfg())).toMatchObject({ status: 'done', sent: 5, accepted: 5, rejected: 0 });
    const stored = await serverEvents(`jtab-${n}`);
    expect(stored.map((e) => e.event_id)).toEqual([synced.rows[0], ...pending, next.rows[0]].map((r) => r.event_id));
    expect(stored.map((e) => e.device_seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(station.journal.read().entries).toEqual([]);
  });

  it('a wiped database with every scan synced still continues the numbering (the server refuses a reused device_seq)', async () => {
    for (let i = 0; i < 3; i++) await record(station);
    await syncOnce(station, cfg());
    expect(station.journal.read().entries).toEqual([]);
    await wipe(name);
    const again = await record(station);
    expect(again.rows[0].device_seq).toBe(4);
    expect(await readSync(station)).not.toHaveProperty('restored_scans'); // nothing to tell: no scan was missing
    expect(await syncOnce(station, cfg())).toMatchObject({ status: 'done', accepted: 1, rejected: 0 });
    expect((await serverEvents(`jtab-${n}`)).map((e) => e.device_seq)).toEqual([1, 2, 3, 4]);
  });

  it('a second tablet object opening the wiped database (a reload) restores the same way; a settled scan is dropped from the journal', async () => {
    const a = await record(station);
    await record(station);
    // Marked synced in IndexedDB but the journal kept it (the page closed between the two): the next open trims it.
    await station.outbox.update(a.rows[0].event_id, { state: 'synced', settled_at: Date.now() });
    station.close();
    const reopened = openStationDb(name, storage);
    await reopened.open();
    expect(reopened.journal.read().entries.map((e) => e.event.device_seq)).toEqual([2]);
    reopened.close();
    await wipe(name);
    const fresh = openStationDb(name, storage);
    expect(await countState(fresh, 'pending')).toBe(1);
    expect((await fresh.counters.get('device_seq'))?.value).toBe(2);
    expect((await readSync(fresh)).restored_scans).toBe(1);
    fresh.close();
    station = openStationDb(name, storage); // afterEach deletes it
  });

  it('scans journalled under another identity are not sent under the one the database holds', async () => {
    await record(station);
    station.close();
    await wipe(name);
    const bare = openStationDb(name, null); // no journal: the database set up again as another tablet
    await bare.device.put({
      id: 'this',
      device_id: 'someone-else',
      device_name: 'X',
      station_id: 'S',
      location_id: 'LINE-1',
      configured_at: ''
    });
    bare.close();
    station = openStationDb(name, storage);
    expect(await station.outbox.count()).toBe(0);
    expect(station.journal.read().entries).toHaveLength(1); // kept: not this identity's to drop either
  });

  it('a tablet set up before the journal existed starts it at the next open, with the scans still waiting', async () => {
    station.close();
    const old = openStationDb(`${name}-old`, null); // no journal: the app as it was
    await old.device.put({
      id: 'this',
      device_id: `jtab-${n}-old`,
      device_name: 'Old',
      station_id: 'ST-1',
      location_id: 'LINE-1',
      configured_at: ''
    });
    const a = await record(old);
    await record(old);
    await syncOnce(old, cfg({ fetch: apiFetch() }));
    const waiting = await record(old);
    old.close();
    const upgraded = openStationDb(`${name}-old`, storage);
    await upgraded.open();
    expect(upgraded.journal.read()).toMatchObject({
      device: { device_id: `jtab-${n}-old` },
      seq: 3,
      entries: [{ event: { event_id: waiting.rows[0].event_id } }]
    });
    upgraded.close();
    await wipe(`${name}-old`);
    const back = openStationDb(`${name}-old`, storage);
    expect((await back.outbox.toArray()).map((r) => r.event_id)).toEqual([waiting.rows[0].event_id]);
    expect((await record(back)).rows[0].device_seq).toBe(4);
    expect(a.rows[0].device_seq).toBe(1);
    await back.delete();
    station = openStationDb(name, storage);
  });

  it('when localStorage is full the scan still counts and the worker is told the backup is missing', async () => {
    const tight = new MemoryStorage(2_000);
    const db = openStationDb(`${name}-tight`, tight);
    await db.device.put({
      id: 'this',
      device_id: `jtab-${n}-t`,
      device_name: 'T',
      station_id: 'ST-1',
      location_id: 'LINE-1',
      configured_at: ''
    });
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await recordScan(db, scan()));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(await countState(db, 'pending')).toBe(6);
    const warned = results.filter((r) => r.ok && r.warning);
    expect(warned.length).toBeGreaterThan(0);
    expect(warned[0]).toMatchObject({ warning: expect.stringMatching(/could not keep a backup.*quota/) });
    expect(results[0]).not.toHaveProperty('warning');
    await db.delete();
  });

  it('holds at most its bound of scans and says so when full', () => {
    const j = new Journal(new MemoryStorage(), 'bounded', 2);
    const device = {
      id: 'this' as const,
      device_id: 'b',
      device_name: 'B',
      station_id: 'S',
      location_id: 'L',
      configured_at: ''
    };
    const row = (seq: number) => ({
      event_id: `00000000-0000-7000-8000-00000000000${seq}`,
      device_seq: seq,
      state: 'pending' as const,
      recorded_at: 0,
      event: { event_id: `00000000-0000-7000-8000-00000000000${seq}`, device_seq: seq } as never
    });
    expect(j.record(device, [row(1)])).toBeNull();
    expect(j.record(device, [row(2)])).toBeNull();
    expect(j.record(device, [row(3)])).toBe(JOURNAL_FULL_WARNING);
    expect(j.read()).toMatchObject({ seq: 3, entries: [{ event: { device_seq: 1 } }, { event: { device_seq: 2 } }] });
    j.forget([row(1).event_id]);
    expect(j.record(device, [row(4)])).toBeNull();
  });
});
