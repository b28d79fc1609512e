// Rejected events as the push records them: each refusal kept as sent, settled when the tablet fixed or voided it,
// and reported back once a supervisor resolved it. A file of its own, apart from the resolution (which runs a
// corrected event through the push), so that the push and the resolution do not import each other.
import type { Queryable } from '../../db/connect';
import type { ResolvedRejection, SettledOnDevice } from '#domain/events';
import { storablePayload } from '#domain/rejections';

interface Rejection {
  event_id: string;
  raw: unknown;
  reason: string;
}

/** Records each refused event as sent; a refusal seen before counts up and keeps the latest reason and payload. */
export async function recordRejections(
  tx: Queryable,
  deviceId: string,
  user: string | null,
  list: Rejection[]
): Promise<void> {
  // One row per (device, event id): a batch naming the same id twice keeps the last and counts both.
  const byId = new Map<string, { event_id: string; payload: string; reason: string; n: number }>();
  for (const r of list)
    byId.set(r.event_id, {
      event_id: r.event_id,
      payload: storablePayload(r.raw),
      reason: r.reason.slice(0, 2000),
      n: (byId.get(r.event_id)?.n ?? 0) + 1
    });
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
export async function settleOnDevice(
  tx: Queryable,
  deviceId: string,
  user: string | null,
  settled: SettledOnDevice[]
): Promise<Map<string, string>> {
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
    if (row.resolution === null)
      settle.push({ event_id: row.event_id, resolution: s.resolution, replaced_by: replacedBy });
    else if (
      row.resolution === 'corrected' &&
      s.resolution === 'resent' &&
      replacedBy &&
      replacedBy !== row.corrected_event_id
    )
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
