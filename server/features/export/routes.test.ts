// CSV exports: streamed, parseable, the items export importable again, a date range for events.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseCsv } from '#domain/csv';
import { createApp } from '../../app';
import { loadConfig } from '../../config';
import { createTestDb, type TestDb } from '../../testing/testdb';
import { makeEvent } from '../../testing/testkit';

let db: TestDb;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  db = await createTestDb();
  app = createApp({ sql: db.sql, config: loadConfig({}), dbKind: db.kind });
  await db.sql`INSERT INTO locations (location_id, name) VALUES ('LINE-1', 'Line 1')`;
  await db.sql`INSERT INTO items (item_id, description, reorder_point) SELECT 'X-' || lpad(g::text, 5, '0'), 'Part "' || g || '", =1+1', 2 FROM generate_series(1, 4500) g`;
  const res = await app.request('/api/sync/events', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      device_id: 'tab-1',
      events: [
        makeEvent({ device_seq: 1, event_type: 'INTAKE', item_id: 'X-00001', qty: 3 }),
        makeEvent({ device_seq: 2, item_id: 'X-00001', qty: 2 })
      ]
    })
  });
  expect(res.status).toBe(200);
});
afterAll(() => db.close());

const get = async (path: string) => {
  const res = await app.request(path);
  return { res, text: await res.text() };
};

it('streams the items over several cursor batches, with a BOM, and the import takes the file back unchanged', async () => {
  const { res, text } = await get('/api/export/items.csv');
  expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
  expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="items-/);
  const { records } = parseCsv(text);
  expect(records[0]).toEqual([
    'item_id',
    'description',
    'unit',
    'reorder_point',
    'reorder_qty',
    'gtin',
    'active',
    'tracking'
  ]);
  expect(records).toHaveLength(4501);
  expect(records[1]).toEqual(['X-00001', 'Part "1", =1+1', 'ea', '2', '', '', 'true', 'none']);
  const back = await app.request('/api/items/import', {
    method: 'POST',
    headers: { 'content-type': 'text/csv', 'x-linesync-client': '1' },
    body: text
  });
  expect(await back.json()).toEqual({ rows: 4500, created: 0, updated: 0, unchanged: 4500 });
});

it('exports inventory, signals, and events within a date range only', async () => {
  const inv = parseCsv((await get('/api/export/inventory.csv')).text).records;
  expect(inv[1].slice(0, 5)).toEqual(['X-00001', 'LINE-1', '1', '2', 'low']);
  const sig = parseCsv((await get('/api/export/signals.csv')).text).records;
  expect(sig).toHaveLength(2);
  expect(sig[1][3]).toBe('OPEN');
  const hour = 3_600_000;
  const range = (from: number, to: number) =>
    `/api/export/events.csv?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;
  expect(parseCsv((await get(range(Date.now() - hour, Date.now() + hour))).text).records).toHaveLength(3);
  expect(parseCsv((await get(range(Date.now() - 2 * hour, Date.now() - hour))).text).records).toHaveLength(1);
  expect((await app.request('/api/export/events.csv')).status).toBe(400);
  expect((await app.request('/api/export/events.csv?from=yesterday')).status).toBe(400);
  expect((await app.request(range(Date.now(), Date.now() - hour))).status).toBe(400);
});
