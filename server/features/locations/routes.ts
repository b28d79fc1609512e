// Locations: each with its stock in total, created and renamed by supervisors (renames at the version read; audited).
import { Hono } from 'hono';
import { locationId } from '#domain/events';
import { locationCreateSchema, locationRenameSchema } from '#domain/locations';
import { supervisorOnly, type Env } from '../../http/auth';
import type { Deps } from '../../deps';
import { ApiError, jsonBody } from '../../http/errors';

const COLUMNS = 'location_id, name, placeholder, version, updated_at, updated_by';

export function locationRoutes({ sql }: Deps) {
  return new Hono<Env>()
    .get('/', async (c) => {
      const rows = await sql`
        SELECT l.location_id, l.name, l.placeholder, l.version, l.updated_at, l.updated_by,
               count(s.item_id) AS items, COALESCE(sum(s.on_hand), 0)::bigint AS on_hand,
               count(*) FILTER (WHERE s.on_hand < 0) AS negative
        FROM locations l LEFT JOIN stock_levels s USING (location_id)
        GROUP BY l.location_id ORDER BY l.location_id`;
      const total = rows.reduce((t, r) => ({ items: t.items + Number(r.items), on_hand: t.on_hand + Number(r.on_hand) }), { items: 0, on_hand: 0 });
      return c.json({ rows, total });
    })
    .post('/', supervisorOnly, async (c) => {
      const body = await jsonBody(c, locationCreateSchema);
      const user = c.get('user').email;
      const created = await sql.begin(async (tx) => {
        const [row] = await tx`
          INSERT INTO locations (location_id, name, updated_by) VALUES (${body.location_id}, ${body.name}, ${user})
          ON CONFLICT (location_id) DO NOTHING RETURNING ${tx.unsafe(COLUMNS)}`;
        if (!row) throw new ApiError(409, 'exists', `Location ${body.location_id} exists already.`);
        await tx`INSERT INTO audit_log (actor, entity, entity_id, action, after)
                 VALUES (${user}, 'location', ${body.location_id}, 'create', ${tx.json({ name: body.name })})`;
        return row;
      });
      return c.json(created, 201);
    })
    .patch('/:location_id', supervisorOnly, async (c) => {
      const id = locationId.safeParse(c.req.param('location_id'));
      if (!id.success) throw new ApiError(400, 'invalid_request', 'location_id must be 1 to 64 printable characters.');
      const body = await jsonBody(c, locationRenameSchema);
      const user = c.get('user').email;
      const renamed = await sql.begin(async (tx) => {
        const [current] = await tx`SELECT ${tx.unsafe(COLUMNS)} FROM locations WHERE location_id = ${id.data} FOR UPDATE`;
        if (!current) throw new ApiError(404, 'not_found', `No location ${id.data}.`);
        if (current.version !== body.version)
          throw new ApiError(409, 'conflict', `Location ${id.data} was changed by someone else: it is now "${current.name}".`, { current });
        const [row] = await tx`
          UPDATE locations SET name = ${body.name}, placeholder = false, version = version + 1, updated_at = now(), updated_by = ${user}
          WHERE location_id = ${id.data} RETURNING ${tx.unsafe(COLUMNS)}`;
        await tx`INSERT INTO audit_log (actor, entity, entity_id, action, before, after)
                 VALUES (${user}, 'location', ${id.data}, 'rename', ${tx.json({ name: current.name })}, ${tx.json({ name: body.name })})`;
        return row;
      });
      return c.json(renamed);
    });
}
