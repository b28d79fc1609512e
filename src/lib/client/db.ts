// The tablet's own database (IndexedDB through Dexie): the outbox of scan events, this device's identity and
// counter, the sync state every tab shares, and the last stock snapshot. Every transaction is "strict": a scan the
// worker has seen confirmed is on disk, even if the tablet loses power the next moment.
import Dexie, { type EntityTable } from 'dexie';
import { browserStorage, Journal, type JournalStorage } from './journal';

export type { OutboxState, OutboxRow, DeviceRow } from './tables';
import type { DeviceRow, OutboxRow, OutboxState } from './tables';

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
  /** When a push last told the highest sequence number the server holds for this device (the refill check). */
  refill_checked_at?: number;
  /** Synced scans sent again because the server had lost them: not yet told to the server, in all, and when last. */
  refilled_unreported?: number;
  refilled_total?: number;
  refilled_at?: number | null;
}

export interface SnapshotItem {
  item_id: string;
  description: string;
  unit: string;
  reorder_point: number | null;
  reorder_qty: number | null;
  gtin: string | null;
  active: boolean;
  /** Whether a scan of it needs a lot or a serial; absent in a snapshot from an older server (none). */
  tracking?: 'none' | 'lot' | 'serial';
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
/** A lot's expiry as the server learned it from scans (GS1 AI 17). */
export interface SnapshotLot {
  item_id: string;
  lot: string;
  expiry: string;
}
export interface SnapshotRow {
  id: 'this';
  items: SnapshotItem[];
  stock: SnapshotStock[];
  signals: SnapshotSignal[];
  /** Dated lots; absent in a snapshot from an older server. */
  lots?: SnapshotLot[];
  /** Supplier part → item (carton labels naming only 1P); absent in a snapshot from an older server. */
  supplier_parts?: { supplier_part: string; item_id: string }[];
  server_time: string;
  /** Device clock when the request left: events settled after this are not in the snapshot yet. */
  requested_at: number;
}

export interface PrefsRow {
  id: 'this';
  mode: 'INTAKE' | 'CONSUME';
  last_qty: number;
}

/** A cycle count in progress on this tablet: the location, kept so that a reload does not lose it; its lines are
 *  rows of countLines (count-sheet.ts). */
export interface CountSheetRow {
  id: 'this';
  location_id: string;
  saved_at: number;
}

/** A line of the count in progress, a row of its own so that a scan writes only the line it changed. */
export interface CountLineRow {
  item_id: string;
  /** Null until seen or typed. */
  counted: number | null;
  /** What the tablet's stock said when the count began. */
  expected: number;
  /** Its place on the sheet. */
  pos: number;
}

export type StationDb = Dexie & {
  outbox: EntityTable<OutboxRow, 'event_id'>;
  device: EntityTable<DeviceRow, 'id'>;
  counters: EntityTable<CounterRow, 'name'>;
  sync: EntityTable<SyncRow, 'id'>;
  snapshot: EntityTable<SnapshotRow, 'id'>;
  prefs: EntityTable<PrefsRow, 'id'>;
  countSheet: EntityTable<CountSheetRow, 'id'>;
  countLines: EntityTable<CountLineRow, 'item_id'>;
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
  // 2: the count sheet in progress (an added table; nothing of version 1 changes).
  db.version(2).stores({ countSheet: '&id' });
  // 3: the sheet's lines a row each (a scan rewrote the whole sheet); a sheet in progress keeps its lines.
  db.version(3)
    .stores({ countLines: '&item_id' })
    .upgrade(async (tx) => {
      const sheet = (await tx.table('countSheet').get('this')) as
        (CountSheetRow & { lines?: Omit<CountLineRow, 'pos'>[] }) | undefined;
      if (!sheet?.lines) return;
      await tx.table('countLines').bulkPut(sheet.lines.map((l, pos) => ({ ...l, pos })));
      await tx.table('countSheet').put({ id: 'this', location_id: sheet.location_id, saved_at: sheet.saved_at });
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

/** What restoring did: scans put back into the outbox, and whether the device row or counter had to be put back. */
export interface Restored {
  scans: number;
  device: boolean;
  seq: boolean;
}

/**
 * Puts back what the journal holds and the database lacks: the device row, the sequence counter, and every scan not
 * in the outbox (as pending, with its own event id and device_seq, so the server's idempotency makes a scan that had
 * in fact synced a `duplicate`). Scans the outbox holds as settled are dropped from the journal. Runs when the
 * database opens, before any other query (db.ts), so a new scan cannot take a sequence number first.
 */
export async function restoreFromJournal(db: StationDb, now: number = Date.now()): Promise<Restored> {
  const none: Restored = { scans: 0, device: false, seq: false };
  const journal = db.journal;
  if (!journal.enabled) return none;
  const { device, seq, entries } = journal.read();
  // The event schema (zod) is loaded only when there are scans to check: not on every open of the station.
  const checkEvent = entries.length ? (await import('../domain/events')).checkEvent : null;
  const settled: string[] = [];
  const result = await db.transaction(
    'rw',
    [db.device, db.counters, db.outbox, db.sync],
    async (): Promise<Restored> => {
      const [current, counter] = await Promise.all([db.device.get('this'), db.counters.get('device_seq')]);
      if (!device) {
        // No journal yet (a tablet set up before there was one): start it with the identity and every scan still
        // waiting for the server. Nothing to restore.
        if (current) {
          journal.rememberDevice(current, counter?.value ?? 0);
          const waiting = await db.outbox
            .where('[state+device_seq]')
            .between(['pending', Dexie.minKey], ['rejected', Dexie.maxKey]) // states sort pending < rejected < resolved
            .toArray();
          journal.record(current, waiting);
        }
        return none;
      }
      // Another identity in the database (set up again by hand): these scans are not its to send.
      if (current && current.device_id !== device.device_id) return none;
      const ids = entries.map((e) => String(e.event?.event_id).toLowerCase());
      const [have, seqTaken] = await Promise.all([
        db.outbox.bulkGet(ids),
        db.outbox
          .where('device_seq')
          .anyOf(entries.map((e) => Number(e.event?.device_seq)).filter(Number.isSafeInteger))
          .primaryKeys()
      ]);
      const taken = new Set(seqTaken.map(String));
      const restore: OutboxRow[] = [];
      entries.forEach((entry, i) => {
        const row = have[i];
        if (row) {
          if (row.state === 'synced' || row.state === 'resolved') settled.push(ids[i]);
          return;
        }
        const checked = checkEvent!(entry.event);
        if (!checked.ok || taken.has(String(checked.event.device_seq))) return; // unreadable, or its number reused: left in the journal
        const recorded = Number(entry.recorded_at);
        restore.push({
          event_id: checked.event.event_id,
          device_seq: checked.event.device_seq,
          state: 'pending',
          event: checked.event,
          recorded_at: Number.isFinite(recorded) ? recorded : now
        });
      });
      const highest = Math.max(seq, ...entries.map((e) => Number(e.event?.device_seq) || 0));
      const seqBack = highest > (counter?.value ?? 0);
      await Promise.all([
        current ? null : db.device.put({ ...device, id: 'this' }),
        seqBack ? db.counters.put({ name: 'device_seq', value: highest }) : null,
        restore.length ? db.outbox.bulkAdd(restore) : null,
        restore.length
          ? db.sync
              .get('this')
              .then((s) =>
                db.sync.put({ ...(s ?? EMPTY_SYNC), id: 'this', restored_scans: restore.length, restored_at: now })
              )
          : null
      ]);
      return { scans: restore.length, device: !current, seq: seqBack };
    }
  );
  journal.forget(settled);
  return result;
}
