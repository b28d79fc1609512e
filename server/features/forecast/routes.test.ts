// GET /api/items/:item_id/forecast on a known history: consumption per day (voids, intakes and today left out,
// locations summed), the local forecast, the lead time from the preferred supplier or the default, the reorder point
// worked out by hand; and with FORECAST_ENDPOINT, a local HTTP server answering as a serving endpoint: its forecast
// used, and on a 500, a timeout or garbage the local one with the reason.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, type ForecastAnswer } from '#domain/forecast';
import { createApp } from '../../app';
import { loadConfig } from '../../config';
import { createTestDb, type TestDb } from '../../testing/testdb';

let db: TestDb;
let app: ReturnType<typeof createApp>;
let today: string;
let seq = 0;

/** A scan `daysAgo` whole UTC days before today, at 10:00 UTC. */
async function scan(
  item: string,
  daysAgo: number,
  qty: number,
  opts: { type?: 'INTAKE' | 'CONSUME'; location?: string; voided?: boolean } = {}
) {
  const id = randomUUID();
  const at = `${addDays(today, -daysAgo)}T10:00:00Z`;
  await db.sql`
    INSERT INTO scan_events (event_id, device_id, device_seq, event_type, item_id, qty, location_id, source, captured_at)
    VALUES (${id}, 'tab-f', ${++seq}, ${opts.type ?? 'CONSUME'}, ${item}, ${qty}, ${opts.location ?? 'LINE-1'}, 'wedge', ${at})`;
  if (opts.voided)
    await db.sql`
      INSERT INTO scan_events (event_id, device_id, device_seq, event_type, item_id, qty, location_id, source, captured_at, voids_event_id)
      VALUES (${randomUUID()}, 'tab-f', ${++seq}, 'VOID', ${item}, ${qty}, ${opts.location ?? 'LINE-1'}, 'wedge', ${at}, ${id})`;
}

const get = async (a: ReturnType<typeof createApp>, path: string) => {
  const res = await a.request(path);
  return {
    status: res.status,
    body: (await res.json()) as ForecastAnswer & { error?: { code: string; message: string } }
  };
};

beforeAll(async () => {
  db = await createTestDb();
  app = createApp({ sql: db.sql, config: loadConfig({}), dbKind: db.kind });
  [{ today }] = await db.sql<
    { today: string }[]
  >`SELECT to_char((now() AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS today`;
  await db.sql`INSERT INTO locations (location_id, name) VALUES ('LINE-1', 'Line 1'), ('LINE-2', 'Line 2')`;
  await db.sql`INSERT INTO items (item_id, reorder_point) VALUES ('P-C', 5), ('P-S', NULL), ('P-OLD', 1), ('P-NONE', 3)`;
  // P-C: 4 a day for the last 28 days, 3 at LINE-1 and 1 at LINE-2; an intake, a voided consume and today's scans
  // do not count as consumption.
  await scan('P-C', 28, 100, { type: 'INTAKE' });
  for (let d = 1; d <= 28; d++) {
    await scan('P-C', d, 3);
    await scan('P-C', d, 1, { location: 'LINE-2' });
  }
  await scan('P-C', 5, 50, { voided: true });
  await scan('P-C', 0, 40);
  // P-S: a week with one spike of 10, four days ago (0, 0, 0, 10, 0, 0, 0).
  await scan('P-S', 7, 1, { type: 'INTAKE' });
  await scan('P-S', 4, 10);
  // P-OLD: one consume 300 days ago, nothing since: 182 days of zeros.
  await scan('P-OLD', 300, 8);
});
afterAll(() => db?.close());

describe('the local forecast', () => {
  it('counts whole UTC days up to yesterday, summed over locations, without voided scans or intakes', async () => {
    const { status, body } = await get(app, '/api/items/P-C/forecast');
    expect(status).toBe(200);
    expect(body.history).toHaveLength(28);
    expect(body.history[0]).toEqual({ day: addDays(today, -28), qty: 4 });
    expect(body.history[27]).toEqual({ day: addDays(today, -1), qty: 4 });
    expect(body.history.every((h) => h.qty === 4)).toBe(true);
    expect(body.forecast).toHaveLength(90);
    expect(body.forecast[0].day).toBe(today);
    expect(body.forecast[89].day).toBe(addDays(today, 89));
    body.forecast.forEach((f) => expect(f.qty).toBeCloseTo(4, 9));
    expect(body).toMatchObject({ source: 'local', endpoint: null, fallback_reason: null, current_reorder_point: 5 });
    expect(body.local).toMatchObject({ method: 'ses+weekday', alpha: 0.1 });
    // 4 a day for 7 days (the default lead time), no variation: 28.
    expect(body.lead_time).toEqual({ days: 7, source: 'default', supplier_id: null, supplier_name: null });
    expect(body.suggestion).toMatchObject({
      lead_time_days: 7,
      service_level: 0.95,
      sigma_daily: 0,
      safety_stock: 0,
      reorder_point: 28
    });
    expect(body.suggestion!.mean_daily_demand).toBeCloseTo(4, 9);
  });

  it('adds z × σ × √L for a spiky item, at the service level asked for', async () => {
    const { body } = await get(app, '/api/items/P-S/forecast');
    expect(body.history.map((h) => h.qty)).toEqual([0, 0, 0, 10, 0, 0, 0]);
    expect(body.local.method).toBe('ses');
    expect(body.local.level).toBeCloseTo(0.729, 12);
    // 7 × 0.729 + 1.6449 × √(100/7) × √7 = 5.103 + 16.449 = 21.55 → 22
    expect(body.suggestion!.reorder_point).toBe(22);
    expect(body.current_reorder_point).toBeNull();
    // At 99%: 5.103 + 2.3263 × 10 = 28.37 → 29
    const high = await get(app, '/api/items/P-S/forecast?service_level=0.99');
    expect(high.body.suggestion).toMatchObject({ service_level: 0.99, reorder_point: 29 });
  });

  it('reads at most 182 days, and says nothing for an item never scanned', async () => {
    const old = await get(app, '/api/items/P-OLD/forecast');
    expect(old.body.history).toHaveLength(182);
    expect(old.body.history[0].day).toBe(addDays(today, -182));
    expect(old.body.suggestion!.reorder_point).toBe(0);
    const none = await get(app, '/api/items/P-NONE/forecast');
    expect(none.status).toBe(200);
    expect(none.body).toMatchObject({
      history: [],
      forecast: [],
      suggestion: null,
      local: { method: 'none', level: null },
      current_reorder_point: 3
    });
  });

  it('takes the lead time from the preferred supplier', async () => {
    await db.sql`INSERT INTO suppliers (supplier_id, name, lead_time_days) VALUES ('ACME', 'Acme Fasteners', 10), ('SLOW', 'Slow Parts', 30)`;
    await db.sql`INSERT INTO supplier_items (supplier, supplier_part, item_id, supplier_id, preferred)
                 VALUES ('Acme Fasteners', 'AF-1', 'P-C', 'ACME', true), ('Slow Parts', 'SP-1', 'P-C', 'SLOW', false)`;
    const { body } = await get(app, '/api/items/P-C/forecast');
    expect(body.lead_time).toEqual({
      days: 10,
      source: 'supplier',
      supplier_id: 'ACME',
      supplier_name: 'Acme Fasteners'
    });
    expect(body.suggestion!.reorder_point).toBe(40);
    // An inactive preferred supplier is no one to order from (a PO to it is refused): its lead time is not used.
    await db.sql`UPDATE suppliers SET active = false WHERE supplier_id = 'ACME'`;
    expect((await get(app, '/api/items/P-C/forecast')).body.lead_time).toEqual({
      days: 7,
      source: 'default',
      supplier_id: null,
      supplier_name: null
    });
    await db.sql`UPDATE suppliers SET active = true WHERE supplier_id = 'ACME'`;
    // The default lead time is configurable for items without a preferred supplier.
    const longer = createApp({ sql: db.sql, config: loadConfig({ DEFAULT_LEAD_TIME_DAYS: '3' }), dbKind: db.kind });
    expect((await get(longer, '/api/items/P-S/forecast')).body.lead_time).toMatchObject({ days: 3, source: 'default' });
  });

  it('refuses bad input with a clear 4xx', async () => {
    expect((await get(app, '/api/items/NOPE/forecast')).status).toBe(404);
    for (const q of ['service_level=0.3', 'service_level=1', 'service_level=abc', 'horizon=30']) {
      const { status, body } = await get(app, `/api/items/P-C/forecast?${q}`);
      expect(status, q).toBe(400);
      expect(body.error!.code).toBe('invalid_request');
    }
  });
});

describe('with FORECAST_ENDPOINT', () => {
  type Handler = (
    body: { dataframe_split: { columns: string[]; data: [string, string][] } },
    res: ServerResponse
  ) => void;
  let server: Server;
  let handler: Handler;
  const seen: { path: string; body: { dataframe_split: { columns: string[]; data: [string, string][] } } }[] = [];
  const saved = { host: process.env.DATABRICKS_HOST, token: process.env.DATABRICKS_TOKEN };
  let modelApp: ReturnType<typeof createApp>;

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req
        .on('data', (c) => chunks.push(c))
        .on('end', () => {
          const body = JSON.parse(Buffer.concat(chunks).toString());
          seen.push({ path: req.url!, body });
          handler(body, res);
        });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    // The app's client is configured as on Databricks Apps: from the environment.
    process.env.DATABRICKS_HOST = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    process.env.DATABRICKS_TOKEN = 'dapi-forecast-route';
    modelApp = createApp({
      sql: db.sql,
      config: loadConfig({ FORECAST_ENDPOINT: 'linesync-forecast', FORECAST_TIMEOUT_MS: '500' }),
      dbKind: db.kind
    });
  });
  afterAll(async () => {
    process.env.DATABRICKS_HOST = saved.host;
    process.env.DATABRICKS_TOKEN = saved.token;
    if (saved.host === undefined) delete process.env.DATABRICKS_HOST;
    if (saved.token === undefined) delete process.env.DATABRICKS_TOKEN;
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const json = (status: number, body: unknown) => (res: ServerResponse) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

  it('uses the model’s forecast, and the history’s variability for the safety stock', async () => {
    handler = (body, res) => json(200, { predictions: body.dataframe_split.data.map(() => 2) })(res);
    const { body } = await get(modelApp, '/api/items/P-S/forecast');
    expect(seen.at(-1)!.path).toBe('/serving-endpoints/linesync-forecast/invocations');
    const data = seen.at(-1)!.body.dataframe_split.data;
    expect(data).toHaveLength(90);
    expect(data[0]).toEqual(['P-S', today]);
    expect(body).toMatchObject({ source: 'model', endpoint: 'linesync-forecast', fallback_reason: null });
    expect(body.forecast.every((f) => f.qty === 2)).toBe(true);
    // 2 × 7 + 1.6449 × 10 = 30.45 → 31
    expect(body.suggestion).toMatchObject({ mean_daily_demand: 2, lead_time_demand: 14, reorder_point: 31 });
    expect(body.local.level).toBeCloseTo(0.729, 12);
  });

  it.each([
    [
      'a 500',
      () => json(500, { error_code: 'INTERNAL_ERROR', message: 'scoring failed' }),
      /refused the request: .*scoring failed/
    ],
    ['no answer in time', () => () => {}, /did not answer within 500 ms/],
    [
      'garbage',
      () => (res: ServerResponse) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"predictions": "soon"}'),
      /unexpected shape/
    ],
    ['too few days', () => json(200, { predictions: [1, 2, 3] }), /answered 3 values for 90 days/]
  ])('falls back to the local method on %s, and says why', async (_name, make, reason) => {
    const h = make();
    handler = (_body, res) => h(res);
    const { status, body } = await get(modelApp, '/api/items/P-S/forecast');
    expect(status).toBe(200);
    expect(body.source).toBe('local');
    expect(body.fallback_reason).toMatch(reason);
    expect(body.suggestion!.reorder_point).toBe(22);
    expect(body.forecast[0].qty).toBeCloseTo(0.729, 12);
  });
});
