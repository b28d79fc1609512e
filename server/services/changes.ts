// The change feed: which stock rows and signals moved, told to every server instance and every open stream.
// A writer announces keys inside its transaction; PostgreSQL delivers the NOTIFY at commit (never on rollback) to
// every instance LISTENing. Embedded PGlite does not pass notifications through its socket to other connections
// (checked: LISTEN succeeds, nothing arrives), so there the announcement goes through an in-process emitter: the
// embedded server is one process with one connection, so the feed's read queues behind the writer's transaction
// and sees what it committed.
import { EventEmitter } from 'node:events';
import type { Database, Queryable, Sql } from '../db/connect';
import type { StockView } from '../../src/lib/domain/views';
import type { SignalView } from '../routes/signals';
import { signalsQuery } from '../routes/signals';

export const CHANNEL = 'linesync_changes';
/** A NOTIFY payload must stay under 8000 bytes; a bigger announcement says "everything may have changed". */
const MAX_PAYLOAD = 7000;
/** Notifications arriving this close together are read in one query. */
const COALESCE_MS = 25;
/** Catch-up looks this far before the last event id, for transactions that began earlier and committed later. */
export const CATCH_UP_OVERLAP_S = 30;
/** A client away longer than this reloads everything instead of catching up. */
export const CATCH_UP_MAX_AGE_S = 3600;
const CATCH_UP_MAX_ROWS = 5000;

export interface Announcement {
  /** [item_id, location_id] pairs whose stock row moved. */
  stock: [string, string][];
  /** Signals whose lifecycle moved (signals opened or fulfilled by a scan are found through the stock rows). */
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
  const unique = [...new Map(stock.map((k) => [k.join('\u0000'), k])).values()];
  let payload = JSON.stringify({ stock: unique, signals } satisfies Announcement);
  if (Buffer.byteLength(payload) > MAX_PAYLOAD) payload = JSON.stringify({ stock: [], signals: [], all: true } satisfies Announcement);
  await tx`SELECT pg_notify(${CHANNEL}, ${payload})`;
  local.emit(CHANNEL, payload);
}

export interface ChangeFeed {
  /** 'listen': PostgreSQL LISTEN/NOTIFY across instances; 'local': in-process (embedded). */
  mode: 'listen' | 'local';
  subscribe(fn: (e: ChangeEvent) => void): () => void;
  /** Changes since a client's last event id, or a reset when that is too old or unreadable. */
  since(lastEventId: string): Promise<ChangeEvent>;
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
  let pending: Announcement | null = null;

  const flush = async () => {
    const a = pending!;
    pending = null;
    if (!subscribers.size) return;
    try {
      const event = a.all ? await resetEvent(sql) : await readChanges(sql, a.stock, a.signals);
      for (const fn of subscribers) fn(event);
    } catch (e) {
      if (!/^CONNECTION_(ENDED|DESTROYED)$/.test((e as { code?: string }).code ?? '')) console.error('change feed read failed:', (e as Error).message);
    }
  };
  const onPayload = (payload: string) => {
    let a: Announcement;
    try {
      a = JSON.parse(payload) as Announcement;
    } catch {
      return; // not ours
    }
    if (!pending) {
      pending = { stock: [], signals: [] };
      setTimeout(flush, COALESCE_MS);
    }
    pending.all ||= !!a.all;
    pending.stock.push(...(a.stock ?? []));
    pending.signals.push(...(a.signals ?? []));
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

/** Current values of the announced rows, and the signals a scan moved with them (written in the same transaction). */
async function readChanges(sql: Queryable, keys: [string, string][], signalIds: string[]): Promise<ChangeEvent> {
  const id = await serverNow(sql);
  const stock = keys.length ? await stockRows(sql, keys) : [];
  const moved = keys.length
    ? await sql<{ signal_id: string }[]>`
        SELECT DISTINCT r.signal_id::text FROM replenishment_signals r
        JOIN stock_levels s ON s.item_id = r.item_id AND s.location_id = r.location_id AND r.changed_at = s.updated_at
        JOIN json_to_recordset(${sql.json(keys.map(([item_id, location_id]) => ({ item_id, location_id })) as never)}::json)
          AS k(item_id text, location_id text) ON k.item_id = s.item_id AND k.location_id = s.location_id`
    : [];
  const ids = [...new Set([...signalIds, ...moved.map((m) => m.signal_id)])];
  return { id, stock, signals: await signalsById(sql, ids), reset: false };
}

async function signalsById(sql: Queryable, ids: string[]): Promise<SignalView[]> {
  const out: SignalView[] = [];
  for (const signal_id of ids) out.push(...(await signalsQuery(sql, { status: 'all', signal_id })));
  return out;
}

async function catchUp(sql: Queryable, lastEventId: string): Promise<ChangeEvent> {
  const last = Date.parse(lastEventId);
  if (Number.isNaN(last) || Date.now() - last > CATCH_UP_MAX_AGE_S * 1000 || last > Date.now() + 60_000) return resetEvent(sql);
  const from = new Date(last - CATCH_UP_OVERLAP_S * 1000).toISOString();
  const id = await serverNow(sql);
  const keys = await sql<{ item_id: string; location_id: string }[]>`
    SELECT item_id, location_id FROM stock_levels WHERE updated_at > ${from}::timestamptz LIMIT ${CATCH_UP_MAX_ROWS + 1}`;
  const signals = await sql<{ signal_id: string }[]>`
    SELECT DISTINCT signal_id::text FROM replenishment_signals WHERE changed_at > ${from}::timestamptz LIMIT ${CATCH_UP_MAX_ROWS + 1}`;
  if (keys.length > CATCH_UP_MAX_ROWS || signals.length > 200) return { ...(await resetEvent(sql)), id };
  const stock = keys.length ? await stockRows(sql, keys.map((k) => [k.item_id, k.location_id])) : [];
  return { id, stock, signals: await signalsById(sql, signals.map((s) => s.signal_id)), reset: false };
}
