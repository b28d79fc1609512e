// Locations: each with its stock in total, created and renamed by supervisors.
import { Hono } from 'hono';
import { locationId } from '#domain/events';
import { locationCreateSchema, locationRenameSchema } from '#domain/locations';
import type { Env } from '../../http/auth';
import type { Deps } from '../../deps';
import { ApiError, jsonBody } from '../../http/errors';
import { createLocation, listLocations, renameLocation } from './locations';

export function locationRoutes({ sql }: Deps) {
  return new Hono<Env>()
    .get('/', async (c) => c.json(await listLocations(sql)))
    .post('/', async (c) => {
      const body = await jsonBody(c, locationCreateSchema);
      return c.json(await createLocation(sql, body, c.get('user').email), 201);
    })
    .patch('/:location_id', async (c) => {
      const id = locationId.safeParse(c.req.param('location_id'));
      if (!id.success) throw new ApiError(400, 'invalid_request', 'location_id must be 1 to 64 printable characters.');
      const body = await jsonBody(c, locationRenameSchema);
      return c.json(await renameLocation(sql, id.data, body, c.get('user').email));
    });
}
