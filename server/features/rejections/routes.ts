// Rejected events for supervisors: every refusal the server answered, waiting or resolved, and the way to resolve one.
import { Hono } from 'hono';
import { uuid } from '#domain/events';
import { rejectionFilterSchema, resolveRejectionSchema } from '#domain/rejections';
import type { Env } from '../../http/auth';
import type { Deps } from '../../deps';
import { ApiError, jsonBody, queryParams } from '../../http/errors';
import { listRejections, resolveRejection } from './resolve';

export function rejectionRoutes({ sql }: Deps) {
  return new Hono<Env>()
    .get('/', async (c) => {
      const f = queryParams(c, rejectionFilterSchema);
      return c.json({ rows: await listRejections(sql, f) });
    })
    .post('/:rejection_id/resolve', async (c) => {
      const id = c.req.param('rejection_id');
      if (!uuid.safeParse(id).success)
        throw new ApiError(400, 'invalid_request', 'Invalid path: rejection_id must be a UUID.');
      const body = await jsonBody(c, resolveRejectionSchema);
      return c.json(await resolveRejection(sql, id.toLowerCase(), body, c.get('user').email));
    });
}
