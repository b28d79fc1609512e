// The change feed: which stock rows and signals moved, told to every server instance and every open stream.
// A writer announces keys inside its transaction; PostgreSQL delivers the NOTIFY at commit (never on rollback) to
// every instance LISTENing. Embedded PGlite does not pass notifications through its socket to other connections
// (checked: LISTEN succeeds, nothing arrives), so there the announcement goes through an in-process emitter: the
// embedded server is one process with one connection, so the feed's read queues behind the writer's transaction
// and sees what it committed.
import { EventEmitter } from 'node:events';
import type { Database, Queryable, Sql } from '../../db/connect';
import type { StockView } from '#domain/views';
import { signalsQuery, type SignalView } from '../signals/queries';

export const CHANNEL = 'linesync_changes';
/** A NOTIFY payload must stay under 8000 bytes: a longer announcement goes out as several notifications. */
const MAX_PAYLOAD = 7000;
/**
 * More stock rows than this in one announcement (a catalogue import re-rating every item) are not listed: every
 * page reloading its own view is cheaper than every stream receiving them all. A push (500 events) stays far below.
 */
export const MAX_LISTED = 5000;
/** Rows (and signals) per read and per stream event, so no event grows with the size of a write. */
export const PART_ROWS = 500;
/** Notifications arriving this close together are read in one query. */
const COALESCE_MS = 25;
/** Catch-up looks this far before the last event id, for transactions that began earlier and committed later. */
const CATCH_UP_OVERLAP_S = 30;
/** A client away longer than this reloads everything instead of catching up. */
const CATCH_UP_MAX_AGE_S = 3600;
const CATCH_UP_MAX_ROWS = MAX_LISTED;

export interface Announcement {
  /** [item_id, location_id] pairs whose stock row moved. */
  stock: [string, string][];
  /** Signals whose lifecycle moved (a push names those its scans opened or fulfilled). */
  signals: string[];
  /** Too much to list: readers reload. */
  all?: boolean;
}

export type StockRow = StockView<Date>;

/** What a stream sends: current values, so replaying one twice or out of order is harmless. */
export interface ChangeEvent {
  id: string; // server time of the read, ISO: the Last-Event-ID a reconnecting client sends back
  stock: StockRow[];
  signals: SignalView[];
  reset: boolean;
}

const local = new EventEmitter().setMaxListeners(0);

/** Call inside the writing transaction, last. */
export async function announce(tx: Queryable, stock: [string, string][], signals: string[] = []): Promise<void> {
  if (!stock.length && !signals.length) return;
  const payloads = announcements(stock, signals);
  // One statement whatever the count, each payload a parameter of its own: the push pays one round trip.
  if (payloads.length === 1) await tx`SELECT pg_notify(${CHANNEL}, ${payloads[0]})`;
  else
    await tx.unsafe(`SELECT ${payloads.map((_, i) => `pg_notify($1, $${i + 2})`).join(', ')}`, [CHANNEL, ...payloads], {
      prepare: true
    });
  for (const p of payloads) local.emit(CHANNEL, p);
}

/**
 * The announcement as NOTIFY payloads of at most MAX_PAYLOAD bytes each: the keys split over as many as they need
 * (all of one transaction's notifications arrive together at its commit, and readers merge what arrives together).
 * Each payload is a complete Announcement, so an instance of the previous release reads every part as before.
 */
export function announcements(stock: [string, string][], signals: string[]): string[] {
  const unique = [...new Map(stock.map((k) => [k[0] + '\u0000' + k[1], k])).values()];
  if (unique.length > MAX_LISTED) return [JSON.stringify({ stock: [], signals: [], all: true } satisfies Announcement)];
  return packed(unique, signals);
}

/** Serialised once whole; when too long, cut by count into the parts the size suggests, and each part again. */
function packed(stock: [string, string][], signals: string[]): string[] {
  const whole = JSON.stringify({ stock, signals } satisfies Announcement);
  const bytes = Buffer.byteLength(whole);
  if (bytes <= MAX_PAYLOAD || stock.length + signals.length < 2) return [whole];
  const parts = Math.max(2, Math.ceil((bytes * 1.1) / MAX_PAYLOAD));
  const cut = <T>(list: T[], i: number) =>
    list.slice(Math.floor((list.length * i) / parts), Math.floor((list.length * (i + 1)) / parts));
  return Array.from({ length: parts }, (_, i) => [cut(stock, i), cut(signals, i)] as const)
    .filter(([keys, ids]) => keys.length + ids.length > 0)
    .flatMap(([keys, ids]) => packed(keys, ids));
}

interface ChangeFeed {
  /** 'listen': PostgreSQL LISTEN/NOTIFY across instances; 'local': in-process (embedded). */
  mode: 'listen' | 'local';
  subscribe(fn: (e: ChangeEvent) => void): () => void;
  /** Changes since a client's last event id, in parts of PART_ROWS, or a reset when that is too old or unreadable. */
  since(lastEventId: string): Promise<ChangeEvent[]>;
}

const feeds = new WeakMap<Sql, Promise<ChangeFeed>>();

/** One feed per database handle: one LISTEN connection and one read per notification, fanned out to every stream. */
export function changeFeed(sql: Sql, kind: Database['kind']): Promise<ChangeFeed> {
  let feed = feeds.get(sql);
  if (!feed) {
    feed = openFeed(sql, kind);
    feeds.set(sql, feed);
    feed.catch(() => feeds.delete(sql));
  }
  return feed;
}

async function openFeed(sql: Sql, kind: Database['kind']): Promise<ChangeFeed> {
  const subscribers = new Set<(e: ChangeEvent) => void>();
  // What arrived and is not read yet: keys deduplicated, so a burst of pushes to the same rows is read once.
  let pending: { stock: Map<string, [string, string]>; signals: Set<string>; all: boolean } | null = null;
  let scheduled = false;
  let reading = false;

  // One read at a time, each part sent as soon as it is read: a later read never overtakes an earlier one, and what
  // arrives during a read is merged and read right after it.
  const drain = async () => {
    scheduled = false;
    reading = true;
    try {
      while (pending) {
        const a = pending;
        pending = null;
        if (!subscribers.size) continue;
        try {
          const parts = a.all ? [await resetEvent(sql)] : readChanges(sql, [...a.stock.values()], [...a.signals]);
          for await (const event of parts) for (const fn of subscribers) fn(event);
        } catch (e) {
          if (!/^CONNECTION_(ENDED|DESTROYED)$/.test((e as { code?: string }).code ?? ''))
            console.error('change feed read failed:', (e as Error).message);
        }
      }
    } finally {
      reading = false;
    }
  };
  const onPayload = (payload: string) => {
    let a: Announcement;
    try {
      a = JSON.parse(payload) as Announcement;
    } catch {
      return; // not ours
    }
    pending ??= { stock: new Map(), signals: new Set(), all: false };
    pending.all ||= !!a.all;
    for (const k of a.stock ?? []) pending.stock.set(k[0] + '\u0000' + k[1], k);
    for (const id of a.signals ?? []) pending.signals.add(id);
    if (!scheduled && !reading) {
      scheduled = true;
      setTimeout(drain, COALESCE_MS);
    }
  };

  let mode: ChangeFeed['mode'];
  if (kind === 'embedded') {
    local.on(CHANNEL, onPayload);
    mode = 'local';
  } else {
    await sql.listen(CHANNEL, onPayload); // postgres.js keeps a dedicated connection and re-listens after it drops
    mode = 'listen';
  }
  return {
    mode,
    subscribe(fn) {
      subscribers.add(fn);
      return () => subscribers.delete(fn);
    },
    since: (lastEventId) => catchUp(sql, lastEventId)
  };
}

/**
 * What a reconnecting stream sends first: the catch-up, then the live events that arrived while it was read — only
 * those whose read began at or after the catch-up's. An earlier live read saw nothing the catch-up did not (the
 * commit that caused it came before), and sent after the catch-up it could put an older value over a newer one.
 */
export function afterCatchUp(caughtUp: ChangeEvent[], live: ChangeEvent[]): ChangeEvent[] {
  const from = caughtUp[0]?.id;
  return [...caughtUp, ...(from === undefined ? live : live.filter((e) => e.id >= from))];
}

async function serverNow(sql: Queryable): Promise<string> {
  const [{ now }] = await sql<{ now: Date }[]>`SELECT clock_timestamp() AS now`;
  return now.toISOString();
}

async function resetEvent(sql: Queryable): Promise<ChangeEvent> {
  return { id: await serverNow(sql), stock: [], signals: [], reset: true };
}

function stockRows(sql: Queryable, keys: [string, string][]) {
  return sql<StockRow[]>`
    SELECT s.item_id, s.location_id, s.on_hand, s.intake_total, s.consume_total, i.reorder_point,
           CASE WHEN s.on_hand < 0 THEN 'negative'
                WHEN i.reorder_point IS NOT NULL AND s.on_hand <= i.reorder_point THEN 'low'
                ELSE 'ok' END AS status,
           s.last_activity_at, i.description, i.unit
    FROM stock_levels s JOIN items i USING (item_id)
    JOIN json_to_recordset(${sql.json(keys.map(([item_id, location_id]) => ({ item_id, location_id })) as never)}::json)
      AS k(item_id text, location_id text) ON k.item_id = s.item_id AND k.location_id = s.location_id`;
}

/** The signals a scan moved with these rows: their lifecycle row was written in the transaction that last wrote the row. */
async function movedSignals(sql: Queryable, keys: [string, string][]): Promise<string[]> {
  const rows = await sql<{ signal_id: string }[]>`
    SELECT DISTINCT r.signal_id::text FROM replenishment_signals r
    JOIN stock_levels s ON s.item_id = r.item_id AND s.location_id = r.location_id AND r.changed_at = s.updated_at
    JOIN json_to_recordset(${sql.json(keys.map(([item_id, location_id]) => ({ item_id, location_id })) as never)}::json)
      AS k(item_id text, location_id text) ON k.item_id = s.item_id AND k.location_id = s.location_id`;
  return rows.map((r) => r.signal_id);
}

/** Current values of the announced rows and signals, in parts of at most PART_ROWS rows and 2 × PART_ROWS signals. */
async function* readChanges(
  sql: Queryable,
  keys: [string, string][],
  signalIds: string[]
): AsyncGenerator<ChangeEvent> {
  const id = await serverNow(sql);
  for (let i = 0; i < Math.max(keys.length, signalIds.length); i += PART_ROWS) {
    const part = keys.slice(i, i + PART_ROWS);
    const stock = part.length ? await stockRows(sql, part) : [];
    const moved = part.length ? await movedSignals(sql, part) : [];
    const ids = [...new Set([...signalIds.slice(i, i + PART_ROWS), ...moved])];
    yield { id, stock, signals: await signalsById(sql, ids), reset: false };
  }
}

function signalsById(sql: Queryable, ids: string[]): Promise<SignalView[]> {
  return ids.length ? signalsQuery(sql, { status: 'all', signal_ids: ids, limit: ids.length }) : Promise.resolve([]);
}

/** Stock rows and signals changed since a client's last event id, in parts; a reset when that is too far back. */
async function catchUp(sql: Queryable, lastEventId: string): Promise<ChangeEvent[]> {
  const last = Date.parse(lastEventId);
  if (Number.isNaN(last) || Date.now() - last > CATCH_UP_MAX_AGE_S * 1000 || last > Date.now() + 60_000)
    return [await resetEvent(sql)];
  const from = new Date(last - CATCH_UP_OVERLAP_S * 1000).toISOString();
  const id = await serverNow(sql);
  const keys = await sql<{ item_id: string; location_id: string }[]>`
    SELECT item_id, location_id FROM stock_levels WHERE updated_at > ${from}::timestamptz LIMIT ${CATCH_UP_MAX_ROWS + 1}`;
  const signals = await sql<{ signal_id: string }[]>`
    SELECT DISTINCT signal_id::text FROM replenishment_signals WHERE changed_at > ${from}::timestamptz LIMIT ${CATCH_UP_MAX_ROWS + 1}`;
  if (keys.length > CATCH_UP_MAX_ROWS || signals.length > CATCH_UP_MAX_ROWS)
    return [{ ...(await resetEvent(sql)), id }];
  const out: ChangeEvent[] = [];
  for (let i = 0; i < Math.max(keys.length, signals.length, 1); i += PART_ROWS) {
    const part = keys.slice(i, i + PART_ROWS).map((k): [string, string] => [k.item_id, k.location_id]);
    const stock = part.length ? await stockRows(sql, part) : [];
    out.push({
      id,
      stock,
      signals: await signalsById(
        sql,
        signals.slice(i, i + PART_ROWS).map((s) => s.signal_id)
      ),
      reset: false
    });
  }
  return out;
}
