// Current stock per item and location, read from the stock_levels projection: O(items), never O(events). Paged by a
// keyset cursor, and every view the console offers walks an index (migrations 0020, 0028), so the first page and the
// thousandth cost the same and nothing counts the whole table.
import type { PendingQuery, Row } from 'postgres';
import { z } from 'zod';
import { itemId, locationId } from '#domain/events';
import type { Queryable, Sql } from '../../db/connect';
import { containsPattern, itemMatches, locationMatches } from '../../db/search';
import { ApiError, pageParams } from '../../http/errors';

const SORTS = ['item_id', 'location_id', 'on_hand', 'status', 'last_activity_at'] as const;
type Sort = (typeof SORTS)[number];
const STATUSES = ['negative', 'low', 'ok'] as const; // by rank: stock_status_rank() of migration 0020

export const inventoryQuery = z.strictObject({
  item_id: itemId.optional(),
  location_id: locationId.optional(),
  q: z.string().trim().max(100).optional(), // contained in the item id, description or location id, any case
  below_reorder: z
    .enum(['true', 'false', '1', '0'])
    .transform((v) => v === 'true' || v === '1')
    .optional(),
  status: z.enum(STATUSES).optional(),
  sort: z.enum(SORTS).default('item_id'),
  order: z.enum(['asc', 'desc']).default('asc'),
  cursor: z.string().max(600).optional(), // the next_cursor of the previous page
  limit: pageParams.limit
});
type InventoryQuery = z.infer<typeof inventoryQuery>;

/**
 * The order of each sort: the sorted value, then the row's key, all in the direction asked for. Inside one status's
 * range of an index the status is fixed, so a status sort orders by the key there and by the status across ranges.
 */
const KEYS: Record<Sort, string[]> = {
  item_id: ['s.item_id', 's.location_id'],
  location_id: ['s.location_id', 's.item_id'],
  // Led by the value's band (migration 0028): the index walks the bands in order, each band's rows sorted as read.
  on_hand: ['s.on_hand_band', 's.on_hand', 's.item_id', 's.location_id'],
  last_activity_at: ['s.activity_band', "coalesce(s.last_activity_at, '-infinity')", 's.item_id', 's.location_id'],
  status: ['s.item_id', 's.location_id']
};
const RANK = 's.status_rank'; // stock_status_rank(on_hand, reorder_point), stored (migration 0028)

// A cursor is the last row's sort values, with the sort and order it belongs to: base64url of JSON.
const at = z.union([z.literal('-infinity'), z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/)]);
const cursorSchema = z.discriminatedUnion('s', [
  z.strictObject({ s: z.literal('item_id'), o: z.enum(['asc', 'desc']), k: z.tuple([itemId, locationId]) }),
  z.strictObject({ s: z.literal('location_id'), o: z.enum(['asc', 'desc']), k: z.tuple([locationId, itemId]) }),
  z.strictObject({
    s: z.literal('on_hand'),
    o: z.enum(['asc', 'desc']),
    k: z.tuple([z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER), itemId, locationId])
  }),
  z.strictObject({
    s: z.literal('last_activity_at'),
    o: z.enum(['asc', 'desc']),
    k: z.tuple([at, itemId, locationId])
  }),
  z.strictObject({
    s: z.literal('status'),
    o: z.enum(['asc', 'desc']),
    k: z.tuple([z.number().int().min(0).max(2), itemId, locationId])
  })
]);
export type Cursor = z.infer<typeof cursorSchema>;

function badCursor(why: string): ApiError {
  return new ApiError(400, 'invalid_request', `Invalid query: cursor: ${why}`);
}

export function decodeCursor(text: string, q: Pick<InventoryQuery, 'sort' | 'order'>): Cursor {
  let json: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new Error();
    json = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw badCursor('is not a cursor this server gave out.');
  }
  const parsed = cursorSchema.safeParse(json);
  if (!parsed.success) throw badCursor('is not a cursor this server gave out.');
  if (parsed.data.s !== q.sort || parsed.data.o !== q.order)
    throw badCursor(`belongs to the ${parsed.data.s} ${parsed.data.o} order, not ${q.sort} ${q.order}: start again.`);
  return parsed.data;
}

export const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

/** How the search of a page is done; the defaults are the product's, a test may make them small to reach each path. */
export interface SearchLimits {
  /** More matching items or locations than this and a search walks the sorted rows instead of listing the matches. */
  listed: number;
  /** Rows of one status a walk reads before it gives up for a sort of every match (see readPage). */
  walk: number;
}
const LIMITS: SearchLimits = { listed: 1000, walk: 1000 };

interface KeyRow {
  item_id: string;
  location_id: string;
  on_hand: number;
  k_rank: number;
  k_at: string;
}

/**
 * One page of stock rows with the item's reorder point and status, the cursor of the next page, and whether there is
 * one (`more`): a page is `limit` rows read by index, never a count of everything that matches.
 */
export async function readInventory(db: Sql, q: InventoryQuery, limits: SearchLimits = LIMITS) {
  const cursor = q.cursor ? decodeCursor(q.cursor, q) : null; // a 400 before any work
  // A page with no value to filter by (a sort, a status, a cursor: values only an index range starts from) has one
  // right plan, and its prepared statement keeps it: one round trip, no planning. Measured at 100,000 items, the
  // transaction and the planning each request cost more than reading the page itself.
  if (!q.q && !q.item_id && !q.location_id) return readPage(db, q, cursor, limits);
  // Planned for the values of each request: a prepared statement's generic plan cannot know whether a location or a
  // search holds ten rows or half the table, and guessed wrong here (a walk of the whole table for one match). The SET
  // goes out with the first query, in the same write, not a round trip before it.
  return db.begin(async (sql) => {
    const custom = sql`SET LOCAL plan_cache_mode = force_custom_plan`.execute(); // sent before readPage's first query
    const [, page] = await Promise.all([custom, readPage(sql, q, cursor, limits)]);
    return page;
  });
}

async function readPage(sql: Queryable, q: InventoryQuery, cursor: Cursor | null, limits: SearchLimits) {
  const n = q.limit + 1; // a row past the page says there is another
  const limit = sql.unsafe(String(n)); // an integer of the schema's range, as the plan's row goal
  const desc = q.order === 'desc';
  const dir = desc ? ' DESC' : '';
  const cmp = sql.unsafe(desc ? '<' : '>');
  const empty = { rows: [], limit: q.limit, more: false, next_cursor: null };

  // The statuses asked for: each one a range of every index.
  let ranks = [0, 1, 2];
  if (q.status) ranks = [STATUSES.indexOf(q.status)];
  if (q.below_reorder) ranks = ranks.filter((r) => r < 2); // low, or negative with a reorder point
  if (cursor?.s === 'status') {
    const from = cursor.k[0];
    ranks = ranks.filter((r) => (desc ? r <= from : r >= from));
  }
  if (q.sort === 'status' && desc) ranks.reverse();
  if (!ranks.length) return empty;

  // A search first lists the items and locations it matches (trigram indexes, migration 0010); the stock rows are
  // then found by key. When it matches too many to list, see `wide` below.
  let search = sql``;
  let wide = false;
  if (q.q) {
    const over = sql.unsafe(String(limits.listed + 1));
    const [m] = await sql<{ items: string[]; locations: string[] }[]>`
      SELECT ARRAY(SELECT item_id FROM items WHERE ${itemMatches(sql, q.q)} LIMIT ${over}) AS items,
             ARRAY(SELECT location_id FROM locations WHERE ${locationMatches(sql, q.q)} LIMIT ${over}) AS locations`;
    if (m.items.length <= limits.listed && m.locations.length <= limits.listed) {
      if (!m.items.length && !m.locations.length) return empty;
      const byItem = m.items.length ? sql`s.item_id = ANY(${m.items}::text[])` : sql`false`;
      const byLocation = m.locations.length ? sql`s.location_id = ANY(${m.locations}::text[])` : sql`false`;
      search = sql`AND (${byItem} OR ${byLocation})`;
    } else wide = true;
  }
  const keys = KEYS[q.sort];
  const orderBy = sql.unsafe(keys.map((k) => k + dir).join(', '));
  const outerOrder = q.sort === 'status' ? sql.unsafe(['s.k_rank', ...keys].map((k) => k + dir).join(', ')) : orderBy;
  const after = (rank: number) => {
    if (!cursor) return sql``;
    if (cursor.s === 'status') {
      if (rank !== cursor.k[0]) return sql``; // a later status: all of it comes after
      return sql`AND (s.item_id, s.location_id) ${cmp} (${cursor.k[1]}::text, ${cursor.k[2]}::text)`;
    }
    const cols = sql.unsafe(keys.join(', '));
    // Led by the cursor's band: PostgreSQL bounds the band index by the comparison's first column (migration 0028).
    if (cursor.s === 'on_hand')
      return sql`AND (${cols}) ${cmp} (stock_on_hand_band(${cursor.k[0]}::bigint), ${cursor.k[0]}::bigint,
                                       ${cursor.k[1]}::text, ${cursor.k[2]}::text)`;
    if (cursor.s === 'last_activity_at')
      return sql`AND (${cols}) ${cmp} (stock_activity_band(${cursor.k[0]}::text::timestamptz),
                                       ${cursor.k[0]}::text::timestamptz, ${cursor.k[1]}::text, ${cursor.k[2]}::text)`;
    return sql`AND (${cols}) ${cmp} (${cursor.k[0]}::text, ${cursor.k[1]}::text)`;
  };
  // What every filter but a search keeps.
  const filters = sql`
    ${q.item_id ? sql`AND s.item_id = ${q.item_id}` : sql``}
    ${q.location_id ? sql`AND s.location_id = ${q.location_id}` : sql``}
    ${q.below_reorder ? sql`AND s.reorder_point IS NOT NULL AND s.on_hand <= s.reorder_point` : sql``}`;
  // The rows of one status's range, from the cursor on, that the filters keep.
  const inRange = (rank: number) => sql`${sql.unsafe(RANK)} = ${sql.unsafe(String(rank))} ${filters} ${after(rank)}`;
  const cols = sql`s.item_id, s.location_id, s.on_hand, s.intake_total, s.consume_total, s.last_activity_at,
                    s.on_hand_band, s.activity_band`;
  const rankAs = (rank: number) => sql.unsafe(`${rank}::smallint AS k_rank`);
  // One status's range, in order: an index scan that stops after a page.
  const range = (rank: number) => sql`
    (SELECT ${cols}, ${rankAs(rank)} FROM stock_levels s WHERE ${inRange(rank)} ${search}
     ORDER BY ${orderBy} LIMIT ${limit})`;
  // A sort by on hand or last activity reads every status asked for in one walk of the band index (migration 0028),
  // which leads with the band: a range for each status would sort a band of its own, the first band of each.
  const banded = q.sort === 'on_hand' || q.sort === 'last_activity_at';
  const everyRange = () => sql`
    (SELECT ${cols}, s.status_rank AS k_rank FROM stock_levels s
     WHERE ${sql.unsafe(RANK)} IN (${sql.unsafe(ranks.join(', '))}) ${filters} ${after(-1)} ${search}
     ORDER BY ${orderBy} LIMIT ${limit})`;
  // A wide search checks a row by its own copy of its item's search text (migration 0027), lowercased as ILIKE
  // lowercases: no item is looked up for a row walked or gathered.
  const itemHit = sql`s.item_text LIKE lower(${containsPattern(q.q ?? '')})`;
  const locationHit = sql`s.location_id IN (SELECT location_id FROM locations WHERE ${locationMatches(sql, q.q ?? '')})`;
  // A wide search's walk of one range: the range's next `walk` rows in order, each one checked, a page of them kept.
  // Only `walk` rows: when the matches lie far down the order (a search of 11 % of the items, sorted by a value they
  // share), an unbounded walk read 67,000 rows for one page (470 ms) where a sort of every match takes far fewer.
  const walkRange = (rank: number) => sql`
    (SELECT ${cols}, ${rankAs(rank)}
     FROM (SELECT * FROM stock_levels s WHERE ${inRange(rank)} ORDER BY ${orderBy}
           LIMIT ${sql.unsafe(String(limits.walk))}) s
     WHERE ${itemHit} OR ${locationHit}
     ORDER BY ${orderBy} LIMIT ${limit})`;
  // Every match of a wide search, gathered first (the rows of matching items by the trigram index of their search
  // text, or a scan, whichever is cheaper for the whole set; then those at a matching location), then sorted: bounded
  // by the matches, however they lie in the order. OFFSET 0 plans the gathering on its own, so the planner cannot
  // turn it back into a walk of the order that stops after a page, misjudged the same way (a MATERIALIZED CTE did
  // that too, at the price of copying every match once more: 13.5 against 9 ms for 11,111 matches).
  const everyMatch = (when: PendingQuery<Row[]>) => {
    let from = sql``;
    if (cursor?.s === 'status')
      from = sql`AND (${sql.unsafe(RANK)}, s.item_id, s.location_id) ${cmp}
                     (${cursor.k[0]}::smallint, ${cursor.k[1]}::text, ${cursor.k[2]}::text)`;
    else if (cursor) from = after(-1); // the same for every status
    const kept = sql`${sql.unsafe(RANK)} IN ${sql(ranks)} ${filters} ${from}`;
    return sql`
      (SELECT * FROM (
         SELECT ${cols}, ${sql.unsafe(RANK)} AS k_rank FROM stock_levels s WHERE ${kept} AND ${itemHit}
         UNION ALL
         SELECT ${cols}, ${sql.unsafe(RANK)} AS k_rank FROM stock_levels s
         WHERE ${kept} AND ${locationHit} AND NOT coalesce(${itemHit}, false)
         OFFSET 0) s
       WHERE ${when}
       ORDER BY ${outerOrder} LIMIT ${limit})`;
  };

  const page = (ranges: PendingQuery<Row[]>) => sql<(KeyRow & Record<string, unknown>)[]>`
    SELECT s.item_id, s.location_id, s.on_hand, s.intake_total, s.consume_total, i.reorder_point,
           (ARRAY['negative', 'low', 'ok'])[s.k_rank + 1] AS status, s.last_activity_at, i.description, i.unit,
           s.k_rank,
           CASE WHEN s.last_activity_at IS NULL THEN '-infinity'
                ELSE to_char(s.last_activity_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') END AS k_at
    FROM (${ranges}) s JOIN items i ON i.item_id = s.item_id
    ORDER BY ${outerOrder}
    ${wide ? sql`` : sql`LIMIT ${limit}`}`;

  // A wide search sorted by a band walks every status's rows in one walk of the band index, as everyRange does: the
  // first `walk` rows of the whole order, so a page of matches in it is the page. Three walks, one a status, each
  // sorted a band of its own (measured at 100,000 rows: 26.5 ms of database CPU a page against 18.8 before 0028).
  const walkEvery = sql`
    (SELECT ${cols}, s.status_rank AS k_rank
     FROM (SELECT * FROM stock_levels s WHERE ${sql.unsafe(RANK)} IN (${sql.unsafe(ranks.join(', '))}) ${filters}
           ${after(-1)} ORDER BY ${orderBy} LIMIT ${sql.unsafe(String(limits.walk))}) s
     WHERE ${itemHit} OR ${locationHit}
     ORDER BY ${orderBy} LIMIT ${limit})`;

  let found: (KeyRow & Record<string, unknown>)[];
  if (!wide && banded && ranks.length > 1) found = await page(everyRange());
  else if (!wide) found = await page(ranks.map(range).reduce((all, r) => sql`${all} UNION ALL ${r}`));
  else if (banded) {
    found = await page(walkEvery);
    if (found.length < n) {
      // Short: done if the walk reached the end of the rows it walks, else the page is read from every match.
      const cut = sql.unsafe(String(limits.walk + 1));
      const cutShort = sql`(SELECT count(*) FROM (SELECT 1 FROM stock_levels s
        WHERE ${sql.unsafe(RANK)} IN (${sql.unsafe(ranks.join(', '))}) ${filters} ${after(-1)} LIMIT ${cut}) x) > ${limits.walk}`;
      const sorted = await page(everyMatch(cutShort));
      if (sorted.length) found = sorted;
    }
    found = found.slice(0, n);
  } else {
    // A wide search walks each range a little way first: enough when matches are spread through the order. A range
    // that gave fewer than a page's rows is done only if its walk reached the range's end; if one did not, the page
    // is read again from every match instead.
    found = await page(ranks.map(walkRange).reduce((all, r) => sql`${all} UNION ALL ${r}`));
    const short = ranks.filter((r) => found.filter((f) => f.k_rank === r).length < n);
    if (short.length) {
      // Whether a short range's walk stopped before the range's end, asked in the statement that sorts every match:
      // PostgreSQL runs the gathering only when it did (a one-time filter), and one round trip does both.
      const cut = sql.unsafe(String(limits.walk + 1));
      const cutShort = short
        .map(
          (r) =>
            sql`(SELECT count(*) FROM (SELECT 1 FROM stock_levels s WHERE ${inRange(r)} LIMIT ${cut}) x) > ${limits.walk}`
        )
        .reduce((all, c) => sql`${all} OR ${c}`);
      // No rows: the walk reached every short range's end (or nothing matches at all, which the walk found too).
      const sorted = await page(everyMatch(sql`(${cutShort})`));
      if (sorted.length) found = sorted;
    }
    found = found.slice(0, n);
  }
  const more = found.length > q.limit;
  const rows = found.slice(0, q.limit);
  const last = rows[rows.length - 1];
  return {
    rows: rows.map(({ k_rank: _r, k_at: _a, ...r }) => r),
    limit: q.limit,
    more,
    next_cursor: more ? encodeCursor(cursorOf(q, last)) : null
  };
}

function cursorOf(q: InventoryQuery, r: KeyRow): Cursor {
  const o = q.order;
  switch (q.sort) {
    case 'item_id':
      return { s: 'item_id', o, k: [r.item_id, r.location_id] };
    case 'location_id':
      return { s: 'location_id', o, k: [r.location_id, r.item_id] };
    case 'on_hand':
      return { s: 'on_hand', o, k: [r.on_hand, r.item_id, r.location_id] };
    case 'last_activity_at':
      return { s: 'last_activity_at', o, k: [r.k_at, r.item_id, r.location_id] };
    case 'status':
      return { s: 'status', o, k: [r.k_rank, r.item_id, r.location_id] };
  }
}
