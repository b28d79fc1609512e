// Recent activity, newest first, paged by a keyset cursor so deep pages cost what the first one does.
import { z } from 'zod';
import { deviceId, itemId, locationId } from '#domain/events';
import type { Queryable } from '../../db/connect';
import { ApiError } from '../../http/errors';

export const eventsQuery = z.strictObject({
  item_id: itemId.optional(),
  location_id: locationId.optional(),
  device_id: deviceId.optional(),
  // received: as the server got them (the audit's order); captured: as they happened on the floor (an item's history)
  order: z.enum(['received', 'captured']).default('received'),
  // true: only scans whose GS1 code breaks an association rule (recorded, flagged for a supervisor)
  flagged: z.enum(['true', 'false']).optional(),
  before: z.string().max(200).optional(), // the next_cursor of the previous page
  limit: z.coerce.number().int().min(1).max(1000).default(100)
});

function decodeCursor(cursor: string, order: string): { at: string; id: string } {
  const [at, id, by = 'received'] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  // Only the shape this server writes (UTC, four-digit year): JavaScript parses years PostgreSQL refuses.
  if (
    !at ||
    !id ||
    !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$/.test(at) ||
    Number.isNaN(Date.parse(at)) ||
    !/^[0-9a-f-]{36}$/.test(id) ||
    by !== order
  )
    throw new ApiError(400, 'invalid_request', 'Invalid query: before: is not a cursor this server gave out.');
  return { at, id };
}

export async function recentEvents(sql: Queryable, q: z.infer<typeof eventsQuery>) {
  const before = q.before ? decodeCursor(q.before, q.order) : null;
  const key = q.order === 'captured' ? sql`captured_at` : sql`received_at`;
  const rows = await sql`
    SELECT event_id::text, device_id, device_seq, event_type, item_id, qty, location_id, to_location_id, expected_qty,
           station_id, barcode_raw, lot, serial, to_char(expiry, 'YYYY-MM-DD') AS expiry, source, captured_at,
           received_at, user_email, operator, packing_slip_id::text,
           voids_event_id::text, gs1_broken_rules,
           to_char(${key} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS order_key
    FROM scan_events
    WHERE true
      ${q.item_id ? sql`AND item_id = ${q.item_id}` : sql``}
      ${q.location_id ? sql`AND (location_id = ${q.location_id} OR to_location_id = ${q.location_id})` : sql``}
      ${q.device_id ? sql`AND device_id = ${q.device_id}` : sql``}
      ${q.flagged === 'true' ? sql`AND gs1_broken_rules IS NOT NULL` : sql``}
      ${before ? sql`AND (${key}, event_id) < (${before.at}::text::timestamptz, ${before.id}::uuid)` : sql``}
    ORDER BY ${key} DESC, event_id DESC
    LIMIT ${q.limit}`;
  const last = rows.length === q.limit ? rows[rows.length - 1] : null;
  return {
    rows: rows.map(({ order_key: _k, ...r }) => r),
    // Microsecond precision in the cursor (sent as text: postgres.js would round a timestamptz parameter to ms).
    next_cursor: last
      ? Buffer.from(`${last.order_key}|${last.event_id}${q.order === 'received' ? '' : `|${q.order}`}`).toString(
          'base64url'
        )
      : null
  };
}
