// The analytics API on a known history, placed relative to the database's clock: consumption per day for the top
// items (voids out, zeros filled), signals opened and fulfilled per week, throughput per station and hour, and the
// dashboard embed URL only when configured.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '#domain/forecast';
import { createApp } from '../../app';
import { loadConfig } from '../../config';
import { createTestDb, type TestDb } from '../../testing/testdb';

let db: TestDb;
let app: ReturnType<typeof createApp>;
let today: string;
let hour: Date; // the start of the current UTC hour
let seq = 0;

async function scan(
  at: string | Date,
  item: string,
  qty: number,
  opts: { type?: 'INTAKE' | 'CONSUME' | 'VOID'; station?: string; location?: string; voids?: string } = {}
) {
  const id = randomUUID();
  await db.sql`
    INSERT INTO scan_events (event_id, device_id, device_seq, event_type, item_id, qty, location_id, station_id, source, captured_at, voids_event_id)
    VALUES (${id}, 'tab-a', ${++seq}, ${opts.type ?? 'CONSUME'}, ${item}, ${qty}, ${opts.location ?? 'LINE-1'}, ${opts.station ?? 'ST-X'}, 'wedge',
            ${at instanceof Date ? at.toISOString() : at}, ${opts.voids ?? null})`;
  return id;
}

async function signalRow(id: string, state: string, at: string) {
  await db.sql`
    INSERT INTO replenishment_signals (signal_id, item_id, location_id, state, triggered_at_qty, on_hand_at_change, changed_at)
    VALUES (${id}, 'A', 'LINE-1', ${state}, 0, 0, ${at}::timestamptz)`;
}

const get = async (path: string, a = app) => {
  const res = await a.request(path);
  return { status: res.status, body: await res.json() };
};

beforeAll(async () => {
  db = await createTestDb();
  app = createApp({ sql: db.sql, config: loadConfig({}), dbKind: db.kind });
  const [clock] = await db.sql<{ today: string; hour: Date }[]>`
    SELECT to_char((now() AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS today,
           date_trunc('hour', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS hour`;
  ({ today, hour } = clock);
  await db.sql`INSERT INTO locations (location_id, name) VALUES ('LINE-1', 'Line 1'), ('LINE-2', 'Line 2')`;
  await db.sql`INSERT INTO items (item_id) VALUES ('A'), ('B'), ('C'), ('T')`;
  const yesterday = addDays(today, -1);
  await scan(`${yesterday}T09:00:00Z`, 'A', 5);
  await scan(`${addDays(today, -2)}T09:00:00Z`, 'A', 3, { location: 'LINE-2' });
  const voided = await scan(`${yesterday}T10:00:00Z`, 'A', 100);
  await scan(`${yesterday}T10:05:00Z`, 'A', 100, { type: 'VOID', voids: voided });
  await scan(`${yesterday}T11:00:00Z`, 'B', 2);
  await scan(`${yesterday}T11:00:00Z`, 'C', 50, { type: 'INTAKE' });
  await scan(`${addDays(today, -40)}T11:00:00Z`, 'B', 900); // outside 28 days

  // The hour before the current one: ST-A one intake that counts and one undone there; ST-B an intake of 3. All of
  // item T and intakes, so they stay out of the consumption figures.
  const prev = new Date(hour.getTime() - 3_600_000 + 10 * 60_000);
  await scan(prev, 'T', 4, { type: 'INTAKE', station: 'ST-A' });
  const undone = await scan(prev, 'T', 6, { type: 'INTAKE', station: 'ST-A' });
  await scan(new Date(prev.getTime() + 60_000), 'T', 6, { type: 'VOID', voids: undone, station: 'ST-A' });
  await scan(prev, 'T', 3, { type: 'INTAKE', station: 'ST-B' });
  await scan(new Date(hour.getTime() - 30 * 3_600_000), 'T', 1, { type: 'INTAKE', station: 'ST-B' }); // outside 24 hours
});
afterAll(() => db?.close());

describe('consumption per day per item', () => {
  it('answers the top items with a full daily series each, and the total over all items', async () => {
    const { status, body } = await get('/api/analytics/consumption?days=7');
    expect(status).toBe(200);
    expect(body.days).toHaveLength(7);
    expect(body.days[0]).toBe(addDays(today, -6));
    expect(body.days[6]).toBe(today);
    expect(body.items).toEqual([
      { item_id: 'A', total: 8, qty: [0, 0, 0, 0, 3, 5, 0] },
      { item_id: 'B', total: 2, qty: [0, 0, 0, 0, 0, 2, 0] }
    ]);
    expect(body.total).toEqual([0, 0, 0, 0, 3, 7, 0]);
    expect(
      (await get('/api/analytics/consumption?days=7&limit=1')).body.items.map((i: { item_id: string }) => i.item_id)
    ).toEqual(['A']);
    // 41 days reach the old consumption of B.
    expect((await get('/api/analytics/consumption?days=41')).body.items[0]).toMatchObject({ item_id: 'B', total: 902 });
  });
});

describe('signals per week', () => {
  it('counts openings in the week they opened and fulfilments in the week they were fulfilled', async () => {
    const [w] = await db.sql<{ this_week: string; mid: string; last_week: string; long_ago: string }[]>`
      SELECT (date_trunc('week', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')::text AS this_week,
             (date_trunc('week', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + (now() - (date_trunc('week', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')) / 2)::text AS mid,
             (date_trunc('week', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - interval '3 days')::text AS last_week,
             (now() - interval '20 weeks')::text AS long_ago`;
    const [s1, s2, s3] = [randomUUID(), randomUUID(), randomUUID()];
    await signalRow(s1, 'OPEN', w.mid); // this week, fulfilled this week
    await signalRow(s1, 'FULFILLED', w.mid);
    await signalRow(s2, 'OPEN', w.last_week); // last week, fulfilled this week
    await signalRow(s2, 'ACKNOWLEDGED', w.last_week);
    await signalRow(s2, 'FULFILLED', w.mid);
    await signalRow(s3, 'OPEN', w.long_ago); // outside the window
    const { body } = await get('/api/analytics/signals?weeks=2');
    const monday = new Date(w.this_week).toISOString().slice(0, 10);
    expect(body.weeks).toEqual([
      { week: addDays(monday, -7), opened: 1, fulfilled: 0 },
      { week: monday, opened: 1, fulfilled: 2 }
    ]);
    expect((await get('/api/analytics/signals')).body.weeks).toHaveLength(12);
  });
});

describe('station throughput per hour', () => {
  it('answers every hour of the window per station: scans that count, units, undos', async () => {
    const { body } = await get('/api/analytics/throughput?hours=24');
    expect(body.hours).toHaveLength(24);
    expect(body.hours[23]).toBe(hour.toISOString());
    const zeros = Array(24).fill(0);
    const at22 = (v: number) => zeros.map((z, i) => (i === 22 ? v : z));
    // Only the two stations of that hour (the consumption scans above, at ST-X, may fall inside the window too).
    expect(body.stations.filter((s: { station_id: string }) => s.station_id !== 'ST-X')).toEqual([
      { station_id: 'ST-A', scans: at22(1), units: at22(4), voids: at22(1) },
      { station_id: 'ST-B', scans: at22(1), units: at22(3), voids: zeros }
    ]);
    // 31 hours reach the older scan at ST-B.
    const longer = (await get('/api/analytics/throughput?hours=31')).body;
    expect(longer.stations.find((s: { station_id: string }) => s.station_id === 'ST-B').scans[0]).toBe(1);
  });
});

describe('the dashboard embed', () => {
  it('is named only when configured', async () => {
    expect((await get('/api/analytics/dashboard')).body).toEqual({ embed_url: null });
    const url = 'https://adb-1234.5.azuredatabricks.net/embed/dashboardsv3/01ef?o=1234';
    const withEmbed = createApp({ sql: db.sql, config: loadConfig({ DASHBOARD_EMBED_URL: url }), dbKind: db.kind });
    expect((await get('/api/analytics/dashboard', withEmbed)).body).toEqual({ embed_url: url });
  });
});

describe('input', () => {
  it('refuses windows out of range with a clear 400', async () => {
    for (const path of [
      '/api/analytics/consumption?days=0',
      '/api/analytics/consumption?limit=21',
      '/api/analytics/signals?weeks=200',
      '/api/analytics/throughput?hours=abc',
      '/api/analytics/throughput?x=1'
    ]) {
      const { status, body } = await get(path);
      expect(status, path).toBe(400);
      expect(body.error.code).toBe('invalid_request');
    }
  });
});
