// The typed contract: every answer the console reads, from the sample plant, parsed by the schema its page parses it
// with (src/lib/domain/responses.ts). A schema that drifts from what the server sends fails here, not on a page.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { createApp } from './app';
import { loadConfig } from './config';
import { seed } from './db/seed';
import { createTestDb, type TestDb } from './testing/testdb';
import * as r from '#domain/responses';

let db: TestDb;
let app: ReturnType<typeof createApp>;
const send = (method: string, path: string, body: unknown) =>
  app.request(path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

beforeAll(async () => {
  db = await createTestDb();
  app = createApp({ sql: db.sql, config: loadConfig({}), dbKind: db.kind });
  await seed(db.sql, { days: 7 });
  const [{ on_hand }] = await db.sql`SELECT on_hand FROM stock_levels WHERE item_id = 'P-1001' LIMIT 1`;
  const [{ location_id }] = await db.sql`SELECT location_id FROM stock_levels WHERE item_id = 'P-1001' LIMIT 1`;
  const pushed = await send('POST', '/api/sync/events', {
    device_id: 'tab-contract',
    events: [
      {
        event_id: randomUUID(),
        device_seq: 1,
        event_type: 'COUNT',
        item_id: 'P-1001',
        qty: Number(on_hand) + 2,
        expected_qty: Number(on_hand),
        location_id,
        source: 'wedge',
        captured_at: new Date().toISOString()
      }
    ]
  });
  expect(pushed.status).toBe(200);
  const po = await send('POST', '/api/purchase-orders', {
    supplier_id: 'FASTCO',
    lines: [{ item_id: 'P-1001', qty_ordered: 10 }]
  });
  expect(po.status).toBe(201);
}, 60_000);
afterAll(() => db.close());

async function read<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S>> {
  const res = await app.request(path);
  expect(res.status, path).toBe(200);
  const parsed = schema.safeParse(await res.json());
  expect(parsed.error?.issues, path).toBeUndefined();
  return parsed.data as z.infer<S>;
}

describe('the answers the console reads parse with their schemas', () => {
  it('items, one item, its stock, history, scans, audit, counts and forecast', async () => {
    const items = await read('/api/items?limit=1000&active=true', r.itemPageSchema);
    expect(items.rows.length).toBeGreaterThan(0);
    expect((await read('/api/items/P-1001', r.itemDetailSchema)).category_id).not.toBeNull();
    expect((await read('/api/inventory?item_id=P-1001&limit=1000', r.stockRowsSchema)).rows.length).toBeGreaterThan(0);
    expect((await read('/api/items/P-1001/history', r.itemHistorySchema)).points.length).toBeGreaterThan(0);
    const scans = await read('/api/events?item_id=P-1001&order=captured&limit=2', r.scanPageSchema);
    expect(scans.next_cursor).not.toBeNull();
    await read(`/api/events?item_id=P-1001&order=captured&limit=2&before=${scans.next_cursor}`, r.scanPageSchema);
    expect((await read('/api/counts?item_id=P-1001&limit=50', r.countListSchema)).rows).toHaveLength(1);
    await read('/api/items/P-1001/lots', r.itemLotsSchema);
    expect((await read('/api/items/P-1001/forecast?service_level=0.95', r.forecastAnswerSchema)).suggestion).not.toBe(
      null
    );
    await read('/api/me', r.meSchema);

    const item = items.rows.find((i) => i.item_id === 'P-1001')!;
    const saved = await send('PATCH', '/api/items', { rows: [{ ...pick(item), description: 'Renamed' }] });
    expect(r.itemsSavedSchema.parse(await saved.json()).saved).toHaveLength(1);
    expect((await read('/api/items/P-1001/audit', r.auditListSchema)).rows.length).toBeGreaterThan(0);
    const detail = await read('/api/items/P-1001', r.itemDetailSchema);
    const cat = await send('PUT', '/api/items/P-1001/category', { category_id: null, version: detail.version });
    expect(r.itemCategorySavedSchema.parse(await cat.json())).toMatchObject({ category_id: null });
  });

  it('categories, suppliers, their catalogue, audit and purchasing record', async () => {
    expect((await read('/api/categories', r.categoryListSchema)).rows.length).toBeGreaterThan(0);
    const suppliers = await read('/api/suppliers?limit=1000', r.supplierPageSchema);
    const s = suppliers.rows.find((x) => x.supplier_id === 'FASTCO')!;
    expect(s.items).toBeGreaterThan(0);
    await read('/api/suppliers/FASTCO', r.supplierViewSchema);
    const parts = await read('/api/supplier-items?supplier_id=FASTCO&limit=1000', r.supplierItemListSchema);
    expect(parts.rows.length).toBeGreaterThan(0);
    await read('/api/supplier-items/unknown-suppliers', r.unknownSupplierListSchema);
    expect((await read('/api/purchase-orders/suppliers/FASTCO/summary', r.supplierPurchasingSchema)).open).toHaveLength(
      1
    );

    const { supplier_id, name, contact: _contact, lead_time_days, address, latitude, longitude, active, version } = s;
    const saved = await send('PATCH', '/api/suppliers', {
      rows: [
        { supplier_id, name, contact: 'new contact', lead_time_days, address, latitude, longitude, active, version }
      ]
    });
    expect(r.suppliersSavedSchema.parse(await saved.json()).saved).toHaveLength(1);
    const p = parts.rows[0];
    const partSave = await send('PATCH', '/api/supplier-items', {
      rows: [
        {
          supplier_id: p.supplier_id,
          supplier_part: p.supplier_part,
          item_id: p.item_id,
          pack_size: p.pack_size + 1,
          price: p.price,
          preferred: p.preferred,
          version: p.version
        }
      ]
    });
    expect(r.supplierItemsSavedSchema.parse(await partSave.json()).saved).toHaveLength(1);
    expect((await read('/api/suppliers/FASTCO/audit', r.supplierAuditListSchema)).rows.length).toBeGreaterThan(1);
  });

  it('analytics', async () => {
    expect((await read('/api/analytics/consumption?days=7', r.consumptionSchema)).items.length).toBeGreaterThan(0);
    await read('/api/analytics/signals?weeks=4', r.analyticsSignalsSchema);
    await read('/api/analytics/throughput?hours=24', r.throughputSchema);
    await read('/api/analytics/dashboard', r.dashboardSchema);
  });

  it('the snapshot names the receiving review reads', async () => {
    expect((await read('/api/sync/snapshot', r.snapshotNamesSchema)).items.length).toBeGreaterThan(0);
  });

  it('a wrong answer is refused, saying where', () => {
    const wrong = r.itemPageSchema.safeParse({ rows: [{ item_id: 'P-1', version: '1' }], total: 1 });
    expect(wrong.error?.issues[0].path).toEqual(['rows', 0, 'description']);
  });
});

const pick = (i: z.infer<typeof r.itemViewSchema>) => ({
  item_id: i.item_id,
  description: i.description,
  unit: i.unit,
  reorder_point: i.reorder_point,
  reorder_qty: i.reorder_qty,
  gtin: i.gtin,
  active: i.active,
  version: i.version
});
