// Exactly once under faults: simulated tablets, each running the real client sync engine (outbox, db, sync over
// fake-indexeddb) with a database of its own, scan and push through the fault proxy while going on and off line; the
// server is restarted half way. Afterwards everything is checked against the server's database. The caller chooses
// the sizes and how the server runs (in-process for the test, its own process for the benchmark); it needs
// `fake-indexeddb/auto` (or a real IndexedDB) loaded first.
import type { Sql } from '../../server/db/connect';
import { verifyStock, type Drift } from '../../server/db/verify';
import { countState, openStationDb, type StationDb } from '../../src/lib/client/db';
import { recordScan, undoScan } from '../../src/lib/client/outbox';
import { syncOnce, type SyncConfig } from '../../src/lib/client/sync';
import { startFaultProxy, type FaultProxy, type FaultRates } from './fault-proxy';
import { checkSignals } from './signals-check';
import { mulberry32 } from '../fixtures/random';

export interface ServerControl {
  /** Starts the server (again) on the same database and answers its base URL. */
  start(): Promise<string>;
  stop(): Promise<void>;
}

export interface ExactlyOnceOptions {
  devices: number;
  eventsPerDevice: number;
  sql: Sql;
  server: ServerControl;
  rates?: FaultRates;
  /** A seed for the run's choices (scans, faults, disconnects), so a failure can be replayed. */
  seed?: number;
  log?: (m: string) => void;
}

export interface ExactlyOnceReport {
  devices: number;
  events_made: number;
  server_events: number;
  distinct_server_events: number;
  missing_on_server: number;
  unknown_on_server: number;
  outbox_pending: number;
  outbox_rejected: number;
  drift: Drift[];
  signal_problems: string[];
  signals_active: number;
  signal_rows: number;
  sync_attempts: number;
  sync_failures: number;
  restarts: number;
  faults: FaultProxy['counts'];
  seconds: number;
}

export const DEFAULT_RATES: FaultRates = {
  drop_request: 0.05,
  drop_response: 0.06,
  delay: 0.08,
  duplicate: 0.05,
  bad_gateway: 0.04,
  cut_request: 0.03,
  cut_response: 0.03
};

export const ITEMS = 40;
export const LOCATIONS = 3;

/** Seeded choices: good enough to spread them, the same on every run. */
export const seeded = mulberry32;

/** Items with reorder points (so signals open and close), and the locations the tablets stand at. */
export async function prepareServer(sql: Sql) {
  await sql`INSERT INTO locations (location_id, name) SELECT 'REL-L' || g, 'Reliability line ' || g FROM generate_series(0, ${LOCATIONS - 1}) g`;
  await sql`INSERT INTO items (item_id, description, reorder_point, reorder_qty)
            SELECT 'REL-' || g, 'Reliability part ' || g, CASE WHEN g % 4 = 3 THEN NULL ELSE 5 + g % 7 END, 20
            FROM generate_series(0, ${ITEMS - 1}) g`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Device {
  id: string;
  db: StationDb;
  online: boolean;
}

async function scanSome(d: Device, count: number, random: () => number): Promise<number> {
  let made = 0;
  let last: string | null = null;
  while (made < count) {
    // Now and then undo the scan just made: a VOID that must land after it, once.
    if (last && count - made >= 1 && random() < 0.03) {
      const r = await undoScan(d.db, last);
      if (!r.ok) throw new Error(`undo on ${d.id} not recorded: ${r.reason}`);
      made++;
      last = null;
      continue;
    }
    const r = await recordScan(d.db, {
      event_type: random() < 0.45 ? 'INTAKE' : 'CONSUME',
      item_id: `REL-${Math.floor(random() * ITEMS)}`,
      qty: 1 + Math.floor(random() * 6),
      source: 'wedge'
    });
    if (!r.ok) throw new Error(`scan on ${d.id} not recorded: ${r.reason}`);
    last = r.rows[0].event_id;
    made++;
  }
  return made;
}

export async function runExactlyOnce(opts: ExactlyOnceOptions): Promise<ExactlyOnceReport> {
  const log = opts.log ?? (() => {});
  const random = seeded(opts.seed ?? 7);
  const started = performance.now();
  const run = `rel${Math.floor(random() * 1e9).toString(36)}`;
  let target = await opts.server.start();
  const proxy = await startFaultProxy({
    target,
    rates: opts.rates ?? DEFAULT_RATES,
    random: seeded((opts.seed ?? 7) + 1),
    maxDelayMs: 400
  });
  const devices: Device[] = [];
  for (let i = 0; i < opts.devices; i++) {
    const db = openStationDb(`${run}-${i}`);
    const id = `${run}-dev-${i}`;
    await db.device.put({
      id: 'this',
      device_id: id,
      device_name: `Sim ${i}`,
      station_id: `ST-${i}`,
      location_id: `REL-L${i % LOCATIONS}`,
      configured_at: new Date().toISOString()
    });
    devices.push({ id, db, online: true });
  }
  let attempts = 0;
  let failures = 0;
  let restarts = 0;
  let made = 0;
  const total = opts.devices * opts.eventsPerDevice;
  let restarting: Promise<void> | null = null;

  const sync = async (d: Device) => {
    const cfg: SyncConfig = {
      baseUrl: proxy.url,
      appVersion: 'reliability',
      requestTimeoutMs: 5_000,
      batchSize: 20 + Math.floor(random() * 181),
      // A disconnected tablet's requests fail at once, as fetch does offline.
      fetch: ((input: RequestInfo | URL, init?: RequestInit) =>
        d.online ? fetch(input, init) : Promise.reject(new TypeError('fetch failed: offline'))) as typeof fetch
    };
    attempts++;
    const out = await syncOnce(d.db, cfg);
    if (out.status !== 'done') failures++;
    return out;
  };

  const restart = async () => {
    log(`restarting the server after ${made} of ${total} events`);
    await opts.server.stop();
    await sleep(500); // tablets keep trying meanwhile and meet "upstream unavailable"
    target = await opts.server.start();
    proxy.setTarget(target);
    restarts++;
  };

  const work = async (d: Device) => {
    let left = opts.eventsPerDevice;
    while (left > 0) {
      const n = Math.min(left, 1 + Math.floor(random() * 12));
      const scanned = await scanSome(d, n, random);
      made += scanned;
      left -= n;
      if (random() < 0.1) d.online = !d.online; // a random disconnect, or coming back
      if (!restarting && restarts === 0 && made >= total / 2) restarting = restart();
      if (d.online && random() < 0.8) await sync(d);
      else await sleep(random() * 5);
    }
    d.online = true;
    // Drain: keep syncing (with a short pause, the backoff of a hurried tablet) until nothing is pending.
    for (let i = 0; (await countState(d.db, 'pending')) > 0; i++) {
      if (i > 500) throw new Error(`${d.id} could not drain its outbox`);
      if ((await sync(d)).status !== 'done') await sleep(20 + random() * 80);
    }
  };

  try {
    await Promise.all(devices.map(work));
    await restarting;
    // One last clean pass: whatever a late duplicate or a cut answer left is settled now.
    for (const d of devices) if ((await countState(d.db, 'pending')) > 0) await sync(d);
  } finally {
    await proxy.close();
  }

  const madeIds = new Set<string>();
  let pending = 0;
  let rejected = 0;
  for (const d of devices) {
    for (const r of await d.db.outbox.toArray()) madeIds.add(r.event_id);
    pending += await countState(d.db, 'pending');
    const refused = await d.db.outbox
      .where('[state+device_seq]')
      .between(['rejected', 0], ['rejected', Infinity])
      .toArray();
    rejected += refused.length;
    for (const r of refused.slice(0, 3)) log(`rejected on ${d.id}: ${r.event.event_type} ${r.event_id}: ${r.reason}`);
  }
  const rows = await opts.sql<
    { event_id: string }[]
  >`SELECT event_id::text FROM scan_events WHERE device_id LIKE ${run + '-dev-%'}`;
  const onServer = new Set(rows.map((r) => r.event_id));
  const missing = [...madeIds].filter((id) => !onServer.has(id)).length;
  const unknown = [...onServer].filter((id) => !madeIds.has(id)).length;
  const { drift } = await verifyStock(opts.sql);
  const signals = await checkSignals(opts.sql);
  await opts.server.stop();
  for (const d of devices) await d.db.delete();

  return {
    devices: opts.devices,
    events_made: madeIds.size,
    server_events: rows.length,
    distinct_server_events: onServer.size,
    missing_on_server: missing,
    unknown_on_server: unknown,
    outbox_pending: pending,
    outbox_rejected: rejected,
    drift,
    signal_problems: signals.problems,
    signals_active: signals.active,
    signal_rows: signals.rows,
    sync_attempts: attempts,
    sync_failures: failures,
    restarts,
    faults: { ...proxy.counts },
    seconds: (performance.now() - started) / 1000
  };
}

/** The report as lines a person reads. */
export function describeReport(r: ExactlyOnceReport): string {
  const faults = Object.entries(r.faults)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    `${r.devices} devices made ${r.events_made} events; the server holds ${r.server_events} (${r.distinct_server_events} distinct), ` +
      `${r.missing_on_server} missing, ${r.unknown_on_server} unknown`,
    `outboxes: ${r.outbox_pending} pending, ${r.outbox_rejected} rejected; stock drift rows: ${r.drift.length}; ` +
      `signals: ${r.signal_rows} rows, ${r.signals_active} active, ${r.signal_problems.length} problems`,
    `${r.sync_attempts} syncs (${r.sync_failures} failed), ${r.restarts} server restart(s), ${r.seconds.toFixed(1)} s`,
    `requests through the proxy: ${faults}`
  ].join('\n');
}
