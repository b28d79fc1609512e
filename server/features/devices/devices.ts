// The fleet as the server has heard from it: last contact, sequence progress and what each tablet says is waiting.
import { CONSOLE_DEVICE } from '#domain/rejections';
import type { Queryable } from '../../db/connect';

export function listDevices(sql: Queryable) {
  return sql`
    SELECT device_id, name, station_id, location_id, app_version, user_email, first_seen_at, last_seen_at,
           last_seq, events_received, last_seq - events_received AS missing_seq, pending_reported,
           clock_offset_ms, rejections_total, refilled_total, refilled_at,
           (SELECT count(*) FROM rejected_events r WHERE r.device_id = devices.device_id AND r.resolved_at IS NULL)::int AS rejected_waiting
    FROM devices
    -- received packing slips push as devices of their own, the console's corrections as one more: not tablets
    WHERE device_id NOT LIKE 'slip:%' AND device_id <> ${CONSOLE_DEVICE}
    ORDER BY last_seen_at DESC, device_id`;
}
