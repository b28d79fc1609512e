// The tablet's two calls: push its scans, pull what it shows offline.
import { Hono } from 'hono';
import { pushRequestSchema } from '#domain/events';
import type { Env } from '../../http/auth';
import type { Deps } from '../../deps';
import { jsonBody } from '../../http/errors';
import { pushEvents } from './push';
import { readSnapshot } from './snapshot';

export function syncRoutes({ sql, config }: Deps) {
  return (
    new Hono<Env>()
      // At most MAX_BATCH_BYTES, as ROUTES declares (the tablet splits its batches below it).
      .post('/events', async (c) => {
        const req = await jsonBody(c, pushRequestSchema);
        const res = await pushEvents(sql, req, {
          userEmail: c.get('user').email,
          requireKnownItems: config.REQUIRE_KNOWN_ITEMS
        });
        return c.json(res);
      })
      .get('/snapshot', async (c) => c.json(await readSnapshot(sql)))
  );
}
