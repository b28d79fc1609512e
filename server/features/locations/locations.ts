// Locations in the database: each with its stock in total, created and edited by supervisors (name and coordinates,
// at the version read; audited).
import type { z } from 'zod';
import type { locationCreateSchema, locationRenameSchema } from '#domain/locations';
import type { Sql } from '../../db/connect';
import { ApiError } from '../../http/errors';

const COLUMNS = 'location_id, name, latitude, longitude, placeholder, version, updated_at, updated_by';

export async function listLocations(sql: Sql) {
  const rows = await sql`
    SELECT l.location_id, l.name, l.latitude, l.longitude, l.placeholder, l.version, l.updated_at, l.updated_by,
           count(s.item_id) AS items, COALESCE(sum(s.on_hand), 0)::bigint AS on_hand,
           count(*) FILTER (WHERE s.on_hand < 0) AS negative
    FROM locations l LEFT JOIN stock_levels s USING (location_id)
    GROUP BY l.location_id ORDER BY l.location_id`;
  const total = rows.reduce((t, r) => ({ items: t.items + Number(r.items), on_hand: t.on_hand + Number(r.on_hand) }), {
    items: 0,
    on_hand: 0
  });
  return { rows, total };
}

export function createLocation(sql: Sql, body: z.infer<typeof locationCreateSchema>, user: string) {
  const latitude = body.latitude ?? null;
  const longitude = body.longitude ?? null;
  return sql.begin(async (tx) => {
    const [row] = await tx`
      INSERT INTO locations (location_id, name, latitude, longitude, updated_by)
      VALUES (${body.location_id}, ${body.name}, ${latitude}, ${longitude}, ${user})
      ON CONFLICT (location_id) DO NOTHING RETURNING ${tx.unsafe(COLUMNS)}`;
    if (!row) throw new ApiError(409, 'exists', `Location ${body.location_id} exists already.`);
    const after = latitude === null ? { name: body.name } : { name: body.name, latitude, longitude };
    await tx`INSERT INTO audit_log (actor, entity, entity_id, action, after)
             VALUES (${user}, 'location', ${body.location_id}, 'create', ${tx.json(after)})`;
    return row;
  });
}

export function renameLocation(sql: Sql, id: string, body: z.infer<typeof locationRenameSchema>, user: string) {
  return sql.begin(async (tx) => {
    const [current] = await tx`SELECT ${tx.unsafe(COLUMNS)} FROM locations WHERE location_id = ${id} FOR UPDATE`;
    if (!current) throw new ApiError(404, 'not_found', `No location ${id}.`);
    if (current.version !== body.version)
      throw new ApiError(409, 'conflict', `Location ${id} was changed by someone else: it is now "${current.name}".`, {
        current
      });
    // Coordinates left out of the body stay as they are; null clears them.
    const place = body.latitude !== undefined && body.longitude !== undefined;
    const latitude = place ? body.latitude : current.latitude;
    const longitude = place ? body.longitude : current.longitude;
    const [row] = await tx`
      UPDATE locations SET name = ${body.name}, latitude = ${latitude}, longitude = ${longitude}, placeholder = false,
             version = version + 1, updated_at = now(), updated_by = ${user}
      WHERE location_id = ${id} RETURNING ${tx.unsafe(COLUMNS)}`;
    // Audited as before: a rename when only the name came, else the name and the coordinates before and after.
    const [before, after] = place
      ? [
          { name: current.name, latitude: current.latitude, longitude: current.longitude },
          { name: body.name, latitude, longitude }
        ]
      : [{ name: current.name }, { name: body.name }];
    await tx`INSERT INTO audit_log (actor, entity, entity_id, action, before, after)
             VALUES (${user}, 'location', ${id}, ${place ? 'update' : 'rename'}, ${tx.json(before)}, ${tx.json(after)})`;
    return row;
  });
}
