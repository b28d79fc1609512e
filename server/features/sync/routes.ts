// The tablet's two calls: push its scans, pull what it shows offline.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { MAX_BATCH_BYTES, pushRequestSchema } from '#domain/events';
import type { Env } from '../../http/auth';
import type { Deps } from '../../deps';
import { ApiError, jsonBody } from '../../http/errors';
import { pushEvents } from './push';
import { signalsQuery } from '../signals/routes';

export function syncRoutes({ sql, config }: Deps) {
  return new Hono<Env>()
    .post(
      '/events',
      bodyLimit({
        maxSize: MAX_BATCH_BYTES,
        onError: () => {
          throw new ApiError(413, 'payload_too_large', `A push may be at most ${MAX_BATCH_BYTES} bytes: send fewer events per request.`);
        }
      }),
      async (c) => {
        const req = await jsonBody(c, pushRequestSchema);
        const res = await pushEvents(sql, req, { userEmail: c.get('user').email, requireKnownItems: config.REQUIRE_KNOWN_ITEMS });
        return c.json(res);
      }
    )
    .get('/snapshot', async (c) => {
      // One consistent read, so stock, items and signals agree with each other and with the cursor.
      const snapshot = await sql.begin('isolation level repeatable read read only', async (tx) => {
        const [items, stock, signals, [{ now }]] = await Promise.all([
          tx`SELECT item_id, description, unit, reorder_point, reorder_qty, gtin, active, placeholder, version
             FROM items ORDER BY item_id`,
          tx`SELECT item_id, location_id, on_hand, last_activity_at FROM stock_levels ORDER BY item_id, location_id`,
          signalsQuery(tx, { status: 'active' }),
          tx<{ now: Date }[]>`SELECT now()`
        ]);
        return { items, stock, signals, server_time: now.toISOString(), cursor: now.toISOString() };
      });
      return c.json(snapshot);
    });
}
