// Rejected events kept on the server: recorded by the push that refused them, settled by the tablet that fixed or
// voided them, or resolved by a supervisor (a corrected event written in its place, or a dismissal with a reason).
import type { Queryable, Sql, TransactionSql } from '../../db/connect';
import { ApiError } from '../../http/errors';
import type { ResolvedRejection, SettledOnDevice } from '#domain/events';
import { CONSOLE_DEVICE, correctedEvent, storablePayload, type RejectedEventView, type ResolveRejection } from '#domain/rejections';
import { uuid7 } from '#domain/uuid7';
import { pushEventsIn } from '../sync/push';

export interface Rejection {
  event_id: string;
  raw: unknown;
  reason: string;
}

/** Records each refused event as sent; a refusal seen before counts up and keeps the latest reason and payload. */
export async function recordRejections(tx: Queryable, deviceId: string, user: string | null, list: Rejection[]): Promise<void> {
  // One row per (device, event id): a batch naming the same id twice keeps the last and counts both.
  const byId = new Map<string, { event_id: string; payload: string; reason: string; n: number }>();
  for (const r of list)
    byId.set(r.event_id, { event_id: r.event_id, payload: storablePayload(r.raw), reason: r.reason.slice(0, 2000), n: (byId.get(r.event_id)?.n ?? 0) + 1 });
  await tx`
    INSERT INTO rejected_events (device_id, event_id, payload, reason, user_email, rejected_count)
    SELECT ${deviceId}, r.event_id, r.payload::jsonb, r.reason, ${user}, r.n
    FROM json_to_recordset(${tx.json([...byId.values()] as never)}::json) AS r(event_id text, payload text, reason text, n integer)
    ON CONFLICT (device_id, event_id) DO UPDATE SET
      payload = EXCLUDED.payload,
      reason = EXCLUDED.reason,
      user_email = COALESCE(EXCLUDED.user_email, rejected_events.user_email),
      last_rejected_at = now(),
      rejected_count = rejected_events.rejected_count + EXCLUDED.rejected_count`;
}

/**
 * Marks rejected events the worker settled on the tablet. A resend of one a supervisor already corrected would count
 * the same scan twice: the resent event is refused (the answer maps its id to the reason), and the tablet shows it.
 */
export async function settleOnDevice(tx: Queryable, deviceId: string, user: string | null, settled: SettledOnDevice[]): Promise<Map<string, string>> {
  const ids = settled.map((s) => s.event_id.toLowerCase());
  const current = await tx<{ event_id: string; resolution: string | null; corrected_event_id: string | null }[]>`
    SELECT event_id, resolution, corrected_event_id::text FROM rejected_events
    WHERE device_id = ${deviceId} AND event_id = ANY(${ids}::text[]) FOR UPDATE`;
  const byId = new Map(current.map((c) => [c.event_id, c]));
  const blocked = new Map<string, string>();
  const settle: { event_id: string; resolution: string; replaced_by: string | null }[] = [];
  for (const s of settled) {
    const row = byId.get(s.event_id.toLowerCase());
    const replacedBy = s.replaced_by?.toLowerCase() ?? null;
    if (!row) continue; // refused before the server kept refusals: nothing here to settle
    if (row.resolution === null) settle.push({ event_id: row.event_id, resolution: s.resolution, replaced_by: replacedBy });
    else if (row.resolution === 'corrected' && s.resolution === 'resent' && replacedBy && replacedBy !== row.corrected_event_id)
      blocked.set(
        replacedBy,
        `conflict: a supervisor already corrected the rejected scan ${row.event_id} (as event ${row.corrected_event_id}); void this one if it is the same scan`
      );
  }
  if (settle.length)
    await tx`
      UPDATE rejected_events r SET resolved_at = now(), resolved_by = ${user ?? 'device:' + deviceId}, resolution = s.resolution,
        resolution_note = 'settled on the tablet', corrected_event_id = s.replaced_by
      FROM json_to_recordset(${tx.json(settle as never)}::json) AS s(event_id text, resolution text, replaced_by uuid)
      WHERE r.device_id = ${deviceId} AND r.event_id = s.event_id`;
  return blocked;
}

/** Of the rejected events a tablet still holds, those resolved here: the tablet clears them from "needs attention". */
export async function resolvedFor(tx: Queryable, deviceId: string, waiting: string[]): Promise<ResolvedRejection[]> {
  if (!waiting.length) return [];
  const rows = await tx<(Omit<ResolvedRejection, 'resolved_at'> & { resolved_at: Date })[]>`
    SELECT event_id, resolution, resolution_note AS note, resolved_at, resolved_by, corrected_event_id::text
    FROM rejected_events
    WHERE device_id = ${deviceId} AND event_id = ANY(${waiting.map((w) => w.toLowerCase())}::text[]) AND resolved_at IS NOT NULL`;
  return rows.map((r) => ({ ...r, resolved_at: r.resolved_at.toISOString() }));
}

const COLUMNS = (sql: Queryable) => sql`
  rejection_id::text, device_id, event_id, payload, reason, user_email, first_rejected_at, last_rejected_at, rejected_count,
  resolved_at, resolved_by, resolution, resolution_note, corrected_event_id::text`;

export function listRejections(sql: Queryable, f: { status: 'waiting' | 'resolved' | 'all'; device_id?: string }) {
  return sql<RejectedEventView[]>`
    SELECT ${COLUMNS(sql)} FROM rejected_events
    WHERE true
      ${f.status === 'waiting' ? sql`AND resolved_at IS NULL` : f.status === 'resolved' ? sql`AND resolved_at IS NOT NULL` : sql``}
      ${f.device_id ? sql`AND device_id = ${f.device_id}` : sql``}
    ORDER BY (resolved_at IS NULL) DESC, COALESCE(resolved_at, first_rejected_at) DESC, rejection_id
    LIMIT 1000`;
}

/**
 * A supervisor's resolution, in one transaction: the corrected event goes in through the same push as a tablet's
 * (stock, signals, live feed), written as the console's device and linked from the rejected row; or a dismissal.
 * Already resolved: 409 with what was decided. A corrected event the push refuses: 422 and nothing changes.
 */
export async function resolveRejection(sql: Sql, rejectionId: string, body: ResolveRejection, user: string | null): Promise<RejectedEventView> {
  return sql.begin(async (tx: TransactionSql) => {
    const [row] = await tx<RejectedEventView[]>`SELECT ${COLUMNS(tx)} FROM rejected_events WHERE rejection_id = ${rejectionId}::uuid FOR UPDATE`;
    if (!row) throw new ApiError(404, 'not_found', `No rejected event ${rejectionId}.`);
    if (row.resolution)
      throw new ApiError(409, 'already_resolved', `This rejected event was already resolved (${row.resolution}) by ${row.resolved_by ?? 'someone'}.`, {
        resolution: row.resolution,
        resolved_by: row.resolved_by,
        resolved_at: row.resolved_at,
        corrected_event_id: row.corrected_event_id
      });
    let correctedId: string | null = null;
    if (body.action === 'apply_corrected') {
      await tx`SELECT pg_advisory_xact_lock(hashtextextended(${'device:' + CONSOLE_DEVICE}, 0))`;
      const [{ seq }] = await tx<{ seq: number }[]>`
        SELECT (COALESCE(max(device_seq), 0) + 1)::int AS seq FROM scan_events WHERE device_id = ${CONSOLE_DEVICE}`;
      const event = correctedEvent(row.payload, body, { event_id: uuid7(), device_seq: seq, now: new Date() });
      // A supervisor corrects to an item the catalog knows: a typo must not become a placeholder item.
      const res = await pushEventsIn(tx, { device_id: CONSOLE_DEVICE, events: [event] }, { userEmail: user, requireKnownItems: true });
      const result = res.results[0];
      if (result.status !== 'applied')
        throw new ApiError(422, 'correction_rejected', `The corrected event was refused: ${result.reason ?? result.status}.`, { reason: result.reason });
      correctedId = event.event_id;
    }
    const resolution = body.action === 'apply_corrected' ? 'corrected' : 'dismissed';
    const [after] = await tx<RejectedEventView[]>`
      UPDATE rejected_events SET resolved_at = now(), resolved_by = ${user}, resolution = ${resolution},
        resolution_note = ${body.note ?? null}, corrected_event_id = ${correctedId}
      WHERE rejection_id = ${rejectionId}::uuid
      RETURNING ${COLUMNS(tx)}`;
    await tx`
      INSERT INTO audit_log (actor, entity, entity_id, action, before, after)
      VALUES (${user}, 'rejected_event', ${rejectionId}, ${resolution},
              ${tx.json({ device_id: row.device_id, event_id: row.event_id, reason: row.reason } as never)},
              ${tx.json({ resolution, note: body.note ?? null, corrected_event_id: correctedId } as never)})`;
    return after;
  });
}
