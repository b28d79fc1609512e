// Push: a device's batch of scan events, applied once each, in one transaction with the stock projection and the
// replenishment signals they move. Every event gets an answer; nothing stored is ever overwritten.
import { randomUUID } from 'node:crypto';
import type { Queryable, Sql } from '../db/connect';
import {
  checkEvent,
  sameContent,
  type EventResult,
  type PushRequest,
  type PushResponse,
  type ScanEvent
} from '../../src/lib/domain/events';
import { signalChange, stockDelta } from '../../src/lib/domain/stock';

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
  qty: number;
  voided: boolean;
}

const CONFLICT = 'conflict: event_id reused with different content';

export async function pushEvents(sql: Sql, req: PushRequest, ctx: PushContext): Promise<PushResponse> {
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

  if (candidates.length) await applyBatch(sql, req, candidates, results, ctx);
  else await touchDevice(sql, req, [], results.length);

  // Repeats within the batch answer like their first copy, or as a conflict when their content differs.
  req.events.forEach((raw, index) => {
    if (results[index]) return;
    const event = (checkEvent(raw) as { ok: true; event: ScanEvent }).event;
    const first = firstIndex.get(event.event_id)!;
    const firstEvent = candidates.find((c) => c.index === first)!.event;
    const firstResult = results[first]!;
    if (!sameContent(event, firstEvent)) results[index] = { event_id: event.event_id, status: 'rejected', reason: CONFLICT };
    else if (firstResult.status === 'rejected') results[index] = { ...firstResult };
    else results[index] = { event_id: event.event_id, status: 'duplicate' };
  });

  return { results: results as EventResult[], server_time: new Date().toISOString() };
}

function rawId(raw: unknown): string {
  const id = raw && typeof raw === 'object' ? (raw as Record<string, unknown>).event_id : undefined;
  return typeof id === 'string' ? id.slice(0, 64) : '';
}

async function applyBatch(
  sql: Sql,
  req: PushRequest,
  candidates: { index: number; event: ScanEvent }[],
  results: (EventResult | undefined)[],
  ctx: PushContext
): Promise<void> {
  await sql.begin(async (tx) => {
    // Batches of one device are applied one after another; retries of the same batch then see each other.
    await tx`SELECT pg_advisory_xact_lock(hashtextextended(${'device:' + req.device_id}, 0))`;

    const ids = candidates.map((c) => c.event.event_id);
    const seqs = candidates.map((c) => c.event.device_seq);
    const voidTargets = [...new Set(candidates.flatMap((c) => (c.event.voids_event_id ? [c.event.voids_event_id.toLowerCase()] : [])))];
    const itemIds = [...new Set(candidates.map((c) => c.event.item_id))];
    const locationIds = [...new Set(candidates.map((c) => c.event.location_id))];

    const [existing, targets, items, locations] = await Promise.all([
      tx<StoredEvent[]>`
        SELECT event_id::text, device_id, device_seq, event_type, item_id, qty, location_id, station_id, barcode_raw, lot,
               source, captured_at, operator, packing_slip_id::text, voids_event_id::text
        FROM scan_events
        WHERE event_id = ANY(${ids}::uuid[]) OR (device_id = ${req.device_id} AND device_seq = ANY(${seqs}::bigint[]))`,
      voidTargets.length
        ? tx<Target[]>`
            SELECT e.event_id::text, e.event_type, e.item_id, e.location_id, e.qty,
                   EXISTS (SELECT 1 FROM scan_events v WHERE v.voids_event_id = e.event_id) AS voided
            FROM scan_events e WHERE e.event_id = ANY(${voidTargets}::uuid[])`
        : Promise.resolve([] as Target[]),
      tx<{ item_id: string; reorder_point: number | null }[]>`
        SELECT item_id, reorder_point FROM items WHERE item_id = ANY(${itemIds}::text[])`,
      tx<{ location_id: string }[]>`SELECT location_id FROM locations WHERE location_id = ANY(${locationIds}::text[])`
    ]);

    const byId = new Map(existing.map((e) => [e.event_id, e]));
    const bySeq = new Map(existing.filter((e) => e.device_id === req.device_id).map((e) => [e.device_seq, e]));
    const targetById = new Map(targets.map((t) => [t.event_id, t]));
    const reorderPoint = new Map(items.map((i) => [i.item_id, i.reorder_point]));
    const knownLocations = new Set(locations.map((l) => l.location_id));
    const seqsTaken = new Set<number>();

    const accepted: ScanEvent[] = [];
    for (const { index, event } of candidates) {
      const reject = (reason: string) => (results[index] = { event_id: event.event_id, status: 'rejected', reason });
      const stored = byId.get(event.event_id);
      if (stored) {
        const same = stored.device_id === req.device_id && sameContent(event, stored);
        results[index] = same ? { event_id: event.event_id, status: 'duplicate' } : { event_id: event.event_id, status: 'rejected', reason: CONFLICT };
        continue;
      }
      const seqOwner = bySeq.get(event.device_seq);
      if (seqOwner || seqsTaken.has(event.device_seq)) {
        reject(`conflict: device_seq ${event.device_seq} is already used by ${seqOwner ? 'event ' + seqOwner.event_id : 'another event in this batch'}`);
        continue;
      }
      if (!reorderPoint.has(event.item_id) && ctx.requireKnownItems) {
        reject(`unknown item: ${event.item_id}`);
        continue;
      }
      if (event.event_type === 'VOID') {
        const problem = voidProblem(event, targetById.get(event.voids_event_id!.toLowerCase()));
        if (problem) {
          reject(problem);
          continue;
        }
        targetById.get(event.voids_event_id!.toLowerCase())!.voided = true;
      }
      targetById.set(event.event_id, { ...event, voided: false }); // a later VOID in this batch may point at it
      seqsTaken.add(event.device_seq);
      accepted.push(event);
      results[index] = { event_id: event.event_id, status: 'applied' };
    }

    await createPlaceholders(tx, accepted, reorderPoint, knownLocations, ctx.userEmail);
    const inserted = await insertEvents(tx, req.device_id, accepted, ctx.userEmail);
    // A concurrent push from another device can win an id or a void first; those answer from what is stored now.
    const lost = accepted.filter((e) => !inserted.has(e.event_id));
    if (lost.length) await answerLost(tx, req.device_id, lost, candidates, results);
    const applied = accepted.filter((e) => inserted.has(e.event_id));
    await project(tx, applied, targetById, reorderPoint, ctx.userEmail);

    const rejected = results.filter((r) => r?.status === 'rejected').length;
    await touchDevice(tx, req, applied, rejected);
  });
}

function voidProblem(event: ScanEvent, target: Target | undefined): string | null {
  if (!target) return `invalid: voids_event_id ${event.voids_event_id} is not a known event`;
  if (target.event_type === 'VOID') return 'invalid: a VOID cannot be voided';
  if (target.voided) return `invalid: event ${target.event_id} is already voided`;
  if (target.item_id !== event.item_id || target.location_id !== event.location_id || target.qty !== event.qty)
    return `invalid: a VOID must carry the item, location and qty of the event it voids (${target.item_id}, ${target.location_id}, ${target.qty})`;
  return null;
}

async function createPlaceholders(
  tx: Queryable,
  events: ScanEvent[],
  reorderPoint: Map<string, number | null>,
  knownLocations: Set<string>,
  user: string | null
) {
  // A scan made on the floor is never lost because the catalog lagged: unknown codes become placeholders.
  const newItems = [...new Set(events.map((e) => e.item_id).filter((id) => !reorderPoint.has(id)))];
  const newLocations = [...new Set(events.map((e) => e.location_id).filter((id) => !knownLocations.has(id)))];
  if (newItems.length) {
    const created = await tx<{ item_id: string }[]>`
      INSERT INTO items (item_id, placeholder, updated_by)
      SELECT id, true, ${user} FROM unnest(${newItems}::text[]) AS id
      ON CONFLICT (item_id) DO NOTHING RETURNING item_id`;
    if (created.length)
      await tx`
        INSERT INTO audit_log (actor, entity, entity_id, action, after)
        SELECT ${user}, 'item', id, 'placeholder', jsonb_build_object('item_id', id, 'placeholder', true)
        FROM unnest(${created.map((c) => c.item_id)}::text[]) AS id`;
    // Another push may have created some of them meanwhile, with a reorder point by now: read what is stored.
    const rows = await tx<{ item_id: string; reorder_point: number | null }[]>`
      SELECT item_id, reorder_point FROM items WHERE item_id = ANY(${newItems}::text[])`;
    for (const r of rows) reorderPoint.set(r.item_id, r.reorder_point);
  }
  if (newLocations.length)
    await tx`
      INSERT INTO locations (location_id, name, placeholder, updated_by)
      SELECT id, id, true, ${user} FROM unnest(${newLocations}::text[]) AS id
      ON CONFLICT (location_id) DO NOTHING`;
}

async function insertEvents(tx: Queryable, deviceId: string, events: ScanEvent[], user: string | null): Promise<Set<string>> {
  if (!events.length) return new Set();
  const rows = events.map((e) => ({
    event_id: e.event_id,
    device_id: deviceId,
    device_seq: e.device_seq,
    event_type: e.event_type,
    item_id: e.item_id,
    qty: e.qty,
    location_id: e.location_id,
    station_id: e.station_id ?? null,
    barcode_raw: e.barcode_raw ?? null,
    lot: e.lot ?? null,
    source: e.source,
    captured_at: e.captured_at,
    user_email: user,
    operator: e.operator ?? null,
    packing_slip_id: e.packing_slip_id ?? null,
    voids_event_id: e.voids_event_id?.toLowerCase() ?? null
  }));
  const inserted = await tx<{ event_id: string }[]>`
    INSERT INTO scan_events ${tx(rows)} ON CONFLICT DO NOTHING RETURNING event_id::text`;
  return new Set(inserted.map((r) => r.event_id));
}

async function answerLost(
  tx: Queryable,
  deviceId: string,
  lost: ScanEvent[],
  candidates: { index: number; event: ScanEvent }[],
  results: (EventResult | undefined)[]
) {
  const stored = await tx<StoredEvent[]>`
    SELECT event_id::text, device_id, device_seq, event_type, item_id, qty, location_id, station_id, barcode_raw, lot,
           source, captured_at, operator, packing_slip_id::text, voids_event_id::text
    FROM scan_events WHERE event_id = ANY(${lost.map((e) => e.event_id)}::uuid[])`;
  const byId = new Map(stored.map((s) => [s.event_id, s]));
  for (const e of lost) {
    const index = candidates.find((c) => c.event.event_id === e.event_id)!.index;
    const s = byId.get(e.event_id);
    results[index] = !s
      ? { event_id: e.event_id, status: 'rejected', reason: `invalid: event ${e.voids_event_id} is already voided` }
      : s.device_id === deviceId && sameContent(e, s)
        ? { event_id: e.event_id, status: 'duplicate' }
        : { event_id: e.event_id, status: 'rejected', reason: CONFLICT };
  }
}

interface Movement {
  event: ScanEvent;
  delta: number; // on hand
  intake: number; // net intake: a voided INTAKE takes its qty back out
  consume: number;
}

function movement(event: ScanEvent, targets: Map<string, Target>): Movement {
  const cancels = event.event_type === 'VOID' ? targets.get(event.voids_event_id!.toLowerCase())! : null;
  const type = (cancels ?? event).event_type as 'INTAKE' | 'CONSUME';
  const sign = cancels ? -1 : 1;
  const qty = sign * event.qty;
  return { event, delta: sign * stockDelta(type, event.qty), intake: type === 'INTAKE' ? qty : 0, consume: type === 'CONSUME' ? qty : 0 };
}

/** Moves stock_levels and the signals by the events just stored, locking each (item, location) row in one order. */
async function project(
  tx: Queryable,
  events: ScanEvent[],
  targets: Map<string, Target>,
  reorderPoint: Map<string, number | null>,
  user: string | null
) {
  if (!events.length) return;
  const byKey = new Map<string, Movement[]>();
  for (const event of events) {
    const key = event.item_id + '\u0000' + event.location_id;
    byKey.set(key, [...(byKey.get(key) ?? []), movement(event, targets)]);
  }
  const sum = (moves: Movement[], f: (m: Movement) => number) => moves.reduce((s, m) => s + f(m), 0);
  const rows = [...byKey.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, moves]) => ({
      item_id: moves[0].event.item_id,
      location_id: moves[0].event.location_id,
      on_hand: sum(moves, (m) => m.delta),
      intake_total: sum(moves, (m) => m.intake),
      consume_total: sum(moves, (m) => m.consume),
      event_count: moves.length,
      last_activity_at: moves.map((m) => m.event.captured_at).reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b))
    }));

  // One statement adds every delta and locks the rows in sorted order, so concurrent batches cannot deadlock.
  const after = await tx<{ item_id: string; location_id: string; on_hand: number; active_signal_id: string | null }[]>`
    INSERT INTO stock_levels ${tx(rows)}
    ON CONFLICT (item_id, location_id) DO UPDATE SET
      on_hand = stock_levels.on_hand + EXCLUDED.on_hand,
      intake_total = stock_levels.intake_total + EXCLUDED.intake_total,
      consume_total = stock_levels.consume_total + EXCLUDED.consume_total,
      event_count = stock_levels.event_count + EXCLUDED.event_count,
      last_activity_at = GREATEST(stock_levels.last_activity_at, EXCLUDED.last_activity_at),
      updated_at = now()
    RETURNING item_id, location_id, on_hand, active_signal_id::text`;

  // Walk each row's events in order from the on hand before them: that decides every signal change.
  const signals: SignalRow[] = [];
  const activeChanges: { item_id: string; location_id: string; active_signal_id: string | null }[] = [];
  for (const row of after) {
    const moves = byKey.get(row.item_id + '\u0000' + row.location_id)!;
    const rp = reorderPoint.get(row.item_id) ?? null;
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
    if (active !== row.active_signal_id) activeChanges.push({ item_id: row.item_id, location_id: row.location_id, active_signal_id: active });
  }
  if (signals.length) await appendSignals(tx, signals);
  for (const c of activeChanges)
    await tx`
      UPDATE stock_levels SET active_signal_id = ${c.active_signal_id}::uuid
      WHERE item_id = ${c.item_id} AND location_id = ${c.location_id}`;
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
  const complete = rows.map((r) => ({ ...r, triggered_at_qty: r.triggered_at_qty ?? opened.get(r.signal_id) ?? r.on_hand_at_change }));
  await tx`INSERT INTO replenishment_signals ${tx(complete)}`;
}

/** Records that the device was heard from, what it reported and how far its sequence has come. */
async function touchDevice(tx: Queryable, req: PushRequest, list: ScanEvent[], rejected: number): Promise<void> {
  const maxSeq = list.reduce((m, e) => Math.max(m, e.device_seq), 0);
  const offset = req.sent_at ? Date.now() - Date.parse(req.sent_at) : null;
  await tx`
    INSERT INTO devices (device_id, name, station_id, location_id, app_version, last_seq, events_received,
                         pending_reported, clock_offset_ms, rejections_total)
    VALUES (${req.device_id}, ${req.device_name ?? null}, ${req.station_id ?? null}, ${req.location_id ?? null},
            ${req.app_version ?? null}, ${maxSeq}, ${list.length}, ${req.pending_count ?? null}, ${offset}, ${rejected})
    ON CONFLICT (device_id) DO UPDATE SET
      name = COALESCE(EXCLUDED.name, devices.name),
      station_id = COALESCE(EXCLUDED.station_id, devices.station_id),
      location_id = COALESCE(EXCLUDED.location_id, devices.location_id),
      app_version = COALESCE(EXCLUDED.app_version, devices.app_version),
      last_seen_at = now(),
      last_seq = GREATEST(devices.last_seq, EXCLUDED.last_seq),
      events_received = devices.events_received + EXCLUDED.events_received,
      pending_reported = COALESCE(EXCLUDED.pending_reported, devices.pending_reported),
      clock_offset_ms = COALESCE(EXCLUDED.clock_offset_ms, devices.clock_offset_ms),
      rejections_total = devices.rejections_total + EXCLUDED.rejections_total`;
}
