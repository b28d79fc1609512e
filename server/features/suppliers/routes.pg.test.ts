// Supervisors saving at the same moment, on a real PostgreSQL server with a pool (PGlite has one connection, so
// nothing overlaps there): never a 500, never a lost update, and the schema's rules hold afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app';
import { loadConfig } from '../../config';
import { createTestDb, type TestDb } from '../../testing/testdb';

let db: TestDb;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  db = await createTestDb();
  app = createApp({ sql: db.sql, config: loadConfig({}), dbKind: db.kind });
  await db.sql`INSERT INTO items (item_id) SELECT 'I-' || g FROM generate_series(1, 20) g`;
  await db.sql`INSERT INTO suppliers (supplier_id, name) VALUES ('S1', 'One'), ('S2', 'Two'), ('S3', 'Three')`;
  await db.sql`INSERT INTO categories (category_id, name, path) SELECT 'c' || g, 'C' || g, '' FROM generate_series(1, 2) g`;
});
afterAll(() => db.close());

const patch = (path: string, rows: unknown[]) =>
  app.request(path, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ rows })
  });
const part = (supplier_id: string, item_id: string, preferred: boolean) => ({
  supplier_id,
  supplier_part: `${supplier_id}-${item_id}`,
  item_id,
  pack_size: 1,
  price: null,
  preferred,
  version: null
});

describe('concurrent master-data saves', () => {
  it('three supervisors make three suppliers preferred for one item at once: one wins each round, the others get 409', async () => {
    for (let i = 1; i <= 10; i++) {
      const item = `I-${i}`;
      const answers = await Promise.all(
        ['S1', 'S2', 'S3'].map((s) => patch('/api/supplier-items', [part(s, item, true)]))
      );
      const statuses = answers.map((a) => a.status).sort();
      expect(
        statuses.every((s) => s === 200 || s === 409),
        `round ${i}: ${statuses}`
      ).toBe(true);
      expect(statuses).toContain(200);
      const preferred = await db.sql`SELECT supplier_id FROM supplier_items WHERE item_id = ${item} AND preferred`;
      expect(preferred).toHaveLength(1);
      // Every 200 wrote its row; a 409 wrote nothing.
      const rows = await db.sql`SELECT count(*)::int AS n FROM supplier_items WHERE item_id = ${item}`;
      expect(rows[0].n).toBe(statuses.filter((s) => s === 200).length);
    }
  });

  it('two supervisors add the same supplier part at once: one creates it, the other is told, nothing overwritten', async () => {
    for (let i = 11; i <= 20; i++) {
      const mine = { ...part('S1', `I-${i}`, false), pack_size: 5 };
      const theirs = { ...part('S1', `I-${i}`, false), pack_size: 7 };
      const answers = await Promise.all([patch('/api/supplier-items', [mine]), patch('/api/supplier-items', [theirs])]);
      const statuses = answers.map((a) => a.status);
      expect([...statuses].sort()).toEqual([200, 409]);
      const [row] =
        await db.sql`SELECT pack_size, version FROM supplier_items WHERE supplier_part = ${mine.supplier_part}`;
      expect(row).toEqual({ pack_size: statuses[0] === 200 ? 5 : 7, version: 1 });
    }
  });

  it('two supervisors create the same supplier at once: one 200, one 409', async () => {
    const row = (name: string) => ({
      supplier_id: 'NEWCO',
      name,
      contact: '',
      lead_time_days: 1,
      address: '',
      latitude: null,
      longitude: null,
      active: true,
      version: null
    });
    const answers = await Promise.all([
      patch('/api/suppliers', [row('Newco A')]),
      patch('/api/suppliers', [row('Newco B')])
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(
      await db.sql`SELECT count(*)::int AS n FROM audit_log WHERE entity = 'supplier' AND entity_id = 'NEWCO'`
    ).toEqual([{ n: 1 }]);
  });

  it('two moves that would make a loop together: the table lock lets one through and refuses the other', async () => {
    const move = (id: string, parent: string) =>
      app.request(`/api/categories/${id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ version: 1, parent_id: parent })
      });
    const answers = await Promise.all([move('c1', 'c2'), move('c2', 'c1')]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 400]);
    const paths = await db.sql`SELECT category_id, path FROM categories ORDER BY 1`;
    expect(paths.some((p) => p.path.split('/').length === 2)).toBe(true);
    expect(paths.every((p) => p.path.endsWith(p.category_id))).toBe(true);
  });
});
