// Refill after the server's loss: tablets running the real client sync engine (over fake-indexeddb) push, the
// database is stopped, copied whole and started again, they push more, then the database is stopped and put back
// to the copy (a power cut, a point-in-time restore, a branch reset; see restores.ts) and started again, and a new
// server (a new app here) takes their next syncs. Every tablet must send again what the server lost, and the stock
// must come out exact. Needs `fake-indexeddb/auto` loaded first.
import { createApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import { verifyStock } from '../../server/db/verify';
import { countState, openStationDb, readSync, type StationDb } from '../../src/lib/client/db';
import { recordScan } from '../../src/lib/client/outbox';
import { REFILL_CHECK_MS, syncOnce, type SyncConfig } from '../../src/lib/client/sync';
import type { RestorableDatabase } from './restores';

export interface RefillOptions {
  db: RestorableDatabase;
  devices: number;
  scansPerDevice: number;
  /** An item and location the server knows (prepareServer's). */
  itemId?: string;
  locationId?: string;
}

export interface RefillReport {
  database: RestorableDatabase['kind'];
  devices: number;
  events_made: number;
  lost_on_server: number;
  refilled: number;
  server_events: number;
  outbox_left: number;
  drift_rows: number;
  seconds: number;
}

export async function runRefill(o: RefillOptions): Promise<RefillReport> {
  const started = performance.now();
  const tag = `refill-${Date.now().toString(36)}`;
  const item = o.itemId ?? 'REL-0';
  const location = o.locationId ?? 'REL-L0';
  // A new app on the database as it is now: after each restart, the server starts afresh on it.
  const app = () =>
    createApp({
      sql: o.db.sql,
      config: loadConfig({ AUTH_MODE: 'local', ALLOWED_HOSTS: 'linesync.test' }),
      dbKind: o.db.kind
    });
  const cfg = (a: ReturnType<typeof app>, now?: () => number): SyncConfig => ({
    baseUrl: 'http://linesync.test',
    appVersion: 'refill-bench',
    fetch: ((input: RequestInfo | URL, init?: RequestInit) => a.request(String(input), init)) as typeof fetch,
    now
  });
  const stations: StationDb[] = [];
  const ids = Array.from({ length: o.devices }, (_, d) => `${tag}-${d}`);
  const scans = async (db: StationDb, n: number) => {
    for (let i = 0; i < n; i++) {
      const r = await recordScan(db, {
        event_type: i % 3 === 2 ? 'CONSUME' : 'INTAKE',
        item_id: item,
        qty: 1 + (i % 5),
        source: 'wedge'
      });
      if (!r.ok) throw new Error(r.reason);
    }
  };
  const held = async () => {
    const [{ n }] = await o.db.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM scan_events WHERE device_id = ANY(${ids}::text[])`;
    return n;
  };
  try {
    for (const id of ids) {
      const db = openStationDb(id, null);
      stations.push(db);
      await db.device.put({
        id: 'this',
        device_id: id,
        device_name: id,
        station_id: 'REFILL',
        location_id: location,
        configured_at: new Date().toISOString()
      });
    }
    const half = Math.floor(o.scansPerDevice / 2);
    const first = app();
    for (const db of stations) {
      await scans(db, half);
      await syncOnce(db, cfg(first));
    }
    await o.db.copy();
    const second = app();
    for (const db of stations) {
      await scans(db, o.scansPerDevice - half);
      await syncOnce(db, cfg(second));
    }
    const made = await held();
    await o.db.restore();
    const lost = made - (await held());
    // A new server on the restored database; the tablets' next syncs are due to ask what it holds.
    const after = app();
    const later = () => Date.now() + REFILL_CHECK_MS + 1000;
    for (const db of stations) {
      const out = await syncOnce(db, cfg(after, later));
      if (out.status !== 'done') throw new Error(`refill: a sync failed: ${JSON.stringify(out)}`);
    }
    let refilled = 0;
    let left = 0;
    for (const db of stations) {
      refilled += (await readSync(db)).refilled_total ?? 0;
      left += (await countState(db, 'pending')) + (await countState(db, 'rejected'));
    }
    return {
      database: o.db.kind,
      devices: o.devices,
      events_made: made,
      lost_on_server: lost,
      refilled,
      server_events: await held(),
      outbox_left: left,
      drift_rows: (await verifyStock(o.db.sql)).drift.length,
      seconds: (performance.now() - started) / 1000
    };
  } finally {
    for (const db of stations) await db.delete();
  }
}
