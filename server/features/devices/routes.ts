// The fleet as the server has heard from it: last contact, sequence progress and what each tablet says is waiting.
import { Hono } from 'hono';
import { supervisorOnly, type Env } from '../../http/auth';
import type { Deps } from '../../deps';
import { CONSOLE_DEVICE } from '#domain/rejections';

export function deviceRoutes({ sql }: Deps) {
  return new Hono<Env>().get('/', supervisorOnly, async (c) => {
    const rows = await sql`
      SELECT device_id, name, station_id, location_id, app_version, user_email, first_seen_at, last_seen_at,
             last_seq, events_received, last_seq - events_received AS missing_seq, pending_reported,
             clock_offset_ms, rejections_total,
             (SELECT count(*) FROM rejected_events r WHERE r.device_id = devices.device_id AND r.resolved_at IS NULL)::int AS rejected_waiting
      FROM devices
      -- received packing slips push as devices of their own, the console's corrections as one more: not tablets
      WHERE device_id NOT LIKE 'slip:%' AND device_id <> ${CONSOLE_DEVICE}
      ORDER BY last_seen_at DESC, device_id`;
    return c.json({ rows });
  });
}
