// Items in the database: the master list, one item, its audit trail, its on hand over time, and the grid's batch save
// (one transaction, each row at the version its editor saw, every change audited).
import { z } from 'zod';
import { gtinKey } from '#domain/barcode';
import { locationId } from '#domain/events';
import { ITEM_FIELDS, type ItemEdit } from '#domain/items';
import type { Queryable } from '../../db/connect';
import { itemMatches } from '../../db/search';
import { ApiError, pageParams } from '../../http/errors';
import { checkVersions } from '../../http/grid-save';
import { announce } from '../live/changes';

/** A chart needs no more points than a screen has pixels; the last value of each bucket is kept. */
const MAX_POINTS = 400;

export const historyQuery = z.strictObject({ location_id: locationId.optional() });
/** A GTIN in any of its forms (8, 12, 13 or 14 digits, valid check digit) → the 14 digits items.gtin holds. */
const gtinParam = z
  .string()
  .trim()
  .max(14)
  .transform((g, ctx) => {
    const key = gtinKey(g);
    if (!key) ctx.addIssue({ code: 'custom', message: 'must be a GTIN-8, -12, -13 or -14 with a valid check digit' });
    return key ?? '';
  });

/** items.gtin holds the 14-digit form: a UPC-A typed as 12 digits and scanned as an EAN-13 (or as the 01 of a GS1
 * code) is one GTIN, so one item. */
export function storedGtin(gtin: string | null | undefined): string | null {
  return gtin ? (gtinKey(gtin) ?? gtin) : null;
}

/** The column as 14 digits, so rows written before GTINs were normalised still match. */
const GTIN14 = "lpad(gtin, 14, '0')";

export const itemListQuery = z.strictObject({
  q: z.string().trim().max(100).optional(),
  gtin: gtinParam.optional(),
  active: z.enum(['true', 'false']).optional(),
  placeholder: z.enum(['true', 'false']).optional(),
  ...pageParams
});

export const ITEM_COLUMNS =
  'item_id, description, unit, reorder_point, reorder_qty, gtin, active, tracking, placeholder, version, updated_at, updated_by';

type Stored = ItemEdit & { placeholder: boolean };

/** The editable values of a row, as the audit log keeps them. */
const values = (r: Partial<Stored>) => Object.fromEntries(ITEM_FIELDS.map((f) => [f, r[f] ?? null]));

/**
 * Saves rows an editor changed. All or nothing: a row whose version moved on since the editor read it makes the
 * whole save a 409 carrying the current values of every such row, and nothing is written.
 */
export async function saveItems(tx: Queryable, edits: ItemEdit[], user: string): Promise<{ saved: Stored[] }> {
  const rows = edits.map((r) => ({ ...r, gtin: storedGtin(r.gtin) }));
  const ids = rows.map((r) => r.item_id);
  const current = await tx<Stored[]>`
    SELECT ${tx.unsafe(ITEM_COLUMNS)} FROM items WHERE item_id = ANY(${ids}::text[]) ORDER BY item_id FOR UPDATE`;
  const byId = new Map(current.map((c) => [c.item_id, c]));
  const notFound = (missing: ItemEdit[]) =>
    new ApiError(
      404,
      'not_found',
      `No such item: ${missing
        .slice(0, 10)
        .map((r) => r.item_id)
        .join(', ')}.`,
      { missing: missing.map((r) => r.item_id) }
    );
  checkVersions(rows, byId, (r) => r.item_id, notFound, 'changed');
  // A save without tracking (a client older than the column) keeps the item's.
  for (const r of rows) r.tracking ??= byId.get(r.item_id)!.tracking;
  const changed = rows.filter((r) => ITEM_FIELDS.some((f) => r[f] !== byId.get(r.item_id)![f]));
  if (!changed.length) return { saved: [] };

  const gtins = changed.map((r) => r.gtin).filter((g): g is string => g !== null);
  if (new Set(gtins).size !== gtins.length) throw new ApiError(400, 'invalid_request', 'Two rows carry the same GTIN.');
  const taken = gtins.length
    ? await tx<{ item_id: string; gtin: string }[]>`
        SELECT item_id, ${tx.unsafe(GTIN14)} AS gtin FROM items
        WHERE ${tx.unsafe(GTIN14)} = ANY(${gtins}::text[]) AND NOT item_id = ANY(${ids}::text[])`
    : [];
  if (taken.length)
    throw new ApiError(400, 'invalid_request', `GTIN ${taken[0].gtin} already belongs to item ${taken[0].item_id}.`, {
      issues: taken.map((t) => ({
        item_id: changed.find((r) => r.gtin === t.gtin)!.item_id,
        path: 'gtin',
        message: `already belongs to ${t.item_id}`
      }))
    });

  const saved = await tx<Stored[]>`
    UPDATE items i SET description = r.description, unit = r.unit, reorder_point = r.reorder_point, reorder_qty = r.reorder_qty,
                       gtin = r.gtin, active = r.active, tracking = r.tracking, placeholder = false, version = i.version + 1,
                       updated_at = now(), updated_by = ${user}
    FROM json_to_recordset(${tx.json(changed as never)}::json) AS r(item_id text, description text, unit text,
         reorder_point integer, reorder_qty integer, gtin text, active boolean, tracking text)
    WHERE i.item_id = r.item_id
    RETURNING ${tx.unsafe(
      ITEM_COLUMNS.split(', ')
        .map((c) => 'i.' + c)
        .join(', ')
    )}`;
  const audit = saved.map((s) => ({
    actor: user,
    entity: 'item',
    entity_id: s.item_id,
    action: 'update',
    before: values(byId.get(s.item_id)!),
    after: values(s)
  }));
  await tx`INSERT INTO audit_log (actor, entity, entity_id, action, before, after)
           SELECT actor, entity, entity_id, action, before, after
           FROM json_to_recordset(${tx.json(audit as never)}::json) AS a(actor text, entity text, entity_id text, action text, before jsonb, after jsonb)`;
  // A new reorder point changes the status of the item's stock rows: tell the live pages.
  const moved = changed.filter((r) => r.reorder_point !== byId.get(r.item_id)!.reorder_point).map((r) => r.item_id);
  if (moved.length) {
    const keys = await tx<{ item_id: string; location_id: string }[]>`
      SELECT item_id, location_id FROM stock_levels WHERE item_id = ANY(${moved}::text[])`;
    await announce(
      tx,
      keys.map((k) => [k.item_id, k.location_id])
    );
  }
  return { saved };
}

export async function listItems(sql: Queryable, q: z.infer<typeof itemListQuery>) {
  const where = () => sql`
    WHERE true
      ${q.q ? sql`AND ${itemMatches(sql, q.q)}` : sql``}
      ${q.gtin ? sql`AND ${sql.unsafe(GTIN14)} = ${q.gtin}` : sql``}
      ${q.active ? sql`AND active = ${q.active === 'true'}` : sql``}
      ${q.placeholder ? sql`AND placeholder = ${q.placeholder === 'true'}` : sql``}`;
  const [rows, [{ total }]] = await Promise.all([
    sql`SELECT ${sql.unsafe(ITEM_COLUMNS)} FROM items ${where()} ORDER BY item_id LIMIT ${q.limit} OFFSET ${q.offset}`,
    sql<{ total: number }[]>`SELECT count(*) AS total FROM items ${where()}`
  ]);
  return { rows, total, limit: q.limit, offset: q.offset };
}

export function itemAudit(sql: Queryable, id: string) {
  return sql`
    SELECT audit_id, at, actor, action, before, after FROM audit_log
    WHERE entity = 'item' AND entity_id = ${id} ORDER BY at DESC, audit_id DESC LIMIT 200`;
}

export async function getItem(sql: Queryable, id: string) {
  const [item] = await sql`
    SELECT item_id, description, unit, reorder_point, reorder_qty, gtin, active, tracking, placeholder, category_id, version, updated_at, updated_by
    FROM items WHERE item_id = ${id}`;
  return item;
}

/**
 * On hand over time, at most MAX_POINTS points: a running sum over the item's events in the order they happened on
 * the floor; a VOID moves stock back by the event it cancels.
 */
export function itemHistory(sql: Queryable, id: string, q: z.infer<typeof historyQuery>) {
  // Each event's moves per location: a MOVE out of one and into another (a VOID of one, back), a COUNT by the
  // adjustment the server recorded. With a location asked for, only its rows; else the item's total, where a MOVE
  // nets to nothing.
  return sql<{ at: Date; on_hand: number }[]>`
    WITH lines AS (
      SELECT e.captured_at, e.event_id, e.location_id,
             CASE e.event_type WHEN 'INTAKE' THEN e.qty WHEN 'CONSUME' THEN -e.qty WHEN 'MOVE' THEN -e.qty
                  WHEN 'COUNT' THEN COALESCE(a.adjustment, 0)
                  ELSE CASE t.event_type WHEN 'INTAKE' THEN -e.qty ELSE e.qty END END AS delta
      FROM scan_events e
      LEFT JOIN scan_events t ON t.event_id = e.voids_event_id
      LEFT JOIN count_adjustments a ON a.event_id = e.event_id
      WHERE e.item_id = ${id}
      UNION ALL
      SELECT e.captured_at, e.event_id, COALESCE(e.to_location_id, t.to_location_id),
             CASE e.event_type WHEN 'MOVE' THEN e.qty ELSE -e.qty END
      FROM scan_events e LEFT JOIN scan_events t ON t.event_id = e.voids_event_id
      WHERE e.item_id = ${id} AND (e.event_type = 'MOVE' OR t.event_type = 'MOVE')
    ), moves AS (
      SELECT captured_at, event_id, sum(delta) AS delta FROM lines
      WHERE true ${q.location_id ? sql`AND location_id = ${q.location_id}` : sql``}
      GROUP BY captured_at, event_id
    ), running AS (
      SELECT captured_at, sum(delta) OVER (ORDER BY captured_at, event_id) AS on_hand,
             ntile(${MAX_POINTS}) OVER (ORDER BY captured_at, event_id) AS bucket,
             row_number() OVER (ORDER BY captured_at DESC, event_id DESC) AS from_end
      FROM moves
    )
    SELECT DISTINCT ON (bucket) captured_at AS at, on_hand::bigint AS on_hand FROM running
    ORDER BY bucket, from_end`;
}

/**
 * On hand per lot and location, replayed from the item's lot-carrying events: INTAKE adds, CONSUME takes, a MOVE takes
 * from one location and adds to the other; voided events and their VOIDs count for nothing. Counts are not by lot
 * (a COUNT names no lot), so these are the lots' flows, beside stock_levels' on hand.
 */
export function itemLots(sql: Queryable, id: string) {
  return sql<{ lot: string; location_id: string; on_hand: number; expiry: string | null }[]>`
    WITH live AS (
      SELECT e.* FROM scan_events e
      WHERE e.item_id = ${id} AND e.lot IS NOT NULL AND e.event_type IN ('INTAKE', 'CONSUME', 'MOVE')
        AND NOT EXISTS (SELECT 1 FROM scan_events v WHERE v.voids_event_id = e.event_id)
    ), lines AS (
      SELECT lot, location_id, CASE event_type WHEN 'INTAKE' THEN qty ELSE -qty END AS delta, expiry FROM live
      UNION ALL
      SELECT lot, to_location_id, qty, expiry FROM live WHERE event_type = 'MOVE'
    ), lot_expiry AS (
      SELECT lot, max(expiry) AS expiry FROM live GROUP BY lot -- a lot's expiry, wherever a scan of it said so
    )
    SELECT l.lot, l.location_id, sum(l.delta)::bigint AS on_hand, x.expiry::text AS expiry
    FROM lines l JOIN lot_expiry x USING (lot)
    GROUP BY l.lot, l.location_id, x.expiry ORDER BY x.expiry NULLS LAST, l.lot, l.location_id`;
}
