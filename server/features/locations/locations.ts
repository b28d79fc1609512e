// Locations in the database: each with its stock in total, created and renamed by supervisors (renames at the
// version read; audited).
import type { z } from 'zod';
import type { locationCreateSchema, locationRenameSchema } from '#domain/locations';
import type { Sql } from '../../db/connect';
import { ApiError } from '../../http/errors';

const COLUMNS = 'location_id, name, placeholder, version, updated_at, updated_by';

export async function listLocations(sql: Sql) {
  const rows = await sql`
    SELECT l.location_id, l.name, l.placeholder, l.version, l.updated_at, l.updated_by,
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
  return sql.begin(async (tx) => {
    const [row] = await tx`
      INSERT INTO locations (location_id, name, updated_by) VALUES (${body.location_id}, ${body.name}, ${user})
      ON CONFLICT (location_id) DO NOTHING RETURNING ${tx.unsafe(COLUMNS)}`;
    if (!row) throw new ApiError(409, 'exists', `Location ${body.location_id} exists already.`);
    await tx`INSERT INTO audit_log (actor, entity, entity_id, action, after)
             VALUES (${user}, 'location', ${body.location_id}, 'create', ${tx.json({ name: body.name })})`;
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
    const [row] = await tx`
      UPDATE locations SET name = ${body.name}, placeholder = false, version = version + 1, updated_at = now(), updated_by = ${user}
      WHERE location_id = ${id} RETURNING ${tx.unsafe(COLUMNS)}`;
    await tx`INSERT INTO audit_log (actor, entity, entity_id, action, before, after)
             VALUES (${user}, 'location', ${id}, 'rename', ${tx.json({ name: current.name })}, ${tx.json({ name: body.name })})`;
    return row;
  });
}
