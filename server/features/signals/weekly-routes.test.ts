// GET /api/signals/weekly: medians per week from the signal lifecycle rows.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../../app';
import { loadConfig } from '../../config';
import { createTestDb, type TestDb } from '../../testing/testdb';

let db: TestDb;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  db = await createTestDb();
  app = createApp({ sql: db.sql, config: loadConfig({}), dbKind: db.kind });
  await db.sql`INSERT INTO locations (location_id, name) VALUES ('L', 'L')`;
  await db.sql`INSERT INTO items (item_id) VALUES ('P')`;
});
afterAll(() => db.close());

let base = '';

/** A signal opened `daysAgo` days ago, acknowledged and fulfilled after the given minutes (null: not yet). */
async function signal(daysAgo: number, ackMin: number | null, fulMin: number | null) {
  const opened = db.sql`${base}::timestamptz - make_interval(days => ${daysAgo})`;
  const [{ id }] = await db.sql<{ id: string }[]>`SELECT gen_random_uuid()::text AS id`;
  const row = (state: string, minutes: number) => db.sql`
    INSERT INTO replenishment_signals (signal_id, item_id, location_id, state, triggered_at_qty, on_hand_at_change, changed_at)
    VALUES (${id}::uuid, 'P', 'L', ${state}, 1, 1, ${opened} + make_interval(mins => ${minutes}))`;
  await row('OPEN', 0);
  if (ackMin !== null) await row('ACKNOWLEDGED', ackMin);
  if (fulMin !== null) await row('FULFILLED', fulMin);
}

it('answers count and median seconds per week, newest week first, within the weeks asked for', async () => {
  const [{ dow, now }] = await db.sql<{ dow: number; now: string }[]>`
    SELECT extract(isodow FROM now() AT TIME ZONE 'UTC')::int AS dow, now()::text AS now`;
  base = now; // one instant for every row, so the durations are exact
  const thisWeek = 0; // today
  const lastWeek = dow + 1; // a day of last week
  await signal(thisWeek, 10, 60);
  await signal(thisWeek, 20, 120);
  await signal(thisWeek, 90, null);
  await signal(lastWeek, 5, 30);
  await signal(70, 1, 2); // ten weeks ago: outside the default 8

  const { rows } = await (await app.request('/api/signals/weekly')).json();
  expect(rows).toHaveLength(2);
  expect(rows[0]).toMatchObject({
    opened: 3,
    acknowledged: 3,
    fulfilled: 2,
    median_seconds_to_acknowledge: 1200,
    median_seconds_to_fulfil: 5400
  });
  expect(rows[1]).toMatchObject({ opened: 1, median_seconds_to_acknowledge: 300, median_seconds_to_fulfil: 1800 });
  expect(rows[0].week > rows[1].week).toBe(true);
  expect((await (await app.request('/api/signals/weekly?weeks=12')).json()).rows).toHaveLength(3);
  expect((await app.request('/api/signals/weekly?weeks=0')).status).toBe(400);
});
