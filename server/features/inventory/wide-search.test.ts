// A search that matches too many items to list walks each status's rows in order for a bounded number of rows, and
// when that is not enough sorts every match instead (readPage). Each way must give the same pages as the listed one:
// here the limits are made tiny, so that every way is taken on a small table, and the pages compared, cursor and all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../testing/testdb';
import { inventoryQuery, readInventory, type SearchLimits } from './inventory';

let db: TestDb;

beforeAll(async () => {
  db = await createTestDb();
  await db.sql`INSERT INTO locations (location_id, name) VALUES ('L-A', 'Aisle'), ('L-B', 'Bay'), ('L-C', 'Cage')`;
  // 60 items; "part 1" matches 11 of them (Part 1, Part 10…19), which sit together in every order the data has.
  await db.sql`INSERT INTO items (item_id, description, reorder_point)
    SELECT 'P-' || lpad(g::text, 3, '0'), 'Part ' || g, CASE WHEN g % 3 = 0 THEN NULL ELSE 5 END
    FROM generate_series(0, 59) g`;
  await db.sql`INSERT INTO stock_levels (item_id, location_id, on_hand, last_activity_at)
    SELECT 'P-' || lpad(g::text, 3, '0'), l, (g * 7) % 13 - 3,
           CASE WHEN g % 5 = 0 THEN NULL ELSE timestamptz '2026-03-01' + g * interval '1 minute' END
    FROM generate_series(0, 59) g, unnest(ARRAY['L-A', 'L-B', 'L-C']) l WHERE (g + length(l)) % 3 <> 0 OR l = 'L-A'`;
});
afterAll(() => db.close());

const LISTED: SearchLimits = { listed: 1000, walk: 1000 }; // the product's: every match listed here
const ALWAYS_WIDE = (walk: number): SearchLimits => ({ listed: 1, walk });

async function walk(query: string, limits: SearchLimits): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const q = inventoryQuery.parse({
      limit: '3',
      ...Object.fromEntries(new URLSearchParams(query)),
      ...(cursor ? { cursor } : {})
    });
    const page = await readInventory(db.sql, q, limits);
    expect(page.rows.length).toBeLessThanOrEqual(3);
    seen.push(...page.rows.map((r) => `${r.item_id}@${r.location_id}`));
    cursor = page.next_cursor;
  } while (cursor && ++pages < 200);
  return seen;
}

describe('a search of many items', () => {
  const queries = ['q=part 1', 'q=part', 'q=bay', 'q=part 1&status=ok', 'q=part 1&below_reorder=true'];
  for (const sort of ['item_id', 'location_id', 'on_hand', 'status', 'last_activity_at'])
    for (const order of ['asc', 'desc'])
      for (const base of queries) {
        const query = `${base}&sort=${sort}&order=${order}`;
        it(`gives the listed search's pages, walked or sorted: ${query}`, async () => {
          const expected = await walk(query, LISTED);
          expect(expected.length).toBeGreaterThan(0);
          // A walk of 2 rows is never enough (every page is sorted from all matches), 5 sometimes, 1000 always.
          for (const w of [2, 5, 1000]) expect(await walk(query, ALWAYS_WIDE(w)), `walk ${w}`).toEqual(expected);
        });
      }
});

// A wide search checks each stock row's own copy of its item's search text (migration 0027): the copy must follow the
// item, or a walked or sorted page would miss a match the listed search finds.
describe("a stock row's copy of its item's search text", () => {
  const keys = async (query: string, limits: SearchLimits) => (await walk(query, limits)).sort();

  it('follows a new stock row, a new description and a new GTIN, as the listed search does', async () => {
    await db.sql`INSERT INTO items (item_id, description) VALUES ('Q-1', 'Écrou M6'), ('Q-2', 'Washer')`;
    // A push's upsert: a new row and an existing one in one statement.
    await db.sql`INSERT INTO stock_levels (item_id, location_id, on_hand) VALUES ('Q-1', 'L-B', 1), ('P-013', 'L-A', 2)
                 ON CONFLICT (item_id, location_id) DO UPDATE SET on_hand = stock_levels.on_hand + excluded.on_hand`;
    await db.sql`INSERT INTO stock_levels (item_id, location_id, on_hand) VALUES ('Q-2', 'L-C', 3)`;
    for (const limits of [LISTED, ALWAYS_WIDE(2), ALWAYS_WIDE(1000)]) {
      expect(await keys('q=ÉCROU', limits)).toEqual(['Q-1@L-B']); // lowercased as ILIKE lowercases, accents too
      expect(await keys('q=washer', limits)).toEqual(['Q-2@L-C']);
    }
    await db.sql`UPDATE items SET description = 'Lock washer', gtin = '04012345678901' WHERE item_id = 'Q-1'`;
    await db.sql`UPDATE items SET description = 'Spacer' WHERE item_id = 'Q-2'`;
    for (const limits of [LISTED, ALWAYS_WIDE(2), ALWAYS_WIDE(1000)]) {
      expect(await keys('q=washer', limits)).toEqual(['Q-1@L-B']);
      expect(await keys('q=écrou', limits)).toEqual([]);
      expect(await keys('q=0401234', limits)).toEqual(['Q-1@L-B']);
      expect(await keys('q=spacer', limits)).toEqual(['Q-2@L-C']);
    }
    const [{ stale }] = await db.sql<{ stale: number }[]>`
      SELECT count(*)::int AS stale FROM stock_levels s JOIN items i USING (item_id)
      WHERE s.item_text IS DISTINCT FROM lower(i.item_id || ' ' || i.description || ' ' || coalesce(i.gtin, ''))`;
    expect(stale).toBe(0);
  });
});
