// GET /api/inventory pages by a keyset cursor: walking it visits every row exactly once, in order, under every sort
// and direction (ties broken by the row's key, item then location), also when rows are added between pages; a cursor
// the server did not give out is a 400. The status a page shows and filters on follows the item's reorder point.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stockStatus } from '#domain/stock';
import { createApp } from '../../app';
import { loadConfig } from '../../config';
import { createTestDb, type TestDb } from '../../testing/testdb';

let db: TestDb;
let app: ReturnType<typeof createApp>;

interface Row {
  item_id: string;
  location_id: string;
  on_hand: number;
  reorder_point: number | null;
  status: 'ok' | 'low' | 'negative';
  last_activity_at: string | null;
}
interface Page {
  rows: Row[];
  more: boolean;
  next_cursor: string | null;
}

const LOCATIONS = ['L-A', 'L-B', 'L-C'];
// Few distinct values, so every sort has ties for the key to break; two times a microsecond apart, so a cursor that
// kept milliseconds only would skip or repeat a row; no activity at all on some rows.
const ON_HAND = [-3, 0, 4, 4, 10, 25];
const TIMES = [null, '2026-03-01T08:00:00.000001Z', '2026-03-01T08:00:00.000002Z', '2026-03-02T12:30:00Z'];
const REORDER = [null, 4, 10];

const item = (n: number) => `P-${String(n).padStart(3, '0')}`;

// Rows 0…23 are P-000…P-023; a later one sorts among them (P-005-N100 comes after P-005 and before P-006).
const id = (n: number) => (n < 100 ? item(n) : `${item((n * 7) % 24)}-N${n}`);

async function addRows(from: number, count: number, spread = 1) {
  for (let n = from; n < from + count; n++) {
    await db.sql`INSERT INTO items (item_id, description, reorder_point) VALUES
      (${id(n)}, ${'Part ' + n}, ${REORDER[n % REORDER.length]}) ON CONFLICT DO NOTHING`;
    const locs = LOCATIONS.slice(0, 1 + ((n * spread) % LOCATIONS.length));
    for (const [j, loc] of locs.entries())
      await db.sql`INSERT INTO stock_levels (item_id, location_id, on_hand, last_activity_at)
        VALUES (${id(n)}, ${loc}, ${ON_HAND[(n + j) % ON_HAND.length]}, ${TIMES[(n * 3 + j) % TIMES.length]}::timestamptz)`;
  }
}

beforeAll(async () => {
  db = await createTestDb();
  app = createApp({ sql: db.sql, config: loadConfig({}), dbKind: db.kind });
  await db.sql`INSERT INTO locations (location_id, name) SELECT l, 'Location ' || l FROM unnest(${LOCATIONS}::text[]) l`;
});
afterAll(() => db.close());
beforeEach(async () => {
  await db.sql`TRUNCATE stock_levels, items CASCADE`;
  await addRows(0, 24);
});

async function get(query: string): Promise<Page> {
  const res = await app.request(`/api/inventory?${query}`);
  expect(res.status, `${query}: ${res.status}`).toBe(200);
  return (await res.json()) as Page;
}

const RANK = { negative: 0, low: 1, ok: 2 } as const;
const cmpText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0); // the ids are uppercase ASCII: any collation agrees
/** The order the API promises, in JavaScript: the sorted value (no activity before all activity), then the key. */
function compare(sort: string, desc: boolean) {
  const value = (r: Row): number | string =>
    sort === 'on_hand'
      ? r.on_hand
      : sort === 'status'
        ? RANK[r.status]
        : sort === 'last_activity_at'
          ? r.last_activity_at === null
            ? ''
            : r.last_activity_at
          : '';
  const key = (r: Row) => (sort === 'location_id' ? [r.location_id, r.item_id] : [r.item_id, r.location_id]);
  return (a: Row, b: Row) => {
    const va = value(a);
    const vb = value(b);
    let c = typeof va === 'number' ? va - (vb as number) : cmpText(va, vb as string);
    if (!c) c = cmpText(key(a)[0], key(b)[0]) || cmpText(key(a)[1], key(b)[1]);
    return desc ? -c : c;
  };
}

async function allRows(): Promise<Row[]> {
  return (await get('limit=1000')).rows;
}

const keyOf = (r: Row) => `${r.item_id}@${r.location_id}`;
const SORTS = ['item_id', 'location_id', 'on_hand', 'status', 'last_activity_at'] as const;

describe('walking the cursor', () => {
  for (const sort of SORTS)
    for (const order of ['asc', 'desc'] as const)
      it(`visits every row once, in order: sort=${sort}&order=${order}`, async () => {
        const every = await allRows();
        const cmp = compare(sort, order === 'desc');
        const seen: Row[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const page: Page = await get(
            `sort=${sort}&order=${order}&limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
          );
          expect(page.rows.length).toBeLessThanOrEqual(4);
          expect(page.more).toBe(page.next_cursor !== null);
          seen.push(...page.rows);
          cursor = page.next_cursor;
          pages++;
        } while (cursor && pages < 100);
        expect(seen.map(keyOf).sort()).toEqual(every.map(keyOf).sort());
        for (let i = 1; i < seen.length; i++) expect(cmp(seen[i - 1], seen[i]), `${i}`).toBeLessThan(0);
        expect(pages).toBe(Math.ceil(every.length / 4));
      });

  for (const sort of SORTS)
    for (const order of ['asc', 'desc'] as const)
      it(`keeps its place when rows are added between pages: sort=${sort}&order=${order}`, async () => {
        const known = new Set((await allRows()).map(keyOf));
        const original = [...known];
        const cmp = compare(sort, order === 'desc');
        const seen: Row[] = [];
        const due: string[] = []; // added after the place the walk had reached: a later page must show them
        let cursor: string | null = null;
        let added = 100;
        let pages = 0;
        do {
          const page: Page = await get(
            `sort=${sort}&order=${order}&limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
          );
          seen.push(...page.rows);
          cursor = page.next_cursor;
          pages++;
          if (!cursor) break;
          // New rows anywhere in the order: before the place reached, at it, after it.
          await addRows(added, 2, pages);
          added += 2;
          const reached = seen[seen.length - 1];
          for (const r of await allRows())
            if (!known.has(keyOf(r))) {
              known.add(keyOf(r));
              if (cmp(r, reached) > 0) due.push(keyOf(r));
            }
        } while (pages < 100);
        const keys = seen.map(keyOf);
        expect(new Set(keys).size).toBe(keys.length); // none twice
        for (const k of [...original, ...due]) expect(keys, k).toContain(k); // none missed
        for (let i = 1; i < seen.length; i++) expect(cmp(seen[i - 1], seen[i]), `${i}`).toBeLessThan(0);
        expect(due.length).toBeGreaterThan(0);
        expect(keys.length).toBeLessThan(known.size); // and some were added behind it, so not shown
      });

  it('walks a filtered view too: one status, one location, below reorder, a search', async () => {
    for (const filter of [
      'status=low',
      'status=negative&sort=on_hand',
      'location_id=L-B&sort=last_activity_at&order=desc',
      'below_reorder=true&sort=status',
      'q=part 1&sort=on_hand&order=desc'
    ]) {
      const expected = (await get(`${filter}&limit=1000`)).rows.map(keyOf);
      expect(expected.length, filter).toBeGreaterThan(2);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Page = await get(`${filter}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        seen.push(...page.rows.map(keyOf));
        cursor = page.next_cursor;
      } while (cursor);
      expect(seen, filter).toEqual(expected);
    }
  });

  it('says there is more only when there is', async () => {
    const n = (await allRows()).length;
    expect(await get(`limit=${n}`)).toMatchObject({ more: false, next_cursor: null });
    const short = await get(`limit=${n - 1}`);
    expect(short.more).toBe(true);
    expect((await get(`limit=${n}&cursor=${short.next_cursor}`)).rows).toHaveLength(1);
    expect(await get(`status=ok&q=nothing-like-this`)).toMatchObject({ rows: [], more: false, next_cursor: null });
  });
});

describe('a cursor the server did not give out', () => {
  const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
  it('is a 400 with a clear error, never a 500', async () => {
    const good = (await get('sort=on_hand&limit=2')).next_cursor!;
    const bad: [string, string][] = [
      ['sort=on_hand', 'not a cursor!'],
      ['sort=on_hand', b64('not json')],
      ['sort=on_hand', b64([1, 2])],
      ['sort=on_hand', b64({ s: 'on_hand', o: 'asc', k: ['x', 'P-000', 'L-A'] })],
      ['sort=on_hand', b64({ s: 'on_hand', o: 'asc', k: [1.5, 'P-000', 'L-A'] })],
      ['sort=on_hand', b64({ s: 'on_hand', o: 'asc', k: [1, 'P-000'] })],
      ['sort=on_hand', b64({ s: 'on_hand', o: 'asc', k: [1, 'P-000', 'L-A'], extra: 1 })],
      ['sort=on_hand', b64({ s: 'on_hand', o: 'up', k: [1, 'P-000', 'L-A'] })],
      ['sort=status', b64({ s: 'status', o: 'asc', k: [3, 'P-000', 'L-A'] })],
      ['sort=last_activity_at', b64({ s: 'last_activity_at', o: 'asc', k: ['yesterday', 'P-000', 'L-A'] })],
      [
        'sort=last_activity_at',
        b64({ s: 'last_activity_at', o: 'asc', k: ['20260-01-01T00:00:00.000000Z', 'P', 'L'] })
      ],
      ['sort=item_id', b64({ s: 'item_id', o: 'asc', k: ['', 'L-A'] })],
      ['sort=item_id', good], // another sort's cursor
      ['sort=on_hand&order=desc', good], // another order's
      ['sort=on_hand', 'A'.repeat(601)]
    ];
    for (const [query, cursor] of bad) {
      const res = await app.request(`/api/inventory?${query}&cursor=${encodeURIComponent(cursor)}`);
      expect(res.status, `${query} ${cursor}`).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('invalid_request');
      expect(body.error.message).toMatch(/cursor/);
    }
  });

  it('refuses offset paging, which the cursor replaced', async () => {
    expect((await app.request('/api/inventory?offset=50')).status).toBe(400);
  });
});

describe('status, from the reorder point kept on each stock row', () => {
  it('is the domain rule, and moves when the item’s reorder point does', async () => {
    for (const r of await allRows()) expect(r.status, keyOf(r)).toBe(stockStatus(r.on_hand, r.reorder_point));
    // P-005: reorder point 10 (REORDER[2]); its rows hold 25 (ok) at L-A, -3 (negative) at L-B, 0 (low) at L-C.
    const at = async () =>
      Object.fromEntries(
        (await get('item_id=P-005')).rows.map((r) => [r.location_id, [r.status, r.reorder_point] as const])
      );
    expect(await at()).toEqual({ 'L-A': ['ok', 10], 'L-B': ['negative', 10], 'L-C': ['low', 10] });
    await db.sql`UPDATE items SET reorder_point = 30 WHERE item_id = 'P-005'`;
    expect(await at()).toEqual({ 'L-A': ['low', 30], 'L-B': ['negative', 30], 'L-C': ['low', 30] });
    expect((await get('status=low&item_id=P-005')).rows).toHaveLength(2);
    await db.sql`UPDATE items SET reorder_point = NULL WHERE item_id = 'P-005'`;
    expect(await at()).toEqual({ 'L-A': ['ok', null], 'L-B': ['negative', null], 'L-C': ['ok', null] });
    expect((await get('status=ok&item_id=P-005')).rows).toHaveLength(2);
    // Many items in one statement, as an import changes them.
    await db.sql`UPDATE items SET reorder_point = 1000`;
    const rows = await allRows();
    expect(rows.every((r) => r.reorder_point === 1000 && r.status === (r.on_hand < 0 ? 'negative' : 'low'))).toBe(true);
    expect((await get('status=ok')).rows).toEqual([]);
  });
});
