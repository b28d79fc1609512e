// Rejected events resolved by a supervisor: a corrected event written in its place through the push, or a dismissal
// with a reason. How the push records and settles them is in record.ts.
import type { Queryable, Sql, TransactionSql } from '../../db/connect';
import { ApiError } from '../../http/errors';
import { CONSOLE_DEVICE, correctedEvent, type RejectedEventView, type ResolveRejection } from '#domain/rejections';
import { uuid7 } from '#domain/uuid7';
import { pushEventsIn } from '../sync/push';

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
export async function resolveRejection(
  sql: Sql,
  rejectionId: string,
  body: ResolveRejection,
  user: string | null
): Promise<RejectedEventView> {
  return sql.begin(async (tx: TransactionSql) => {
    const [row] = await tx<
      RejectedEventView[]
    >`SELECT ${COLUMNS(tx)} FROM rejected_events WHERE rejection_id = ${rejectionId}::uuid FOR UPDATE`;
    if (!row) throw new ApiError(404, 'not_found', `No rejected event ${rejectionId}.`);
    if (row.resolution)
      throw new ApiError(
        409,
        'already_resolved',
        `This rejected event was already resolved (${row.resolution}) by ${row.resolved_by ?? 'someone'}.`,
        {
          resolution: row.resolution,
          resolved_by: row.resolved_by,
          resolved_at: row.resolved_at,
          corrected_event_id: row.corrected_event_id
        }
      );
    let correctedId: string | null = null;
    if (body.action === 'apply_corrected') {
      await tx`SELECT pg_advisory_xact_lock(hashtextextended(${'device:' + CONSOLE_DEVICE}, 0))`;
      const [{ seq }] = await tx<{ seq: number }[]>`
        SELECT (COALESCE(max(device_seq), 0) + 1)::int AS seq FROM scan_events WHERE device_id = ${CONSOLE_DEVICE}`;
      const event = correctedEvent(row.payload, body, { event_id: uuid7(), device_seq: seq, now: new Date() });
      // A supervisor corrects to an item the catalog knows: a typo must not become a placeholder item.
      const res = await pushEventsIn(
        tx,
        { device_id: CONSOLE_DEVICE, events: [event] },
        { userEmail: user, requireKnownItems: true }
      );
      const result = res.results[0];
      if (result.status !== 'applied')
        throw new ApiError(
          422,
          'correction_rejected',
          `The corrected event was refused: ${result.reason ?? result.status}.`,
          { reason: result.reason }
        );
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
