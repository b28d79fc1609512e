// The outbox recovers from a database that could not be opened, as Chromium's "Internal error opening backing store"
// after a full disk was freed: before, Dexie kept that error and refused every later scan until a reload.
// IndexedDB from fake-indexeddb; its open is made to fail the way Chromium's does (an UnknownError request error).
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { openStationDb, type StationDb } from './db';
import { recordScan, type ScanInput } from './outbox';
import { openFailed, REOPEN_DELAYS_MS, withReopen } from './reopen';

const scan: ScanInput = { event_type: 'INTAKE', item_id: 'P-1', qty: 1, source: 'wedge' };
let db: StationDb;
let n = 0;
let failuresLeft = 0;
let opens = 0;
const realOpen = indexedDB.open.bind(indexedDB);

/** indexedDB.open answering as Chromium's does when its backing store cannot be opened, `failuresLeft` times. */
function failingOpen(name: string, version?: number): IDBOpenDBRequest {
  opens += 1;
  if (failuresLeft <= 0) return realOpen(name, version);
  failuresLeft -= 1;
  const error = new DOMException('Internal error opening backing store for indexedDB.open.', 'UnknownError');
  const request = { error, onerror: null, onsuccess: null, onblocked: null, onupgradeneeded: null } as unknown as {
    onerror: ((e: unknown) => void) | null;
  };
  setTimeout(() => request.onerror?.({ target: request, preventDefault() {}, stopPropagation() {} }), 0);
  return request as unknown as IDBOpenDBRequest;
}

beforeEach(async () => {
  n += 1;
  db = openStationDb(`reopen-test-${n}`, null);
  await db.device.put({
    id: 'this',
    device_id: `rtab-${n}`,
    device_name: 'Tablet R',
    station_id: 'ST-1',
    location_id: 'LINE-1',
    configured_at: new Date().toISOString()
  });
  expect((await recordScan(db, scan)).ok).toBe(true);
  vi.spyOn(indexedDB, 'open').mockImplementation(failingOpen);
  opens = 0;
  // The browser closed the connection (as on a full disk); Dexie reopens on the next query.
  db.close({ disableAutoOpen: false });
});
afterEach(async () => {
  vi.restoreAllMocks();
  failuresLeft = 0;
  await db.delete();
});

it('records the scan once the open succeeds again, within the retries', async () => {
  // More failures than Dexie's own immediate retries of an open (four tries, then one per open) get through.
  failuresLeft = 6;
  const started = Date.now();
  const r = await recordScan(db, scan);
  expect(r).toMatchObject({ ok: true });
  expect(opens).toBe(7);
  expect(Date.now() - started).toBeGreaterThanOrEqual(REOPEN_DELAYS_MS[0] - 20);
  expect(Date.now() - started).toBeLessThan(REOPEN_DELAYS_MS.reduce((a, b) => a + b, 0));
  expect((await db.outbox.toArray()).map((row) => row.device_seq)).toEqual([1, 2]);
});

it('says the scan did not count when the open keeps failing, and the next scan works once it opens', async () => {
  failuresLeft = 1000;
  const r = await recordScan(db, scan);
  expect(r.ok).toBe(false);
  expect(!r.ok && r.reason).toMatch(/^Not recorded: this tablet's storage is full.*opening backing store/);
  expect(openFailed(db)).toBe(true);
  // Space freed: the next scan is recorded (before, Dexie kept the open error and refused it, and every one after).
  failuresLeft = 0;
  expect(await recordScan(db, scan)).toMatchObject({ ok: true });
  expect((await db.outbox.toArray()).map((row) => row.device_seq)).toEqual([1, 2]);
});

it('does not retry other failures, nor a database closed on purpose', async () => {
  let calls = 0;
  await expect(
    withReopen(db, async () => {
      calls += 1;
      throw new Error('not an open failure');
    })
  ).rejects.toThrow('not an open failure');
  expect(calls).toBe(1);
  db.close(); // on purpose: stays closed
  await expect(withReopen(db, () => db.outbox.count())).rejects.toThrow(/closed/i);
  expect(opens).toBe(0);
});
