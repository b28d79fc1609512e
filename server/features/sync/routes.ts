// The tablet's two calls: push its scans, pull what it shows offline.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { MAX_BATCH_BYTES, pushRequestSchema } from '#domain/events';
import type { Env } from '../../http/auth';
import type { Deps } from '../../deps';
import { ApiError, jsonBody } from '../../http/errors';
import { pushEvents } from './push';
import { readSnapshot } from './snapshot';

export function syncRoutes({ sql, config }: Deps) {
  return new Hono<Env>()
    .post(
      '/events',
      bodyLimit({
        maxSize: MAX_BATCH_BYTES,
        onError: () => {
          throw new ApiError(
            413,
            'payload_too_large',
            `A push may be at most ${MAX_BATCH_BYTES} bytes: send fewer events per request.`
          );
        }
      }),
      async (c) => {
        const req = await jsonBody(c, pushRequestSchema);
        const res = await pushEvents(sql, req, {
          userEmail: c.get('user').email,
          requireKnownItems: config.REQUIRE_KNOWN_ITEMS
        });
        return c.json(res);
      }
    )
    .get('/snapshot', async (c) => c.json(await readSnapshot(sql)));
}
