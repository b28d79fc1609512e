// Push: a device's batch of scan events, applied once each, in one transaction with the stock projection and the
// replenishment signals they move. Every event gets an answer; nothing stored is ever overwritten.
import { randomUUID } from 'node:crypto';
import type { Queryable, Sql, TransactionSql } from '../../db/connect';
import { announce } from '../live/changes';
import { recordRejections, resolvedFor, settleOnDevice } from '../rejections/record';
import { noteLotExpiries } from './lot-expiries';
import {
  checkEvent,
  sameContent,
  type EventResult,
  type PushRequest,
  type PushResponse,
  type ScanEvent
} from '#domain/events';
import { brokenRules } from '#domain/barcode';
import { countAdjustment, signalChange, stockEffects } from '#domain/stock';

export interface PushContext {
  userEmail: string | null;
  requireKnownItems: boolean;
}

interface StoredEvent extends ScanEvent {
  device_id: string;
}

interface Target {
  event_id: string;
  event_type: ScanEvent['event_type'];
  item_id: string;
  location_id: string;
  to_location_id?: string | null;
  qty: number;
  voided: boolean;
}

const CONFLICT = 'conflict: event_id reused with different content';

export async function pushEvents(sql: Sql, req: PushRequest, ctx: PushContext): Promise<PushResponse> {
  return sql.begin((tx) => pushEventsIn(tx, req, ctx));
}

/**
 * The push inside a transaction the caller holds: the console's corrected events go in with the resolution they
 * complete. Every rejection answered is recorded (rejected_events) in this same transaction.
 */
export async function pushEventsIn(tx: TransactionSql, req: PushRequest, ctx: PushContext): Promise<PushResponse> {
  const results: (EventResult | undefined)[] = new Array(req.events.length);
  const firstIndex = new Map<string, number>(); // event_id -> first position in this batch
  const candidates: { index: number; event: ScanEvent }[] = [];

  req.events.forEach((raw, index) => {
    const checked = checkEvent(raw);
    if (!checked.ok) {
      results[index] = { event_id: rawId(raw), status: 'rejected', reason: checked.reason };
      return;
    }
    const id = checked.event.event_id;
    if (firstIndex.has(id)) return; // answered after the first copy's fate is known
    firstIndex.set(id, index);
    candidates.push({ index, event: checked.event });
  });

  // Batches of one device are applied one after another; retries of the same batch then see each other.
  await tx`SELECT pg_advisory_xact_lock(hashtextextended(${'device:' + req.device_id}, 0))`;
  const serverMaxSeq = await highestSeq(tx, req.device_id);
  const blocked = req.settled_on_device?.length
    ? await settleOnDevice(tx, req.device_id, ctx.userEmail, req.settled_on_device)
    : new Map<string, string>();
  const { applied, stored } = candidates.length
    ? await applyBatch(tx, req, candidates, results, ctx, blocked)
    : { applied: [], stored: new Map() };

  // Repeats within the batch answer like their first copy, or as a conflict when their content differs.
  req.events.forEach((raw, index) => {
    if (results[index]) return;
    const event = (checkEvent(raw) as { ok: true; event: ScanEvent }).event;
    const first = firstIndex.get(event.event_id)!;
    const firstEvent = candidates.find((c) => c.index === first)!.event;
    const firstResult = results[first]!;
    if (!sameContent(event, firstEvent))
      results[index] = { event_id: event.event_id, status: 'rejected', reason: CONFLICT };
    else if (firstResult.status === 'rejected') results[index] = { ...firstResult };
    else results[index] = { event_id: event.event_id, status: 'duplicate' };
  });

  const rejected = (results as EventResult[]).flatMap((r, i) =>
    r.status === 'rejected' ? [{ event_id: r.event_id, raw: req.events[i], reason: r.reason ?? 'rejected' }] : []
  );
  if (rejected.length) await recordRejections(tx, req.device_id, ctx.userEmail, rejected);
  await touchDevice(tx, req, ctx.userEmail, applied, rejected.length);
  await noteLotExpiries(tx, applied);
  const resolved = req.rejected_waiting ? await resolvedFor(tx, req.device_id, req.rejected_waiting) : undefined;
  // The stock rows go last: their locks are the ones other devices' pushes wait for, and they are held to the commit.
  const { signalIds, rows } = await project(tx, applied, stored, ctx.userEmail);
  await announce(tx, rows, signalIds);
  return {
    results: results as EventResult[],
    server_time: new Date().toISOString(),
    server_max_seq: serverMaxSeq,
    ...(resolved ? { resolved } : {})
  };
}

/** The highest device_seq stored for the device (0: none), read under its lock: one probe of (device_id, device_seq). */
async function highestSeq(tx: Queryable, deviceId: string): Promise<number> {
  const [row] = await tx<{ seq: string | number }[]>`
    SELECT device_seq AS seq FROM scan_events WHERE device_id = ${deviceId} ORDER BY device_seq DESC LIMIT 1`;
  return row ? Number(row.seq) : 0;
}

function rawId(raw: unknown): string {
  const id = raw && typeof raw === 'object' ? (raw as Record<string, unknown>).event_id : undefined;
  return typeof id === 'string' ? id.slice(0, 64) : '';
}

type Candidate = { index: number; event: ScanEvent };

/**
 * Stores the batch's events; the caller moves the stock by those that landed. The common case is a batch of new
 * events, so they go straight in (insertOrExplain says how the others are explained). VOIDs go second, once the
 * events they may point at in this batch are known to be stored.
 */
async function applyBatch(
  tx: TransactionSql,
  req: PushRequest,
  candidates: Candidate[],
  results: (EventResult | undefined)[],
  ctx: PushContext,
  blocked: Map<string, string>
): Promise<{ applied: ScanEvent[]; stored: Map<string, Target> }> {
  const reject = (c: Candidate, reason: string) =>
    (results[c.index] = { event_id: c.event.event_id, status: 'rejected', reason });

  const unknown = ctx.requireKnownItems ? await unknownItems(tx, candidates) : new Set<string>();
  const seqsTaken = new Set<number>();
  const scans: Candidate[] = [];
  const voids: Candidate[] = [];
  for (const c of candidates) {
    if (blocked.has(c.event.event_id)) reject(c, blocked.get(c.event.event_id)!);
    else if (seqsTaken.has(c.event.device_seq))
      reject(c, `conflict: device_seq ${c.event.device_seq} is used twice in this batch`);
    else if (unknown.has(c.event.item_id)) reject(c, `unknown item: ${c.event.item_id}`);
    else {
      seqsTaken.add(c.event.device_seq);
      (c.event.event_type === 'VOID' ? voids : scans).push(c);
    }
  }

  const stored = new Map<string, Target>(); // events of this batch now in the table, by id
  for (const c of await insertOrExplain(tx, req.device_id, scans, results, ctx.userEmail))
    stored.set(c.event.event_id, { ...c.event, voided: false });

  if (voids.length) {
    const targets = await voidTargets(tx, voids, stored);
    const valid: Candidate[] = [];
    const voidedHere = new Set<string>();
    for (const c of voids) {
      const target = targets.get(c.event.voids_event_id!.toLowerCase());
      // A target already voided in the table may have been voided by this very VOID, sent again after a lost
      // answer: the insert tells that retry ('duplicate') from a second VOID ('already voided').
      const retry = target?.voided === true && !voidedHere.has(target.event_id);
      const problem = voidProblem(c, retry ? { ...target!, voided: false } : target, candidates);
      if (problem) reject(c, problem);
      else {
        target!.voided = true;
        voidedHere.add(target!.event_id);
        targets.set(c.event.event_id, { ...c.event, voided: false }); // so a later VOID of this VOID is refused
        valid.push(c);
      }
    }
    for (const c of await insertOrExplain(tx, req.device_id, valid, results, ctx.userEmail))
      stored.set(c.event.event_id, { ...c.event, voided: false });
    for (const [id, t] of targets) if (!stored.has(id)) stored.set(id, t);
  }

  // Stock moves in the order the device recorded its scans.
  const applied = candidates.filter((c) => results[c.index]?.status === 'applied').map((c) => c.event);
  return { applied, stored };
}

async function unknownItems(tx: Queryable, candidates: Candidate[]): Promise<Set<string>> {
  const ids = [...new Set(candidates.map((c) => c.event.item_id))];
  const known = await tx<{ item_id: string }[]>`SELECT item_id FROM items WHERE item_id = ANY(${ids}::text[])`;
  const have = new Set(known.map((k) => k.item_id));
  return new Set(ids.filter((id) => !have.has(id)));
}

/** The events a batch's VOIDs point at: from this batch where stored, else from the table. */
async function voidTargets(
  tx: Queryable,
  voids: Candidate[],
  stored: Map<string, Target>
): Promise<Map<string, Target>> {
  const targets = new Map<string, Target>();
  const wanted = [...new Set(voids.map((c) => c.event.voids_event_id!.toLowerCase()))];
  for (const id of wanted) if (stored.has(id)) targets.set(id, stored.get(id)!);
  const missing = wanted.filter((id) => !targets.has(id));
  if (missing.length) {
    const rows = await tx<Target[]>`
      SELECT e.event_id::text, e.event_type, e.item_id, e.location_id, e.to_location_id, e.qty,
             EXISTS (SELECT 1 FROM scan_events v WHERE v.voids_event_id = e.event_id) AS voided
      FROM scan_events e WHERE e.event_id = ANY(${missing}::uuid[])`;
    for (const r of rows) targets.set(r.event_id, r);
  }
  return targets;
}

function voidProblem(c: Candidate, target: Target | undefined, batch: Candidate[]): string | null {
  const e = c.event;
  const later = batch.find((b) => b.event.event_id === e.voids_event_id!.toLowerCase() && b.index > c.index);
  if (later) return 'invalid: a VOID must come after the event it voids';
  if (!target) return `invalid: voids_event_id ${e.voids_event_id} is not a known event`;
  if (target.event_type === 'VOID') return 'invalid: a VOID cannot be voided';
  // A count is what was found on the shelf: a wrong one is put right by counting again, not by taking it back.
  if (target.event_type === 'COUNT') return 'invalid: a COUNT cannot be voided: count the part again';
  if (target.voided) return `invalid: event ${target.event_id} is already voided`;
  if (target.item_id !== e.item_id || target.location_id !== e.location_id || target.qty !== e.qty)
    return `invalid: a VOID must carry the item, location and qty of the event it voids (${target.item_id}, ${target.location_id}, ${target.qty})`;
  return null;
}

/**
 * Inserts the events; answers `applied` for those that landed and explains the others. Returns those that landed.
 * One statement: a scan made on the floor is never lost because the catalog lagged, so unknown codes become
 * placeholders (and their audit rows) in the same statement, ahead of the events' foreign-key checks, which run at
 * its end and see them. What is already stored is skipped (ON CONFLICT DO NOTHING), so no error can abort the
 * transaction and no savepoint is needed. The usual push lands whole and the answer is one NULL; otherwise it is the
 * ids that landed, and explain() says why the others did not.
 */
async function insertOrExplain(
  tx: TransactionSql,
  deviceId: string,
  batch: Candidate[],
  results: (EventResult | undefined)[],
  user: string | null
): Promise<Candidate[]> {
  if (!batch.length) return [];
  const columns = eventColumns(batch);
  // Sorted: two pushes creating the same placeholders take their locks in the same order.
  const itemIds = [...new Set(columns.item_id)].sort();
  const locationIds = [
    ...new Set([...columns.location_id, ...columns.to_location_id.filter((l): l is string => l !== null)])
  ].sort();
  const [{ landed }] = await tx<{ landed: string[] | null }[]>`
    WITH new_items AS (
      INSERT INTO items (item_id, placeholder, updated_by)
      SELECT id, true, ${user}::text FROM unnest(${itemIds}::text[]) AS id
      WHERE NOT EXISTS (SELECT 1 FROM items i WHERE i.item_id = id)
      ON CONFLICT (item_id) DO NOTHING RETURNING item_id),
    new_locations AS (
      INSERT INTO locations (location_id, name, placeholder, updated_by)
      SELECT id, id, true, ${user}::text FROM unnest(${locationIds}::text[]) AS id
      WHERE NOT EXISTS (SELECT 1 FROM locations l WHERE l.location_id = id)
      ON CONFLICT (location_id) DO NOTHING),
    audit AS (
      INSERT INTO audit_log (actor, entity, entity_id, action, after)
      SELECT ${user}::text, 'item', item_id, 'placeholder', jsonb_build_object('item_id', item_id, 'placeholder', true)
      FROM new_items),
    stored AS (
      INSERT INTO scan_events ${eventRows(tx, deviceId, user, columns)} ON CONFLICT DO NOTHING RETURNING event_id)
    SELECT CASE WHEN count(*) = ${batch.length}::bigint THEN NULL ELSE coalesce(array_agg(event_id::text), '{}') END AS landed
    FROM stored`;
  const ids = landed ? new Set(landed) : null;
  const lost = ids ? batch.filter((c) => !ids.has(c.event.event_id)) : [];
  if (lost.length) await explain(tx, deviceId, lost, results);
  const kept = ids ? batch.filter((c) => ids.has(c.event.event_id)) : batch;
  for (const c of kept) results[c.index] = { event_id: c.event.event_id, status: 'applied' };
  return kept;
}

/**
 * The batch as one array per column. postgres.js then sends 16 parameters in all instead of 16 per event (8,000 for a
 * full batch): half the server's CPU to encode, and nothing more for PostgreSQL to read.
 */
function eventColumns(batch: Candidate[]) {
  const col = <T>(f: (e: ScanEvent) => T) => batch.map((c) => f(c.event));
  return {
    event_id: col((e) => e.event_id),
    device_seq: col((e) => e.device_seq),
    event_type: col((e) => e.event_type),
    item_id: col((e) => e.item_id),
    qty: col((e) => e.qty),
    location_id: col((e) => e.location_id),
    to_location_id: col((e) => e.to_location_id ?? null),
    expected_qty: col((e) => e.expected_qty ?? null),
    station_id: col((e) => e.station_id ?? null),
    barcode_raw: col((e) => e.barcode_raw ?? null),
    lot: col((e) => e.lot ?? null),
    serial: col((e) => e.serial ?? null),
    expiry: col((e) => e.expiry ?? null),
    source: col((e) => e.source),
    captured_at: col((e) => e.captured_at),
    operator: col((e) => e.operator ?? null),
    packing_slip_id: col((e) => e.packing_slip_id ?? null),
    voids_event_id: col((e) => e.voids_event_id?.toLowerCase() ?? null),
    // Derived, not sent: the GS1 association rules the code breaks, one per line (unnest cannot carry text[][]).
    gs1_broken_rules: col((e) => brokenRules(e.barcode_raw, new Date(e.captured_at))?.join('\n') ?? null)
  };
}

/** The column list and rows of an insert into scan_events, from eventColumns. */
function eventRows(q: Queryable, deviceId: string, user: string | null, c: ReturnType<typeof eventColumns>) {
  return q`(event_id, device_id, device_seq, event_type, item_id, qty, location_id, to_location_id, expected_qty,
              station_id, barcode_raw, lot, serial, expiry, source, captured_at, user_email, operator, packing_slip_id,
              voids_event_id, gs1_broken_rules)
    SELECT e.event_id, ${deviceId}, e.device_seq, e.event_type, e.item_id, e.qty, e.location_id, e.to_location_id,
           e.expected_qty, e.station_id, e.barcode_raw, e.lot, e.serial, e.expiry, e.source, e.captured_at, ${user}::text,
           e.operator, e.packing_slip_id, e.voids_event_id, string_to_array(e.gs1_broken_rules, E'\n')
    FROM unnest(${c.event_id}::uuid[], ${c.device_seq}::bigint[], ${c.event_type}::text[], ${c.item_id}::text[],
                ${c.qty}::int[], ${c.location_id}::text[], ${c.to_location_id}::text[], ${c.expected_qty}::bigint[],
                ${c.station_id}::text[], ${c.barcode_raw}::text[], ${c.lot}::text[], ${c.serial}::text[],
                ${c.expiry}::date[], ${c.source}::text[],
                ${c.captured_at}::timestamptz[], ${c.operator}::text[], ${c.packing_slip_id}::uuid[],
                ${c.voids_event_id}::uuid[], ${c.gs1_broken_rules}::text[])
      AS e(event_id, device_seq, event_type, item_id, qty, location_id, to_location_id, expected_qty, station_id,
           barcode_raw, lot, serial, expiry, source, captured_at, operator, packing_slip_id, voids_event_id,
           gs1_broken_rules)`;
}

/** Why events did not land: already stored (a retry, or a reused id), a sequence number in use, or a VOID that lost. */
async function explain(tx: Queryable, deviceId: string, lost: Candidate[], results: (EventResult | undefined)[]) {
  const stored = await tx<StoredEvent[]>`
    SELECT event_id::text, device_id, device_seq, event_type, item_id, qty, location_id, to_location_id,
           expected_qty, station_id, barcode_raw, lot, serial, expiry::text, source, captured_at, operator,
           packing_slip_id::text, voids_event_id::text
    FROM scan_events WHERE event_id = ANY(${lost.map((c) => c.event.event_id)}::uuid[])
    UNION ALL
    SELECT event_id::text, device_id, device_seq, event_type, item_id, qty, location_id, to_location_id,
           expected_qty, station_id, barcode_raw, lot, serial, expiry::text, source, captured_at, operator,
           packing_slip_id::text, voids_event_id::text
    FROM scan_events WHERE device_id = ${deviceId} AND device_seq = ANY(${lost.map((c) => c.event.device_seq)}::bigint[])`;
  const byId = new Map(stored.map((s) => [s.event_id, s]));
  const bySeq = new Map(stored.filter((s) => s.device_id === deviceId).map((s) => [s.device_seq, s]));
  for (const { index, event: e } of lost) {
    const same = byId.get(e.event_id);
    const seqOwner = bySeq.get(e.device_seq);
    results[index] = same
      ? same.device_id === deviceId && sameContent(e, same)
        ? { event_id: e.event_id, status: 'duplicate' }
        : { event_id: e.event_id, status: 'rejected', reason: CONFLICT }
      : seqOwner
        ? {
            event_id: e.event_id,
            status: 'rejected',
            reason: `conflict: device_seq ${e.device_seq} is already used by event ${seqOwner.event_id}`
          }
        : { event_id: e.event_id, status: 'rejected', reason: `invalid: event ${e.voids_event_id} is already voided` };
  }
}

interface Movement {
  event: ScanEvent;
  item_id: string;
  location_id: string;
  delta: number; // on hand; a COUNT's is known once its row is locked (countDeltas)
  intake: number; // net intake: a voided INTAKE takes its qty back out
  consume: number;
}

/** Every stock row one event moves: a MOVE (and the VOID of one) moves two. */
function movements(event: ScanEvent, targets: Map<string, Target>): Movement[] {
  const cancels = event.event_type === 'VOID' ? targets.get(event.voids_event_id!.toLowerCase())! : null;
  const type = (cancels ?? event).event_type;
  const sign = cancels ? -1 : 1;
  const base = { event, item_id: event.item_id, intake: 0, consume: 0 };
  if (type === 'COUNT') return [{ ...base, location_id: event.location_id, delta: 0 }];
  return stockEffects({ ...(cancels ?? event), qty: event.qty }).map((x) => ({
    ...base,
    location_id: x.location_id,
    delta: sign * x.delta,
    intake: type === 'INTAKE' ? sign * event.qty : 0,
    consume: type === 'CONSUME' ? sign * event.qty : 0
  }));
}

/**
 * A COUNT sets on hand to what was counted, so its delta is counted minus the on hand it meets: the stored on hand
 * plus this batch's earlier moves of the row. The rows are created if missing and locked first, in the one order
 * every push locks them in, so what is read cannot change before the commit. Answers the adjustments to record.
 */
async function countDeltas(tx: Queryable, groups: Movement[][]) {
  const ordered = [...groups].sort((a, b) => compareKeys(a[0], b[0]));
  const items = ordered.map((m) => m[0].item_id);
  const locations = ordered.map((m) => m[0].location_id);
  await tx`
    INSERT INTO stock_levels (item_id, location_id)
    SELECT * FROM unnest(${items}::text[], ${locations}::text[]) AS r(item_id, location_id)
    ORDER BY item_id, location_id
    ON CONFLICT (item_id, location_id) DO NOTHING`;
  const locked = await tx<{ item_id: string; location_id: string; on_hand: number }[]>`
    SELECT s.item_id, s.location_id, s.on_hand FROM stock_levels s
    JOIN unnest(${items}::text[], ${locations}::text[]) AS r(item_id, location_id) USING (item_id, location_id)
    ORDER BY s.item_id, s.location_id
    FOR UPDATE OF s`;
  const onHand = new Map(locked.map((r) => [r.item_id + '\u0000' + r.location_id, r.on_hand]));
  const adjustments: CountAdjustment[] = [];
  for (const moves of ordered) {
    let now = onHand.get(moves[0].item_id + '\u0000' + moves[0].location_id) ?? 0;
    for (const m of moves) {
      if (m.event.event_type === 'COUNT') {
        m.delta = countAdjustment(m.event.qty, now);
        adjustments.push({
          event_id: m.event.event_id,
          item_id: m.item_id,
          location_id: m.location_id,
          counted: m.event.qty,
          expected: m.event.expected_qty ?? 0,
          on_hand_before: now,
          adjustment: m.delta
        });
      }
      now += m.delta;
    }
  }
  return adjustments;
}

interface CountAdjustment {
  event_id: string;
  item_id: string;
  location_id: string;
  counted: number;
  expected: number;
  on_hand_before: number;
  adjustment: number;
}

const compareKeys = (a: Movement, b: Movement) =>
  a.item_id < b.item_id
    ? -1
    : a.item_id > b.item_id
      ? 1
      : a.location_id < b.location_id
        ? -1
        : a.location_id > b.location_id
          ? 1
          : 0;

/**
 * Moves stock_levels and the signals by the events just stored, locking each (item, location) row in one order.
 * Answers the signals it opened or fulfilled, for the live feed (a later push to the same row must not hide them),
 * and every row it moved.
 */
async function project(
  tx: Queryable,
  events: ScanEvent[],
  targets: Map<string, Target>,
  user: string | null
): Promise<{ signalIds: string[]; rows: [string, string][] }> {
  if (!events.length) return { signalIds: [], rows: [] };
  const byKey = new Map<string, Movement[]>();
  for (const event of events)
    for (const m of movements(event, targets)) {
      const key = m.item_id + '\u0000' + m.location_id;
      const moves = byKey.get(key);
      if (moves) moves.push(m);
      else byKey.set(key, [m]);
    }
  const sum = (moves: Movement[], f: (m: Movement) => number) => moves.reduce((s, m) => s + f(m), 0);
  const groups = [...byKey.values()];
  const col = <T>(f: (moves: Movement[]) => T) => groups.map(f);
  const adjustments = events.some((e) => e.event_type === 'COUNT') ? await countDeltas(tx, groups) : [];

  // One statement adds every delta and locks the rows in one order, so concurrent batches cannot deadlock.
  const after = await tx<
    {
      item_id: string;
      location_id: string;
      on_hand: number;
      active_signal_id: string | null;
      reorder_point: number | null;
    }[]
  >`
    WITH up AS (
    INSERT INTO stock_levels (item_id, location_id, on_hand, intake_total, consume_total, event_count, last_activity_at)
    SELECT * FROM unnest(
      ${col((m) => m[0].item_id)}::text[], ${col((m) => m[0].location_id)}::text[],
      ${col((m) => sum(m, (x) => x.delta))}::bigint[], ${col((m) => sum(m, (x) => x.intake))}::bigint[],
      ${col((m) => sum(m, (x) => x.consume))}::bigint[], ${col((m) => m.length)}::bigint[],
      ${col((m) => m.map((x) => x.event.captured_at).reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b)))}::timestamptz[]
    ) AS r(item_id, location_id, on_hand, intake_total, consume_total, event_count, last_activity_at)
    ORDER BY item_id, location_id
    ON CONFLICT (item_id, location_id) DO UPDATE SET
      on_hand = stock_levels.on_hand + EXCLUDED.on_hand,
      intake_total = stock_levels.intake_total + EXCLUDED.intake_total,
      consume_total = stock_levels.consume_total + EXCLUDED.consume_total,
      event_count = stock_levels.event_count + EXCLUDED.event_count,
      last_activity_at = GREATEST(stock_levels.last_activity_at, EXCLUDED.last_activity_at),
      updated_at = now()
    RETURNING item_id, location_id, on_hand, active_signal_id)
    SELECT up.item_id, up.location_id, up.on_hand, up.active_signal_id::text, i.reorder_point
    FROM up JOIN items i USING (item_id)`;
  if (adjustments.length) await tx`INSERT INTO count_adjustments ${tx(adjustments)}`;

  // Walk each row's events in order from the on hand before them: that decides every signal change.
  const signals: SignalRow[] = [];
  const activeChanges: { item_id: string; location_id: string; active_signal_id: string | null }[] = [];
  for (const row of after) {
    const moves = byKey.get(row.item_id + '\u0000' + row.location_id)!;
    const rp = row.reorder_point;
    let onHand = row.on_hand - sum(moves, (m) => m.delta);
    let active = row.active_signal_id;
    for (const { event, delta } of moves) {
      const change = signalChange(onHand, onHand + delta, rp, active !== null);
      onHand += delta;
      if (change === 'open') active = randomUUID();
      if (change)
        signals.push({
          signal_id: active!,
          item_id: row.item_id,
          location_id: row.location_id,
          state: change === 'open' ? 'OPEN' : 'FULFILLED',
          triggered_at_qty: change === 'open' ? onHand : null,
          on_hand_at_change: onHand,
          reorder_point: rp,
          event_id: event.event_id,
          changed_by: user
        });
      if (change === 'fulfil') active = null;
    }
    if (active !== row.active_signal_id)
      activeChanges.push({ item_id: row.item_id, location_id: row.location_id, active_signal_id: active });
  }
  if (signals.length) await appendSignals(tx, signals);
  if (activeChanges.length)
    await tx`
      UPDATE stock_levels s SET active_signal_id = c.active_signal_id
      FROM json_to_recordset(${tx.json(activeChanges as never)}::json) AS c(item_id text, location_id text, active_signal_id uuid)
      WHERE s.item_id = c.item_id AND s.location_id = c.location_id`;
  return {
    signalIds: [...new Set(signals.map((s) => s.signal_id))],
    rows: groups.map((m) => [m[0].item_id, m[0].location_id])
  };
}

interface SignalRow {
  signal_id: string;
  item_id: string;
  location_id: string;
  state: 'OPEN' | 'ACKNOWLEDGED' | 'FULFILLED';
  triggered_at_qty: number | null; // null: carry over from the signal's OPEN row
  on_hand_at_change: number;
  reorder_point: number | null;
  event_id: string | null;
  changed_by: string | null;
}

/** Appends lifecycle rows in the order given; rows after the first carry their signal's triggered_at_qty. */
export async function appendSignals(tx: Queryable, rows: SignalRow[]) {
  const carry = [...new Set(rows.filter((r) => r.triggered_at_qty === null).map((r) => r.signal_id))];
  const opened = new Map(rows.filter((r) => r.state === 'OPEN').map((r) => [r.signal_id, r.triggered_at_qty]));
  if (carry.some((id) => !opened.has(id))) {
    const stored = await tx<{ signal_id: string; triggered_at_qty: number }[]>`
      SELECT DISTINCT ON (signal_id) signal_id::text, triggered_at_qty FROM replenishment_signals
      WHERE signal_id = ANY(${carry}::uuid[]) ORDER BY signal_id, row_id`;
    for (const s of stored) opened.set(s.signal_id, s.triggered_at_qty);
  }
  const complete = rows.map((r) => ({
    ...r,
    triggered_at_qty: r.triggered_at_qty ?? opened.get(r.signal_id) ?? r.on_hand_at_change
  }));
  await tx`INSERT INTO replenishment_signals ${tx(complete)}`;
}

/** What the tablet still holds unsent once this batch is answered: its count was taken before the batch, and every
 *  event of the batch is answered here (applied, duplicate or rejected), so none of them is pending any more. */
const unsentAfter = (req: PushRequest): number | null =>
  req.pending_count === undefined ? null : Math.max(0, req.pending_count - req.events.length);

/** Records that the device was heard from, what it reported and how far its sequence has come. */
async function touchDevice(
  tx: Queryable,
  req: PushRequest,
  user: string | null,
  list: ScanEvent[],
  rejected: number
): Promise<void> {
  const maxSeq = list.reduce((m, e) => Math.max(m, e.device_seq), 0);
  const offset = req.sent_at ? Date.now() - Date.parse(req.sent_at) : null;
  const refilled = req.refilled ?? 0;
  await tx`
    INSERT INTO devices (device_id, name, station_id, location_id, app_version, user_email, last_seq, events_received,
                         pending_reported, clock_offset_ms, rejections_total, refilled_total, refilled_at)
    VALUES (${req.device_id}, ${req.device_name ?? null}, ${req.station_id ?? null}, ${req.location_id ?? null},
            ${req.app_version ?? null}, ${user}, ${maxSeq}, ${list.length}, ${unsentAfter(req)}, ${offset}, ${rejected},
            ${refilled}, ${refilled > 0 ? new Date() : null})
    ON CONFLICT (device_id) DO UPDATE SET
      name = COALESCE(EXCLUDED.name, devices.name),
      station_id = COALESCE(EXCLUDED.station_id, devices.station_id),
      location_id = COALESCE(EXCLUDED.location_id, devices.location_id),
      app_version = COALESCE(EXCLUDED.app_version, devices.app_version),
      user_email = COALESCE(EXCLUDED.user_email, devices.user_email),
      last_seen_at = now(),
      last_seq = GREATEST(devices.last_seq, EXCLUDED.last_seq),
      events_received = devices.events_received + EXCLUDED.events_received,
      pending_reported = COALESCE(EXCLUDED.pending_reported, devices.pending_reported),
      clock_offset_ms = COALESCE(EXCLUDED.clock_offset_ms, devices.clock_offset_ms),
      rejections_total = devices.rejections_total + EXCLUDED.rejections_total,
      refilled_total = devices.refilled_total + EXCLUDED.refilled_total,
      refilled_at = COALESCE(EXCLUDED.refilled_at, devices.refilled_at)`;
}
