// Recording scans: each one is checked against the event schema, given a UUIDv7 and the next device sequence
// number, and committed to IndexedDB before the caller may beep or show it. Nothing here is ever updated in place
// on the server's side: an undo or a quantity change appends a VOID (and a new scan), as the server expects.
import Dexie from 'dexie';
import type { ScanEvent, Source } from '../domain/events';
import { uuid7 } from '../domain/uuid7';
import type { DeviceRow, OutboxRow, StationDb } from './db';
import { withReopen } from './reopen';

export interface ScanInput {
  event_type: 'INTAKE' | 'CONSUME' | 'MOVE' | 'COUNT';
  item_id: string;
  /** For a COUNT, the quantity counted (0 allowed). */
  qty: number;
  /** Where, when not the device's own location: a MOVE's from, a COUNT's shelf, as scanned. */
  location_id?: string;
  /** A MOVE's destination. */
  to_location_id?: string | null;
  /** A COUNT's expected quantity: what this tablet's stock view showed. */
  expected_qty?: number | null;
  source: Source;
  barcode_raw?: string | null;
  lot?: string | null;
  /** A GS1 code's serial (21) and expiry (17, YYYY-MM-DD). */
  serial?: string | null;
  expiry?: string | null;
  operator?: string | null;
}

/** `warning`: the scans count, but the worker should know something (the recovery journal could not keep them). */
type Recorded = { ok: true; rows: OutboxRow[]; warning?: string } | { ok: false; reason: string };

export interface Clock {
  now(): number;
  newId(): string;
}
const systemClock: Clock = { now: Date.now, newId: uuid7 };

type Draft = Omit<ScanEvent, 'device_seq'>;

function draft(device: DeviceRow, input: ScanInput, clock: Clock, voids?: string): Draft {
  // The newer fields only when used: a server of the previous release refuses fields it does not know.
  const moveOrCount: Partial<Draft> = {};
  if (!voids && input.to_location_id) moveOrCount.to_location_id = input.to_location_id.trim();
  if (!voids && input.expected_qty !== null && input.expected_qty !== undefined)
    moveOrCount.expected_qty = input.expected_qty;
  if (!voids && input.serial) moveOrCount.serial = input.serial;
  if (!voids && input.expiry) moveOrCount.expiry = input.expiry;
  return {
    ...moveOrCount,
    event_id: clock.newId(),
    event_type: voids ? 'VOID' : input.event_type,
    item_id: input.item_id.trim(),
    qty: input.qty,
    location_id: input.location_id?.trim() || device.location_id,
    station_id: device.station_id || null,
    barcode_raw: input.barcode_raw ?? null,
    lot: input.lot || null,
    source: input.source,
    captured_at: new Date(clock.now()).toISOString(),
    operator: input.operator || null,
    packing_slip_id: null,
    voids_event_id: voids ?? null
  };
}

/**
 * Checks every draft (with a stand-in sequence number), then in ONE strict transaction numbers them from the device
 * counter and adds them to the outbox. Resolves once the transaction is on disk; `before` runs inside it.
 */
interface Hooks {
  /** Checked inside the transaction before anything is written: a reason not to record, or null. */
  before?: () => Promise<string | null>;
  /** Writes that must commit together with the new rows. */
  after?: (rows: OutboxRow[]) => Promise<unknown>;
}

async function commit(
  db: StationDb,
  build: (device: DeviceRow) => Draft[] | string,
  clock: Clock,
  hooks: Hooks = {}
): Promise<Recorded> {
  // The IndexedDB transaction itself: when it aborts, its error says why (a request inside may only say AbortError).
  let idbTransaction: IDBTransaction | undefined;
  let recordedBy: DeviceRow | undefined;
  let recorded: Recorded;
  // The event schema (zod) loads with the first scan, not with the station's first screen; before the transaction,
  // which an import would otherwise outlive.
  const { checkEvent } = await import('../domain/events');
  try {
    // A database that could not be opened (Chromium, just after a full disk was freed) is opened again first.
    recorded = await withReopen(db, () =>
      db.transaction('rw', [db.device, db.counters, db.outbox], async (): Promise<Recorded> => {
        idbTransaction = (Dexie.currentTransaction as unknown as { idbtrans?: IDBTransaction } | null)?.idbtrans;
        // Each IndexedDB request is a round trip to the browser process: read together, write together.
        const [device, counter] = await Promise.all([db.device.get('this'), db.counters.get('device_seq')]);
        if (!device)
          return { ok: false, reason: 'This tablet is not set up yet: give it a name, station and location first.' };
        recordedBy = device;
        const problem = hooks.before ? await hooks.before() : null;
        if (problem) return { ok: false, reason: problem };
        const drafts = build(device);
        if (typeof drafts === 'string') return { ok: false, reason: drafts };
        for (const d of drafts) {
          const checked = checkEvent({ ...d, device_seq: 1 });
          if (!checked.ok) return { ok: false, reason: checked.reason.replace(/^invalid: /, 'Not recorded: ') };
        }
        let seq = counter?.value ?? 0;
        const rows: OutboxRow[] = drafts.map((d) => {
          seq += 1;
          const event = checkEvent({ ...d, device_seq: seq });
          if (!event.ok) throw new Error(event.reason); // cannot happen: the same draft passed above
          return {
            event_id: event.event.event_id,
            device_seq: seq,
            state: 'pending',
            event: event.event,
            recorded_at: clock.now()
          };
        });
        await Promise.all([db.counters.put({ name: 'device_seq', value: seq }), db.outbox.bulkAdd(rows)]);
        if (hooks.after) await hooks.after(rows);
        return { ok: true, rows };
      })
    );
  } catch (e) {
    // Storage full, or the database closed under us: the worker must know the scan did NOT count.
    if (await storageFull(e, idbTransaction))
      return {
        ok: false,
        reason: `Not recorded: this tablet's storage is full. Scans already saved are kept; free space on the tablet (or sync and export), then scan again. (${(e as Error).message})`
      };
    return { ok: false, reason: `Not recorded: the tablet could not save it (${(e as Error).message}).` };
  }
  // On disk in IndexedDB: now the copy outside it, before the caller confirms anything (journal.ts says why).
  if (!recorded.ok || !recordedBy) return recorded;
  const warning = db.journal.record(recordedBy, recorded.rows);
  return warning ? { ...recorded, warning } : recorded;
}

/** Room below which a failed write is taken for a full disk: a scan and its index entries are well under this. */
const NEARLY_FULL_BYTES = 1024 * 1024;

/**
 * Whether a failed write failed for want of space. Chromium reports a full disk as QuotaExceededError on the
 * transaction while the request inside it may only say AbortError; the storage estimate is the last resort (Chromium
 * reported a quota far above the free space of a full disk, so it alone does not tell).
 */
async function storageFull(e: unknown, tx: IDBTransaction | undefined): Promise<boolean> {
  let txError: DOMException | null | undefined;
  try {
    txError = tx?.error;
  } catch {
    txError = undefined; // still active: it did not abort for want of space
  }
  const names = [(e as { name?: string })?.name, (e as { inner?: { name?: string } })?.inner?.name, txError?.name];
  if (names.includes('QuotaExceededError')) return true;
  // Chromium may abort with UnknownError "… IO error: …: FILE_ERROR_NO_SPACE" (and close the connection) instead;
  // the reopen that follows then fails with "Internal error opening backing store" while the disk stays full.
  if (/quota|disk full|no[ _]space|opening backing store/i.test(`${(e as Error)?.message} ${txError?.message ?? ''}`))
    return true;
  try {
    const { usage, quota } = (await globalThis.navigator?.storage?.estimate?.()) ?? {};
    return usage !== undefined && quota !== undefined && quota - usage < NEARLY_FULL_BYTES;
  } catch {
    return false;
  }
}

/** Records one scan. Only a resolved `{ok: true}` means it is on disk and may be confirmed to the worker. */
export function recordScan(db: StationDb, input: ScanInput, clock: Clock = systemClock): Promise<Recorded> {
  return commit(db, (device) => [draft(device, input, clock)], clock);
}

/** Records several events all or none, in one transaction: a finished count's lines. */
export function recordAll(db: StationDb, inputs: ScanInput[], clock: Clock = systemClock): Promise<Recorded> {
  if (!inputs.length) return Promise.resolve({ ok: false, reason: 'Nothing to record.' });
  return commit(db, (device) => inputs.map((input) => draft(device, input, clock)), clock);
}

/** Why a row cannot be undone, or null when it can. */
async function undoProblem(db: StationDb, row: OutboxRow | undefined): Promise<string | null> {
  if (!row) return 'That scan is not on this tablet.';
  if (row.event.event_type === 'VOID') return 'An undo cannot be undone; scan the item again instead.';
  if (row.event.event_type === 'COUNT') return 'A count cannot be undone; count the part again instead.';
  if (row.state === 'rejected' || row.state === 'resolved')
    return 'That scan was never accepted by the server; nothing to undo.';
  const voids = await db.outbox.where('event.voids_event_id').equals(row.event_id).count();
  return voids ? 'That scan is already undone.' : null;
}

function voidOf(device: DeviceRow, row: OutboxRow, clock: Clock): Draft {
  const e = row.event;
  // A VOID must carry the item, location and qty of the scan it cancels, whatever the device is set to now.
  return {
    ...draft(
      device,
      { event_type: 'CONSUME', item_id: e.item_id, qty: e.qty, source: 'manual', operator: e.operator },
      clock,
      e.event_id
    ),
    location_id: e.location_id,
    station_id: e.station_id ?? null
  };
}

/** Undo: appends a VOID that cancels the scan. */
export async function undoScan(db: StationDb, eventId: string, clock: Clock = systemClock): Promise<Recorded> {
  let target: OutboxRow | undefined;
  return commit(
    db,
    (device) => (target ? [voidOf(device, target, clock)] : 'That scan is not on this tablet.'),
    clock,
    {
      before: async () => {
        target = await db.outbox.get(eventId);
        return undoProblem(db, target);
      }
    }
  );
}

/** A quantity corrected after the scan: a VOID of the old scan and the same scan with the new quantity. */
export async function changeQty(
  db: StationDb,
  eventId: string,
  qty: number,
  clock: Clock = systemClock
): Promise<Recorded> {
  const target = await db.outbox.get(eventId);
  if (!target) return { ok: false, reason: 'That scan is not on this tablet.' };
  if (target.event.qty === qty) return { ok: true, rows: [] };
  const e = target.event;
  return commit(
    db,
    (device) => [
      voidOf(device, target, clock),
      {
        ...draft(
          device,
          {
            event_type: e.event_type as 'INTAKE' | 'CONSUME' | 'MOVE',
            item_id: e.item_id,
            to_location_id: e.to_location_id,
            qty,
            source: e.source,
            barcode_raw: e.barcode_raw,
            lot: e.lot,
            operator: e.operator
          },
          clock
        ),
        location_id: e.location_id,
        station_id: e.station_id ?? null
      }
    ],
    clock,
    { before: () => undoProblem(db, target) }
  );
}

export interface Fix {
  item_id: string;
  qty: number;
}

/** A rejected scan corrected by a person: sent again as a new event; the rejected one is kept, marked resolved. */
export async function resendFixed(
  db: StationDb,
  eventId: string,
  fix: Fix,
  clock: Clock = systemClock
): Promise<Recorded> {
  const old = await db.outbox.get(eventId);
  if (!old || old.state !== 'rejected') return { ok: false, reason: 'Only a rejected scan can be fixed and resent.' };
  const e = old.event;
  const type = e.event_type;
  if (type === 'VOID') return { ok: false, reason: 'A rejected undo cannot be resent; dismiss it and undo again.' };
  return commit(
    db,
    (device) => [
      {
        ...draft(
          device,
          {
            event_type: type,
            item_id: fix.item_id,
            to_location_id: e.to_location_id,
            expected_qty: e.expected_qty,
            qty: fix.qty,
            source: e.source,
            barcode_raw: e.barcode_raw,
            lot: e.lot,
            operator: e.operator
          },
          clock
        ),
        location_id: e.location_id,
        station_id: e.station_id ?? null
      }
    ],
    clock,
    {
      before: async () =>
        (await db.outbox.get(eventId))?.state === 'rejected' ? null : 'That scan was already resolved.',
      after: (rows) =>
        db.outbox.update(eventId, {
          state: 'resolved',
          settled_at: clock.now(),
          replaced_by: rows[0].event_id,
          settled_as: 'resent',
          told_server: false
        })
    }
  ).then((r) => {
    if (r.ok) db.journal.forget([eventId]);
    return r;
  });
}

/** A rejected scan a person decided should not count: kept for the record, marked resolved, never sent again. */
export async function dismissRejected(db: StationDb, eventId: string, clock: Clock = systemClock): Promise<boolean> {
  const done = await db.transaction('rw', db.outbox, async () => {
    const row = await db.outbox.get(eventId);
    if (!row || row.state !== 'rejected') return false;
    await db.outbox.update(eventId, {
      state: 'resolved',
      settled_at: clock.now(),
      settled_as: 'voided',
      told_server: false
    });
    return true;
  });
  if (done) db.journal.forget([eventId]);
  return done;
}

interface PendingExport {
  format: 'linesync-pending/1';
  exported_at: string;
  device_id: string;
  device_name: string;
  station_id: string;
  location_id: string;
  /** Not yet accepted, in device order: POST them to /api/sync/events in chunks of 500 with this device_id. */
  events: ScanEvent[];
  rejected: { event: ScanEvent; reason: string | null }[];
}

/** Every scan the server has not accepted, as one JSON document: the last resort for a tablet that never reconnects. */
export async function exportPending(db: StationDb, clock: Pick<Clock, 'now'> = systemClock): Promise<PendingExport> {
  return db.transaction('r', db.device, db.outbox, async () => {
    const device = await db.device.get('this');
    const rows = await db.outbox
      .orderBy('device_seq')
      .filter((r) => r.state === 'pending' || r.state === 'rejected')
      .toArray();
    return {
      format: 'linesync-pending/1',
      exported_at: new Date(clock.now()).toISOString(),
      device_id: device?.device_id ?? '',
      device_name: device?.device_name ?? '',
      station_id: device?.station_id ?? '',
      location_id: device?.location_id ?? '',
      events: rows.filter((r) => r.state === 'pending').map((r) => r.event),
      rejected: rows.filter((r) => r.state === 'rejected').map((r) => ({ event: r.event, reason: r.reason ?? null }))
    };
  });
}
