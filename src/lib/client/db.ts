// The tablet's own database (IndexedDB through Dexie): the outbox of scan events, this device's identity and
// counter, the sync state every tab shares, and the last stock snapshot. Every transaction is "strict": a scan the
// worker has seen confirmed is on disk, even if the tablet loses power the next moment.
import Dexie, { type EntityTable } from 'dexie';
import type { ScanEvent } from '../domain/events';
import { browserStorage, Journal, restoreFromJournal, type JournalStorage } from './journal';

/** pending: not yet accepted by the server. synced: applied or duplicate. rejected: needs a person.
 *  resolved: a rejected scan a person fixed (resent as a new event) or dismissed. */
export type OutboxState = 'pending' | 'synced' | 'rejected' | 'resolved';

export interface OutboxRow {
  event_id: string;
  device_seq: number;
  state: OutboxState;
  event: ScanEvent;
  /** Device clock, ms: when the scan was committed here. */
  recorded_at: number;
  /** When the server accepted it, or a person resolved it; pruning counts from here. Unset while pending. */
  settled_at?: number;
  /** The server's reason for a rejection. */
  reason?: string;
  /** For a resolved row: the event that replaced it, if it was resent (or a supervisor's corrected event). */
  replaced_by?: string;
  /** For a resolved row: how. resent / voided: on this tablet; corrected / dismissed: by a supervisor on the server. */
  settled_as?: 'resent' | 'voided' | 'corrected' | 'dismissed';
  /** For a resolved row: false until the server has been told it was settled here (it keeps its own copy). */
  told_server?: boolean;
  /** A supervisor's note on the resolution, and who made it. */
  resolution_note?: string | null;
  resolved_by?: string | null;
}

export interface DeviceRow {
  id: 'this';
  device_id: string;
  device_name: string;
  station_id: string;
  location_id: string;
  configured_at: string;
}

export interface CounterRow {
  name: 'device_seq';
  value: number;
}

export interface SyncRow {
  id: 'this';
  last_success_at: number | null;
  last_attempt_at: number | null;
  last_error: string | null;
  last_error_at: number | null;
  /** Consecutive failures: the backoff grows with them. */
  failures: number;
  /** The server answered 401: the worker must sign in again; every scan is kept meanwhile. */
  auth_required: boolean;
  /** The fallback lock where the Web Locks API is missing: who holds the sync, and until when. */
  lease_owner: string | null;
  lease_until: number;
  /** Scans put back from the recovery journal after the database was found wiped, and when; the worker is told. */
  restored_scans?: number;
  restored_at?: number | null;
}

export interface SnapshotItem {
  item_id: string;
  description: string;
  unit: string;
  reorder_point: number | null;
  reorder_qty: number | null;
  gtin: string | null;
  active: boolean;
}
export interface SnapshotStock {
  item_id: string;
  location_id: string;
  on_hand: number;
  last_activity_at: string | null;
}
export interface SnapshotSignal {
  signal_id: string;
  item_id: string;
  location_id: string;
  state: string;
  on_hand: number;
  reorder_point: number | null;
  reorder_qty: number | null;
  opened_at: string;
}
export interface SnapshotRow {
  id: 'this';
  items: SnapshotItem[];
  stock: SnapshotStock[];
  signals: SnapshotSignal[];
  server_time: string;
  /** Device clock when the request left: events settled after this are not in the snapshot yet. */
  requested_at: number;
}

export interface PrefsRow {
  id: 'this';
  mode: 'INTAKE' | 'CONSUME';
  last_qty: number;
}

export type StationDb = Dexie & {
  outbox: EntityTable<OutboxRow, 'event_id'>;
  device: EntityTable<DeviceRow, 'id'>;
  counters: EntityTable<CounterRow, 'name'>;
  sync: EntityTable<SyncRow, 'id'>;
  snapshot: EntityTable<SnapshotRow, 'id'>;
  prefs: EntityTable<PrefsRow, 'id'>;
  /** The copy of unacknowledged scans outside IndexedDB (journal.ts). */
  journal: Journal;
};

export const DB_NAME = 'linesync';

/** `journal`: where the recovery journal lives; the page's localStorage by default, none in Node. */
export function openStationDb(name = DB_NAME, journal: JournalStorage | null = browserStorage()): StationDb {
  const db = new Dexie(name, { chromeTransactionDurability: 'strict' }) as StationDb;
  db.journal = new Journal(journal, name);
  db.version(1).stores({
    // [state+device_seq]: the pending ones in order; settled_at: what pruning may delete (unset = never);
    // event.voids_event_id: whether a scan is already undone.
    outbox: '&event_id, &device_seq, [state+device_seq], settled_at, event.voids_event_id',
    device: '&id',
    counters: '&name',
    sync: '&id',
    snapshot: '&id',
    prefs: '&id'
  });
  // Every time the database opens (Dexie reopens it by itself after the browser closed it, as when the origin's
  // storage is deleted), and before any other query: put back what the journal holds and the database lacks.
  // A failure here must not keep the station closed: the journal stays as it is and the next open tries again.
  // Timed as a User Timing measure (RESTORE_MEASURE), which the station benchmark reads after a reload.
  db.on(
    'ready',
    (vip) => {
      const start = performance.now();
      return restoreFromJournal(vip as StationDb).then(
        () => void performance.measure(RESTORE_MEASURE, { start }),
        (e) => console.error('LineSync: restoring from the recovery journal failed', e)
      );
    },
    true
  );
  return db;
}

/** The name of the User Timing measure of each open's journal restore. */
export const RESTORE_MEASURE = 'linesync:journal-restore';

export const EMPTY_SYNC: SyncRow = {
  id: 'this',
  last_success_at: null,
  last_attempt_at: null,
  last_error: null,
  last_error_at: null,
  failures: 0,
  auth_required: false,
  lease_owner: null,
  lease_until: 0
};

export async function readSync(db: StationDb): Promise<SyncRow> {
  return (await db.sync.get('this')) ?? EMPTY_SYNC;
}

export async function updateSync(db: StationDb, patch: Partial<Omit<SyncRow, 'id'>>): Promise<void> {
  await db.transaction('rw', db.sync, async () => {
    const current = (await db.sync.get('this')) ?? EMPTY_SYNC;
    await db.sync.put({ ...current, ...patch, id: 'this' });
  });
}

export async function readDevice(db: StationDb): Promise<DeviceRow | undefined> {
  return db.device.get('this');
}

/** Pending rows in device order, after `afterSeq`: what the next push sends. */
export function pendingInOrder(db: StationDb, limit: number, afterSeq = 0): Promise<OutboxRow[]> {
  return db.outbox
    .where('[state+device_seq]')
    .between(['pending', afterSeq], ['pending', Dexie.maxKey], false)
    .limit(limit)
    .toArray();
}

export function countState(db: StationDb, state: OutboxState): Promise<number> {
  return db.outbox.where('[state+device_seq]').between([state, Dexie.minKey], [state, Dexie.maxKey]).count();
}

export async function oldestPending(db: StationDb): Promise<OutboxRow | undefined> {
  return db.outbox.where('[state+device_seq]').between(['pending', Dexie.minKey], ['pending', Dexie.maxKey]).first();
}
