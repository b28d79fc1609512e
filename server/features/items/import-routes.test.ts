// POST /api/items/import: all errors before anything is written; then one transaction, audited.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../../app';
import { loadConfig } from '../../config';
import { createTestDb, type TestDb } from '../../testing/testdb';
import { CLIENT_HEADERS } from '#domain/client-header';

let db: TestDb;
let app: ReturnType<typeof createApp>;
const upload = (text: string | Uint8Array<ArrayBuffer>, type = 'text/csv') =>
  app.request('/api/items/import', {
    method: 'POST',
    headers: { 'content-type': type, ...CLIENT_HEADERS },
    body: text
  });
const count = async () => (await db.sql<{ n: number }[]>`SELECT count(*) AS n FROM items`)[0].n;

beforeAll(async () => {
  db = await createTestDb();
  app = createApp({ sql: db.sql, config: loadConfig({}), dbKind: db.kind });
  await db.sql`INSERT INTO items (item_id, description, unit, reorder_point, gtin) VALUES ('OLD-1', 'Old one', 'box', 3, '96385074'), ('OLD-2', 'Old two', 'ea', NULL, NULL)`;
  await db.sql`INSERT INTO items (item_id, placeholder) VALUES ('SCAN-1', true)`;
});
afterAll(() => db.close());

it('answers every error with row and column and writes nothing', async () => {
  const res = await upload(
    'item_id,description,reorder_qty,gtin\nNEW-1,ok,5,\nNEW-2,x,-2,\nNEW-3,y,1,96385074\n,z,1,\n'
  );
  expect(res.status).toBe(422);
  const body = await res.json();
  expect(body.error.code).toBe('invalid_csv');
  expect(body.error.details.errors).toEqual([
    { row: 3, column: 'reorder_qty', message: 'must be 0 or more' },
    { row: 5, column: 'item_id', message: 'must not be empty' }
  ]);
  expect(await count()).toBe(3);
  // A GTIN owned by an item the file does not name is found in the database, still before anything is written.
  const taken = await upload('item_id,gtin\nNEW-1,96385074\n');
  expect((await taken.json()).error.details.errors).toEqual([
    { row: 2, column: 'gtin', message: '96385074 already belongs to item OLD-1' }
  ]);
  expect(await count()).toBe(3);
});

it('creates and updates in one go: BOM, semicolons, only the columns named, every change audited', async () => {
  const text =
    '\uFEFFitem_id;description;reorder_point\nOLD-1;"Old one; renamed";3\nOLD-2;Old two;\nNEW-9;"New <b>nine</b>";12\nSCAN-1;Scanned thing;\n';
  const res = await upload(new TextEncoder().encode(text));
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ rows: 4, created: 1, updated: 2, unchanged: 1 });
  const rows =
    await db.sql`SELECT item_id, description, unit, reorder_point, gtin, version, placeholder, updated_by FROM items ORDER BY item_id`;
  expect(rows).toEqual([
    {
      item_id: 'NEW-9',
      description: 'New <b>nine</b>',
      unit: 'ea',
      reorder_point: 12,
      gtin: null,
      version: 1,
      placeholder: false,
      updated_by: 'supervisor@localhost'
    },
    {
      item_id: 'OLD-1',
      description: 'Old one; renamed',
      unit: 'box',
      reorder_point: 3,
      gtin: '96385074',
      version: 2,
      placeholder: false,
      updated_by: 'supervisor@localhost'
    },
    {
      item_id: 'OLD-2',
      description: 'Old two',
      unit: 'ea',
      reorder_point: null,
      gtin: null,
      version: 1,
      placeholder: false,
      updated_by: null
    },
    {
      item_id: 'SCAN-1',
      description: 'Scanned thing',
      unit: 'ea',
      reorder_point: null,
      gtin: null,
      version: 2,
      placeholder: false,
      updated_by: 'supervisor@localhost'
    }
  ]);
  const audit =
    await db.sql`SELECT entity_id, action, before->>'description' AS before, after->>'description' AS after FROM audit_log ORDER BY entity_id`;
  expect(audit).toEqual([
    { entity_id: 'NEW-9', action: 'create', before: null, after: 'New <b>nine</b>' },
    { entity_id: 'OLD-1', action: 'import', before: 'Old one', after: 'Old one; renamed' },
    { entity_id: 'SCAN-1', action: 'import', before: '', after: 'Scanned thing' }
  ]);
});

it('refuses a file that is not UTF-8 or not CSV', async () => {
  expect((await upload(new Uint8Array([0x69, 0x74, 0xff, 0x0a]))).status).toBe(400);
  expect((await upload('item_id\nA\n', 'application/json')).status).toBe(415);
});

it('stores imported GTINs as 14 digits and refuses two forms of one GTIN in a file', async () => {
  const twice = await upload('item_id,gtin\nUPC-1,036000291452\nUPC-2,0036000291452\n');
  expect(twice.status).toBe(422);
  expect((await twice.json()).error.details.errors).toEqual([
    { row: 3, column: 'gtin', message: '0036000291452 is also on row 2' }
  ]);
  // OLD-1 holds 96385074 as it was typed before GTINs were normalised: its 14-digit form is the same GTIN.
  const taken = await upload('item_id,gtin\nUPC-3,00000096385074\n');
  expect((await taken.json()).error.details.errors).toEqual([
    { row: 2, column: 'gtin', message: '00000096385074 already belongs to item OLD-1' }
  ]);
  expect((await upload('item_id,gtin\nUPC-1,036000291452\n')).status).toBe(200);
  expect(await db.sql`SELECT gtin FROM items WHERE item_id = 'UPC-1'`).toEqual([{ gtin: '00036000291452' }]);
  const found = await (await app.request('/api/items?gtin=0036000291452')).json();
  expect(found.rows.map((r: { item_id: string }) => r.item_id)).toEqual(['UPC-1']);
});
