// The sync engine: pushes pending scans to the Core API in device order, in batches of up to 500, marks what the
// server accepted, keeps what it rejected for a person, then pulls the stock snapshot the station shows offline.
// One sync at a time across tabs (Web Locks, or a lease in IndexedDB where they are missing). A failure never
// touches a pending scan: it stays until the server has answered for it.
import type { EventResult, ResolvedRejection, SettledOnDevice } from '../domain/events';
import { MAX_BATCH_BYTES, MAX_BATCH_EVENTS, MAX_EVENT_BYTES } from '../domain/event-limits';
import Dexie from 'dexie';
import {
  countState,
  pendingInOrder,
  readDevice,
  readSync,
  updateSync,
  type DeviceRow,
  type OutboxRow,
  type SnapshotRow,
  type StationDb
} from './db';

export interface SyncConfig {
  /** Where the API lives: '' for the page's own origin. */
  baseUrl: string;
  appVersion: string;
  fetch?: typeof fetch;
  now?: () => number;
  random?: () => number;
  /** Events per push, at most 500. */
  batchSize?: number;
  requestTimeoutMs?: number;
}

type SyncOutcome =
  | { status: 'done'; sent: number; accepted: number; rejected: number }
  | { status: 'busy' }
  | { status: 'not_set_up' }
  | { status: 'failed'; error: string; authRequired: boolean };

export const SYNCED_KEPT_MS = 7 * 24 * 60 * 60 * 1000;
const INTERVAL_MS = 30_000;
const BACKOFF_BASE_MS = 2_000;
const BACKOFF_MAX_MS = 5 * 60_000;
const LOCK_NAME = 'linesync-sync';
const LEASE_MS = 60_000;

class SyncError extends Error {
  constructor(
    message: string,
    readonly authRequired = false
  ) {
    super(message);
  }
}

/** The wait before the next attempt after `failures` failures in a row: exponential, capped, with full jitter. */
export function backoffDelay(failures: number, random: () => number = Math.random): number {
  if (failures <= 0) return INTERVAL_MS;
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(failures - 1, 20));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

async function request(cfg: SyncConfig, path: string, init: RequestInit = {}): Promise<unknown> {
  const doFetch = cfg.fetch ?? fetch;
  let res: Response;
  try {
    res = await doFetch(cfg.baseUrl + path, {
      ...init,
      redirect: 'manual', // a sign-in proxy redirects instead of answering 401
      cache: 'no-store',
      signal: AbortSignal.timeout(cfg.requestTimeoutMs ?? 30_000)
    });
  } catch (e) {
    throw new SyncError(`Server unreachable: ${(e as Error).message}`);
  }
  if (
    res.status === 401 ||
    res.status === 403 ||
    res.type === 'opaqueredirect' ||
    (res.status >= 300 && res.status < 400)
  )
    throw new SyncError('Sign-in expired: sign in again. Every scan is kept on this tablet.', true);
  const text = await res.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new SyncError(`Server answered ${res.status} with something other than JSON.`);
  }
  if (!res.ok) {
    const message = (body as { error?: { message?: string } })?.error?.message;
    throw new SyncError(`Server answered ${res.status}: ${message ?? text.slice(0, 200)}`);
  }
  return body;
}

function readResults(body: unknown, sent: OutboxRow[]): Map<string, EventResult> {
  const results = (body as { results?: unknown })?.results;
  if (!Array.isArray(results) || results.length !== sent.length)
    throw new SyncError('The server answered the push without one result per event; nothing was marked.');
  const byId = new Map<string, EventResult>();
  for (const r of results as EventResult[]) {
    if (typeof r?.event_id !== 'string' || !['applied', 'duplicate', 'rejected'].includes(r.status))
      throw new SyncError('The server answered the push with a result this app does not know; nothing was marked.');
    byId.set(r.event_id.toLowerCase(), r);
  }
  return byId;
}

type Totals = { sent: number; accepted: number; rejected: number };

/** Marks one answered batch: one read and one write, so one strict transaction per batch, not per scan. */
async function markBatch(
  db: StationDb,
  batch: OutboxRow[],
  results: Map<string, EventResult>,
  settledAt: number,
  totals: Totals
) {
  const moved = await db.transaction('rw', db.outbox, async () => {
    const current = await db.outbox.bulkGet(batch.map((r) => r.event_id));
    const changed: OutboxRow[] = [];
    for (const row of current) {
      const r = row && results.get(row.event_id);
      if (!row || !r || row.state !== 'pending') continue;
      if (r.status === 'rejected') {
        totals.rejected++;
        changed.push({ ...row, state: 'rejected', reason: r.reason ?? 'rejected without a reason' });
      } else {
        totals.accepted++;
        changed.push({ ...row, state: 'synced', settled_at: settledAt });
      }
    }
    await db.outbox.bulkPut(changed);
    return changed;
  });
  // Acknowledged by the server: the recovery journal need not keep them (rejected ones wait for a person).
  db.journal.forget(moved.filter((r) => r.state === 'synced').map((r) => r.event_id));
  if (!moved.length && batch.length)
    throw new SyncError('The server answered, but for none of the scans sent; they stay pending.');
}

/**
 * What the server should hear about rejected scans: those still waiting here (it answers which a supervisor
 * resolved), and those settled here since the last push, each to go with the push that carries its replacement.
 */
async function rejectionNews(db: StationDb) {
  const [waiting, settledHere] = await Promise.all([
    db.outbox
      .where('[state+device_seq]')
      .between(['rejected', Dexie.minKey], ['rejected', Dexie.maxKey])
      .limit(MAX_BATCH_EVENTS)
      .primaryKeys(),
    db.outbox
      .where('[state+device_seq]')
      .between(['resolved', Dexie.minKey], ['resolved', Dexie.maxKey])
      .filter((r) => r.told_server === false && (r.settled_as === 'resent' || r.settled_as === 'voided'))
      .limit(MAX_BATCH_EVENTS)
      .toArray()
  ]);
  const settled: SettledOnDevice[] = settledHere.map((r) => ({
    event_id: r.event_id,
    resolution: r.settled_as as 'resent' | 'voided',
    replaced_by: r.replaced_by ?? null
  }));
  const replacements = await db.outbox.bulkGet(settled.map((s) => s.replaced_by ?? ''));
  // A resend goes with the push that carries its replacement (the server refuses that replacement if a supervisor
  // already corrected the scan); the rest go with the first push.
  const withEvent = new Map(
    settled.flatMap((s, i) => (replacements[i]?.state === 'pending' ? [[s.replaced_by!, s] as const] : []))
  );
  const first = settled.filter((s) => !withEvent.has(s.replaced_by ?? ''));
  return { waiting, withEvent, first };
}

/** Reads the `resolved` part of a push answer: rejected scans a supervisor resolved on the server. */
function readResolved(body: unknown): ResolvedRejection[] {
  const resolved = (body as { resolved?: unknown })?.resolved;
  if (!Array.isArray(resolved)) return [];
  return resolved.filter(
    (r): r is ResolvedRejection =>
      typeof r?.event_id === 'string' &&
      ['corrected', 'dismissed', 'resent', 'voided'].includes(r.resolution) &&
      typeof r.resolved_at === 'string'
  );
}

/** Marks what the server now knows: settlements it was told, and rejected scans it says were resolved there. */
async function markRejectionNews(
  db: StationDb,
  told: SettledOnDevice[],
  resolved: ResolvedRejection[],
  settledAt: number
) {
  if (!told.length && !resolved.length) return;
  const done = await db.transaction('rw', db.outbox, async () => {
    const rows = await db.outbox.bulkGet([
      ...told.map((t) => t.event_id),
      ...resolved.map((r) => r.event_id.toLowerCase())
    ]);
    const changed: OutboxRow[] = [];
    rows.forEach((row, i) => {
      if (!row) return;
      if (i < told.length) {
        if (row.state === 'resolved') changed.push({ ...row, told_server: true });
        return;
      }
      const r = resolved[i - told.length];
      if (row.state !== 'rejected') return; // settled here meanwhile: the server hears of it next push
      changed.push({
        ...row,
        state: 'resolved',
        settled_at: settledAt,
        settled_as: r.resolution,
        told_server: true,
        replaced_by: r.corrected_event_id ?? undefined,
        resolution_note: r.note,
        resolved_by: r.resolved_by
      });
    });
    await db.outbox.bulkPut(changed);
    return changed;
  });
  db.journal.forget(done.filter((r) => r.state === 'resolved').map((r) => r.event_id));
}

const utf8 = new TextEncoder();
const byteLength = (text: string) => utf8.encode(text).length;

/** What a too-large scan is told: it can never go as it is, so it waits for a person like a rejected one. */
const tooLargeReason = (bytes: number) =>
  `too large to send: ${bytes} bytes as JSON, a push takes at most ${MAX_EVENT_BYTES} per scan; fix or void it`;

/**
 * The rows (pending, in device order) that go in one push whose body, without events, is `envelopeBytes` long:
 * the longest prefix whose JSON stays within `limit` bytes, with `extraBytes(row)` for what a row brings to the
 * envelope (its settlement, for a resend). A row too large for any push is set aside in `tooLarge` and skipped.
 */
export function fitBatch(
  rows: OutboxRow[],
  envelopeBytes: number,
  extraBytes: (row: OutboxRow) => number = () => 0,
  limit = MAX_BATCH_BYTES
): { send: OutboxRow[]; tooLarge: { row: OutboxRow; bytes: number }[] } {
  const send: OutboxRow[] = [];
  const tooLarge: { row: OutboxRow; bytes: number }[] = [];
  let total = envelopeBytes;
  for (const row of rows) {
    const bytes = byteLength(JSON.stringify(row.event));
    if (bytes > MAX_EVENT_BYTES) {
      tooLarge.push({ row, bytes });
      continue;
    }
    const more = bytes + extraBytes(row) + (send.length ? 1 : 0); // the comma between two events
    if (total + more > limit) break;
    total += more;
    send.push(row);
  }
  return { send, tooLarge };
}

/** The synced scans a server that holds this device's events only up to `serverMaxSeq` has lost: to send again. */
export function toRefill(rows: OutboxRow[], serverMaxSeq: number): OutboxRow[] {
  return rows.filter((r) => r.state === 'synced' && r.device_seq > serverMaxSeq);
}

/** The batch up to its first VOID of a scan not before it in the batch (one sent earlier, maybe lost since). */
export function untilOutsideVoid(batch: OutboxRow[]): OutboxRow[] {
  const seen = new Set<string>();
  for (let i = 0; i < batch.length; i++) {
    const target = batch[i].event.voids_event_id?.toLowerCase();
    if (target && !seen.has(target)) return batch.slice(0, i);
    seen.add(batch[i].event_id.toLowerCase());
  }
  return batch;
}

/** Reads `server_max_seq` from a push answer; null when the server does not say (an older one). */
async function readServerMaxSeq(body: unknown): Promise<number | null> {
  // The schema (zod) loads with the first push that is answered, not with the station's first screen.
  const { pushResponseSchema } = await import('../domain/events');
  const parsed = pushResponseSchema.shape.server_max_seq.safeParse(
    (body as { server_max_seq?: unknown })?.server_max_seq
  );
  return parsed.success && parsed.data !== undefined ? parsed.data : null;
}

/**
 * Puts back to pending every synced scan above what the server holds, so this sync sends it again (the server
 * answers `duplicate` for any it did keep). Counted in the sync row until a push has told the server.
 */
async function refill(db: StationDb, device: DeviceRow, serverMaxSeq: number, at: number): Promise<number> {
  const rows = await db.transaction('rw', db.outbox, db.sync, async () => {
    const above = await db.outbox
      .where('[state+device_seq]')
      .between(['synced', serverMaxSeq], ['synced', Dexie.maxKey], false, true)
      .toArray();
    const again = toRefill(above, serverMaxSeq).map((r) => {
      const row: OutboxRow = { ...r, state: 'pending' };
      delete row.settled_at;
      return row;
    });
    if (!again.length) return again;
    await db.outbox.bulkPut(again);
    const s = await readSync(db);
    await db.sync.put({
      ...s,
      refilled_unreported: (s.refilled_unreported ?? 0) + again.length,
      refilled_total: (s.refilled_total ?? 0) + again.length,
      refilled_at: at
    });
    return again;
  });
  db.journal.record(device, rows); // unacknowledged again: the recovery journal keeps them until the server has them
  return rows.length;
}

/** Rows that can never go in a push: they wait, with the reason, for a person to fix or void them. */
async function rejectTooLarge(db: StationDb, rows: { row: OutboxRow; bytes: number }[]): Promise<number> {
  if (!rows.length) return 0;
  return db.transaction('rw', db.outbox, async () => {
    const current = await db.outbox.bulkGet(rows.map((r) => r.row.event_id));
    const changed = current.flatMap((row, i) =>
      row?.state === 'pending' ? [{ ...row, state: 'rejected' as const, reason: tooLargeReason(rows[i].bytes) }] : []
    );
    await db.outbox.bulkPut(changed);
    return changed.length;
  });
}

/** How often a tablet with nothing to send still asks the server what it holds (an empty push), to refill a loss. */
export const REFILL_CHECK_MS = 5 * 60_000;

/**
 * Pushes every pending scan, batch by batch in device order, until none is left. The server applies one batch at a
 * time, in order; while it works on one, the tablet marks the previous one, so the drain runs at the server's pace.
 * A batch holds at most `batchSize` scans and MAX_BATCH_BYTES of JSON. Each answer says the highest sequence number
 * the server held before it: synced scans above it go again, in this same sync.
 */
async function pushAll(db: StationDb, cfg: SyncConfig, now: () => number): Promise<Totals> {
  const device = await readDevice(db);
  if (!device) throw new SyncError('not set up');
  const size = Math.min(cfg.batchSize ?? MAX_BATCH_EVENTS, MAX_BATCH_EVENTS);
  const totals: Totals = { sent: 0, accepted: 0, rejected: 0 };
  let pendingLeft = await countState(db, 'pending');
  let marking: Promise<void> = Promise.resolve();
  const news = await rejectionNews(db);
  const sync = await readSync(db);
  const envelope = (events: number, waiting: string[], settled: SettledOnDevice[], refilled: number) => ({
    device_id: device.device_id,
    pending_count: Math.max(pendingLeft, events),
    app_version: cfg.appVersion.slice(0, 64),
    device_name: device.device_name.slice(0, 128),
    station_id: device.station_id.slice(0, 64),
    location_id: device.location_id.slice(0, 64),
    sent_at: new Date(now()).toISOString(),
    ...(waiting.length ? { rejected_waiting: waiting } : {}),
    ...(settled.length ? { settled_on_device: settled } : {}),
    ...(refilled ? { refilled } : {})
  });
  const settlementBytes = (r: OutboxRow) =>
    news.withEvent.has(r.event_id) ? byteLength(JSON.stringify(news.withEvent.get(r.event_id))) + 1 : 0;
  /** The next batch after `afterSeq` that fits in a push; scans that never can are set aside as rejected. */
  const nextBatch = async (afterSeq: number, envelopeBytes: number): Promise<OutboxRow[]> => {
    for (;;) {
      const rows = await pendingInOrder(db, size, afterSeq);
      if (!rows.length) return rows;
      const { send, tooLarge } = fitBatch(rows, envelopeBytes, settlementBytes);
      const set = await rejectTooLarge(db, tooLarge);
      totals.rejected += set;
      pendingLeft -= set;
      if (send.length) return send;
      afterSeq = rows[rows.length - 1].device_seq;
    }
  };
  // The first push's envelope is the largest one (it carries the news); room for a longer pending_count and refills.
  const firstEnvelope = (waiting: string[]) =>
    byteLength(JSON.stringify({ ...envelope(0, waiting, news.first, 10_000_000), events: [] })) + 64;
  let batch = await nextBatch(0, firstEnvelope(news.waiting));
  // The first push must not carry an undo of a scan sent earlier: if the server lost that scan, the undo would be
  // refused before the refill sends the scan again. It goes after the first answer, in device order.
  const hasSynced = (await countState(db, 'synced')) > 0;
  const cut = hasSynced ? untilOutsideVoid(batch) : batch;
  let restart = cut.length < batch.length;
  batch = cut;
  // With nothing pending, one empty push still carries the news about rejected scans, and now and then asks what the
  // server holds (whether it lost scans this tablet still keeps as synced).
  const due = now() - (sync.refill_checked_at ?? 0) >= REFILL_CHECK_MS || now() < (sync.refill_checked_at ?? 0);
  let first =
    restart || news.waiting.length > 0 || news.withEvent.size > 0 || news.first.length > 0 || (due && hasSynced);
  let unreported = sync.refilled_unreported ?? 0; // refills the server has not been told of
  let answered = false;
  try {
    while (batch.length || first) {
      const settled = [
        ...(first ? news.first : []),
        ...batch.flatMap((r) => (news.withEvent.has(r.event_id) ? [news.withEvent.get(r.event_id)!] : []))
      ];
      const waiting = first ? news.waiting : [];
      const told = unreported;
      const body = await request(cfg, '/api/sync/events', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...envelope(batch.length, waiting, settled, told), events: batch.map((r) => r.event) })
      });
      first = false;
      const results = readResults(body, batch);
      await markRejectionNews(db, settled, readResolved(body), now());
      await marking; // the previous batch's marks, done while this one was on the server
      totals.sent += batch.length;
      pendingLeft -= batch.length;
      // The first answer says what the server held before this sync: synced scans above that go again (only then,
      // so a server that somehow never keeps them cannot hold the tablet in a loop within one sync).
      const serverMaxSeq = answered ? null : await readServerMaxSeq(body);
      const back = serverMaxSeq === null ? 0 : await refill(db, device, serverMaxSeq, now());
      if (!answered || told) {
        unreported += back - told;
        const s = await readSync(db);
        await updateSync(db, {
          refilled_unreported: Math.max(0, (s.refilled_unreported ?? 0) - told),
          ...(answered ? {} : { refill_checked_at: now() })
        });
      }
      answered = true;
      pendingLeft += back;
      if (back > 0 || restart) {
        // Scans refilled (below this batch, maybe) or held back from the first push: on from the start, in order.
        restart = false;
        if (batch.length) await markBatch(db, batch, results, now(), totals);
        batch = await nextBatch(0, firstEnvelope([]));
        continue;
      }
      if (!batch.length) break;
      // Read the next batch first (a read-only transaction is not held up by the write), then mark this one.
      const next = nextBatch(batch[batch.length - 1].device_seq, firstEnvelope([]));
      marking = markBatch(db, batch, results, now(), totals);
      batch = await next;
    }
  } finally {
    await marking;
  }
  return totals;
}

/** Pulls items, stock and open signals: what the station shows as "stock as of". */
async function pullSnapshot(db: StationDb, cfg: SyncConfig, now: () => number): Promise<void> {
  const requestedAt = now();
  const body = (await request(cfg, '/api/sync/snapshot')) as Partial<SnapshotRow>;
  if (
    !Array.isArray(body?.items) ||
    !Array.isArray(body?.stock) ||
    !Array.isArray(body?.signals) ||
    typeof body.server_time !== 'string'
  )
    throw new SyncError('The server sent a stock snapshot this app cannot read.');
  await db.snapshot.put({
    id: 'this',
    items: body.items,
    stock: body.stock.map((s) => ({ ...s, on_hand: Number(s.on_hand) })),
    signals: body.signals,
    lots: Array.isArray(body.lots) ? body.lots : [],
    supplier_parts: Array.isArray(body.supplier_parts) ? body.supplier_parts : [],
    server_time: body.server_time,
    requested_at: requestedAt
  });
}

/** Synced and resolved scans older than a week go; pending and rejected ones never do. */
async function pruneSettled(db: StationDb, now: number): Promise<number> {
  return db.outbox
    .where('settled_at')
    .below(now - SYNCED_KEPT_MS)
    .filter((r) => r.state === 'synced' || (r.state === 'resolved' && r.told_server !== false))
    .delete();
}

/** One full sync, without the cross-tab lock: push, pull, prune, and the outcome recorded for every tab to show. */
export async function syncOnce(db: StationDb, cfg: SyncConfig): Promise<SyncOutcome> {
  const now = cfg.now ?? Date.now;
  if (!(await readDevice(db))) return { status: 'not_set_up' };
  await updateSync(db, { last_attempt_at: now() });
  try {
    const pushed = await pushAll(db, cfg, now);
    await pullSnapshot(db, cfg, now);
    await pruneSettled(db, now());
    // A good sync clears the last error: the station shows it until then, not after.
    await updateSync(db, {
      last_success_at: now(),
      failures: 0,
      auth_required: false,
      last_error: null,
      last_error_at: null
    });
    return { status: 'done', ...pushed };
  } catch (e) {
    const err = e instanceof SyncError ? e : new SyncError(`Sync failed: ${(e as Error).message}`);
    const failures = (await readSync(db)).failures + 1;
    await updateSync(db, { last_error: err.message, last_error_at: now(), failures, auth_required: err.authRequired });
    return { status: 'failed', error: err.message, authRequired: err.authRequired };
  }
}

/** Runs `fn` only if no other tab (or engine) is syncing; otherwise answers 'busy'. */
export async function withSyncLock(
  db: StationDb,
  owner: string,
  fn: () => Promise<SyncOutcome>,
  now: () => number = Date.now
): Promise<SyncOutcome> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (locks?.request) {
    return locks.request(LOCK_NAME, { ifAvailable: true }, async (lock) => (lock ? fn() : { status: 'busy' as const }));
  }
  // Fallback: a lease in IndexedDB, taken in one transaction, so two tabs cannot both hold it.
  const taken = await db.transaction('rw', db.sync, async () => {
    const s = await readSync(db);
    if (s.lease_owner && s.lease_owner !== owner && s.lease_until > now()) return false;
    await db.sync.put({ ...s, lease_owner: owner, lease_until: now() + LEASE_MS });
    return true;
  });
  if (!taken) return { status: 'busy' };
  try {
    return await fn();
  } finally {
    await db.transaction('rw', db.sync, async () => {
      const s = await readSync(db);
      if (s.lease_owner === owner) await db.sync.put({ ...s, lease_owner: null, lease_until: 0 });
    });
  }
}

type Trigger = 'scan' | 'online' | 'visible' | 'interval' | 'manual' | 'start';

/**
 * Decides when to sync: after each scan, on `online`, when the page becomes visible, every 30 s, and on "Sync now";
 * after failures it waits with exponential backoff and jitter (`online` and "Sync now" skip the wait).
 */
export class SyncEngine {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<SyncOutcome> | null = null;
  private again = false;
  private nextAllowedAt = 0;
  private stopped = true;
  private readonly owner: string;
  private readonly listeners = new Set<(running: boolean) => void>();
  private readonly cleanup: (() => void)[] = [];

  constructor(
    private readonly db: StationDb,
    private readonly cfg: SyncConfig
  ) {
    this.owner = `${Math.random().toString(36).slice(2)}-${Date.now()}`;
  }

  private now() {
    return (this.cfg.now ?? Date.now)();
  }

  /** Called with true when a sync starts in this tab and false when it ends. */
  onRunning(fn: (running: boolean) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    if (typeof window !== 'undefined') {
      const online = () => void this.trigger('online');
      const visible = () => document.visibilityState === 'visible' && void this.trigger('visible');
      window.addEventListener('online', online);
      document.addEventListener('visibilitychange', visible);
      this.cleanup.push(
        () => window.removeEventListener('online', online),
        () => document.removeEventListener('visibilitychange', visible)
      );
    }
    void this.trigger('start');
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const c of this.cleanup.splice(0)) c();
  }

  /** Asks for a sync. Joins one already running (and runs once more after it, so new scans go too). */
  trigger(why: Trigger): Promise<SyncOutcome> {
    const force = why === 'manual' || why === 'online' || why === 'interval';
    if (!force && this.now() < this.nextAllowedAt) return Promise.resolve({ status: 'busy' });
    if (why !== 'manual' && typeof navigator !== 'undefined' && navigator.onLine === false) {
      this.schedule(INTERVAL_MS);
      return Promise.resolve({ status: 'failed', error: 'offline', authRequired: false });
    }
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.run();
    return this.running;
  }

  private async run(): Promise<SyncOutcome> {
    this.listeners.forEach((l) => l(true));
    let outcome: SyncOutcome;
    try {
      do {
        this.again = false;
        outcome = await withSyncLock(
          this.db,
          this.owner,
          () => syncOnce(this.db, this.cfg),
          () => this.now()
        );
      } while (this.again && outcome.status === 'done');
    } finally {
      this.running = null;
      this.listeners.forEach((l) => l(false));
    }
    if (outcome.status === 'failed') {
      const delay = backoffDelay((await readSync(this.db)).failures, this.cfg.random);
      this.nextAllowedAt = this.now() + delay;
      this.schedule(delay);
    } else {
      this.nextAllowedAt = 0;
      this.schedule(INTERVAL_MS);
    }
    return outcome;
  }

  private schedule(delay: number) {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.trigger('interval');
    }, delay);
  }
}
