// The snapshot's supplier part → item map (carton labels naming only 1P, offline), on both databases: every part of
// the supplier items, a part two suppliers use for different items left out, and the list bounded.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../app';
import { loadConfig } from '../../config';
import { createTestDb, type TestDb } from '../../testing/testdb';
import { supplierParts } from './supplier-parts';

let db: TestDb;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  db = await createTestDb();
  app = createApp({ sql: db.sql, config: loadConfig({}), dbKind: db.kind });
});
afterAll(() => db.close());
beforeEach(async () => {
  await db.sql`TRUNCATE supplier_items, suppliers, items CASCADE`;
  await db.sql`INSERT INTO items (item_id, description) VALUES ('BOLT-M8', 'Bolt'), ('NUT-M8', 'Nut')`;
  await db.sql`INSERT INTO suppliers (supplier_id, name) VALUES ('ACME', 'Acme'), ('OTHER', 'Other')`;
  await db.sql`INSERT INTO supplier_items (supplier_id, supplier, supplier_part, item_id, confirmed) VALUES
    ('ACME', 'Acme', 'AF-100', 'BOLT-M8', 5), ('OTHER', 'Other', 'OC-100', 'BOLT-M8', 1),
    ('ACME', 'Acme', 'X-1', 'BOLT-M8', 1), ('OTHER', 'Other', 'X-1', 'NUT-M8', 1),
    ('ACME', 'Acme', 'SAME', 'NUT-M8', 1), ('OTHER', 'Other', 'SAME', 'NUT-M8', 1)`;
});

describe(`the snapshot's supplier parts (${process.env.LINESYNC_TEST_DB ?? 'embedded'})`, () => {
  it('maps each supplier part to its item; a part naming two items is left out', async () => {
    const res = await app.request('/api/sync/snapshot');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { supplier_parts: { supplier_part: string; item_id: string }[] };
    expect(body.supplier_parts.map((r) => `${r.supplier_part}→${r.item_id}`).sort()).toEqual([
      'AF-100→BOLT-M8',
      'OC-100→BOLT-M8',
      'SAME→NUT-M8'
    ]);
  });

  it('is bounded, the most confirmed mappings first', async () => {
    expect(await supplierParts(db.sql, 1)).toEqual([{ supplier_part: 'AF-100', item_id: 'BOLT-M8' }]);
  });
});
