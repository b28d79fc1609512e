// Purchasing master data over HTTP: suppliers (grid save at versions, 409 with theirs), supplier items (one preferred
// per item, moved by a save), the category tree (create, rename, move, loops refused), an item's category, CSV
// import (every error first, then one transaction) and export, and the audit of all of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app';
import { loadConfig } from '../../config';
import { createTestDb, type TestDb } from '../../testing/testdb';
import { MAX_SUPPLIER_IMPORT_BYTES } from './import';
import { CLIENT_HEADERS } from '#domain/client-header';

let db: TestDb;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  db = await createTestDb();
  app = createApp({ sql: db.sql, config: loadConfig({}), dbKind: db.kind });
  await db.sql`INSERT INTO items (item_id, description) VALUES ('P-1', 'Bolt'), ('P-2', 'Nut'), ('P-3', 'Washer')`;
});
afterAll(() => db.close());

const send = (method: string, path: string, json?: unknown) =>
  app.request(path, {
    method,
    headers: json === undefined ? {} : { 'content-type': 'application/json' },
    body: json === undefined ? undefined : JSON.stringify(json)
  });
const csv = (path: string, text: string) =>
  app.request(path, { method: 'POST', headers: { 'content-type': 'text/csv', ...CLIENT_HEADERS }, body: text });
const supplier = (over: Record<string, unknown>) => ({
  contact: '',
  lead_time_days: 3,
  address: '',
  latitude: null,
  longitude: null,
  active: true,
  version: null,
  ...over
});
const audit = (entity: string, id: string) =>
  db.sql`SELECT actor, action, before, after FROM audit_log WHERE entity = ${entity} AND entity_id = ${id} ORDER BY audit_id`;

describe('suppliers', () => {
  it('creates new rows and saves edited ones at their versions, audited', async () => {
    const res = await send('PATCH', '/api/suppliers', {
      rows: [
        supplier({ supplier_id: 'ACME', name: 'Acme', lead_time_days: 5, latitude: 52.37, longitude: 4.89 }),
        supplier({ supplier_id: 'BOLT', name: 'Bolt & Co' })
      ]
    });
    expect(res.status).toBe(200);
    const { saved } = await res.json();
    expect(saved.map((s: { supplier_id: string; version: number }) => [s.supplier_id, s.version])).toEqual([
      ['ACME', 1],
      ['BOLT', 1]
    ]);
    const acme = await (await send('GET', '/api/suppliers/ACME')).json();
    expect(acme).toMatchObject({
      name: 'Acme',
      lead_time_days: 5,
      latitude: 52.37,
      longitude: 4.89,
      updated_by: 'supervisor@localhost'
    });
    const { created_at: _c, updated_at: _u, updated_by: _b, ...values } = acme;
    const edit = await send('PATCH', '/api/suppliers', { rows: [{ ...values, lead_time_days: 9, version: 1 }] });
    expect((await edit.json()).saved[0]).toMatchObject({ lead_time_days: 9, version: 2 });
    expect(await audit('supplier', 'ACME')).toEqual([
      expect.objectContaining({
        action: 'create',
        before: null,
        after: expect.objectContaining({ lead_time_days: 5 })
      }),
      expect.objectContaining({
        action: 'update',
        before: expect.objectContaining({ lead_time_days: 5 }),
        after: expect.objectContaining({ lead_time_days: 9 })
      })
    ]);
    const list = await (await send('GET', '/api/suppliers?q=bolt')).json();
    expect(list).toMatchObject({ total: 1, rows: [{ supplier_id: 'BOLT', items: 0 }] });
  });

  it("answers a stale save 409 with the other person's row and writes nothing of the batch", async () => {
    const [acme] = await db.sql`SELECT version FROM suppliers WHERE supplier_id = 'ACME'`;
    const res = await send('PATCH', '/api/suppliers', {
      rows: [
        supplier({ supplier_id: 'ACME', name: 'Acme', version: acme.version - 1 }),
        supplier({ supplier_id: 'NEW', name: 'Brand new' }),
        supplier({ supplier_id: 'BOLT', name: 'Bolt & Co' })
      ]
    });
    expect(res.status).toBe(409);
    const body = await res.json();
    // BOLT was sent as new (version null) but exists: a conflict too.
    expect(
      body.error.details.conflicts.map((c: { supplier_id: string; lead_time_days: number }) => [
        c.supplier_id,
        c.lead_time_days
      ])
    ).toEqual([
      ['ACME', 9],
      ['BOLT', 3]
    ]);
    expect(await db.sql`SELECT supplier_id FROM suppliers WHERE supplier_id = 'NEW'`).toHaveLength(0);
  });

  it('refuses a name another supplier has, half coordinates and unknown ids, changing nothing', async () => {
    const taken = await send('PATCH', '/api/suppliers', { rows: [supplier({ supplier_id: 'X', name: 'ACME' })] });
    expect(taken.status).toBe(400);
    expect((await taken.json()).error.message).toMatch(/belongs to supplier ACME/);
    const half = await send('PATCH', '/api/suppliers', {
      rows: [supplier({ supplier_id: 'X', name: 'X', latitude: 1 })]
    });
    expect(half.status).toBe(400);
    expect((await half.json()).error.details.issues[0]).toMatchObject({ path: 'rows.0.longitude' });
    expect(
      (await send('PATCH', '/api/suppliers', { rows: [supplier({ supplier_id: 'GHOST', name: 'Ghost', version: 3 })] }))
        .status
    ).toBe(404);
    expect((await send('GET', '/api/suppliers/NOPE')).status).toBe(404);
    expect(await db.sql`SELECT supplier_id FROM suppliers ORDER BY 1`).toEqual([
      { supplier_id: 'ACME' },
      { supplier_id: 'BOLT' }
    ]);
  });
});

describe('supplier items', () => {
  const row = (over: Record<string, unknown>) => ({
    supplier_id: 'ACME',
    item_id: 'P-1',
    pack_size: 10,
    price: 1.25,
    preferred: false,
    version: null,
    ...over
  });

  it('answers 404 naming the rows a save read at a version that are gone, for suppliers and their parts, nothing written', async () => {
    const supplierGone = await send('PATCH', '/api/suppliers', {
      rows: [
        supplier({ supplier_id: 'GHOST', name: 'Ghost', version: 1 }),
        supplier({ supplier_id: 'NEW-G', name: 'New G' })
      ]
    });
    expect(supplierGone.status).toBe(404);
    expect((await supplierGone.json()).error).toMatchObject({
      code: 'not_found',
      message: 'No such supplier: GHOST.',
      details: { missing: ['GHOST'] }
    });
    const partGone = await send('PATCH', '/api/supplier-items', {
      rows: [row({ supplier_part: 'GONE-1', version: 1 }), row({ supplier_part: 'NEW-1' })]
    });
    expect(partGone.status).toBe(404);
    expect((await partGone.json()).error).toMatchObject({
      code: 'not_found',
      message: 'No such supplier item: GONE-1 of ACME.',
      details: { missing: [{ supplier_id: 'ACME', supplier_part: 'GONE-1' }] }
    });
    expect(await db.sql`SELECT 1 FROM suppliers WHERE supplier_id = 'NEW-G'`).toHaveLength(0);
    expect(await db.sql`SELECT 1 FROM supplier_items WHERE supplier_part = 'NEW-1'`).toHaveLength(0);
  });

  it("creates rows keyed by the supplier's printed name, so packing slips map them; one preferred per item moves with a save", async () => {
    const res = await send('PATCH', '/api/supplier-items', {
      rows: [
        row({ supplier_part: 'A-1', preferred: true }),
        row({ supplier_id: 'BOLT', supplier_part: 'B-1', price: null })
      ]
    });
    expect(res.status).toBe(200);
    expect((await db.sql`SELECT supplier, confirmed FROM supplier_items WHERE supplier_part = 'A-1'`)[0]).toEqual({
      supplier: 'Acme',
      confirmed: 0
    });
    expect(
      await db.sql`SELECT item_id, supplier_id, pack_size, price::float8 AS price FROM item_preferred_supplier`
    ).toEqual([{ item_id: 'P-1', supplier_id: 'ACME', pack_size: 10, price: 1.25 }]);
    // Preferring BOLT's part for P-1 takes the flag from ACME's, in the same save.
    const [b1] = (await (await send('GET', '/api/supplier-items?supplier_id=BOLT')).json()).rows;
    expect(b1).toMatchObject({ supplier_part: 'B-1', description: 'Bolt', price: null, version: 1 });
    const moved = await send('PATCH', '/api/supplier-items', {
      rows: [row({ supplier_id: 'BOLT', supplier_part: 'B-1', price: 0.5, preferred: true, version: 1 })]
    });
    expect(moved.status).toBe(200);
    expect(await db.sql`SELECT supplier_id, supplier_part FROM supplier_items WHERE preferred`).toEqual([
      { supplier_id: 'BOLT', supplier_part: 'B-1' }
    ]);
    expect((await audit('supplier_item', 'ACME/A-1')).map((a) => a.action)).toEqual(['create', 'unprefer']);
    const trail = (await (await send('GET', '/api/suppliers/ACME/audit')).json()).rows;
    expect(trail.map((t: { entity: string; action: string }) => `${t.entity} ${t.action}`)).toContain(
      'supplier_item unprefer'
    );
  });

  it('refuses two preferred rows of one item, unknown items and stale rows; removes rows', async () => {
    const two = await send('PATCH', '/api/supplier-items', {
      rows: [
        row({ supplier_part: 'A-2', item_id: 'P-2', preferred: true }),
        row({ supplier_id: 'BOLT', supplier_part: 'B-2', item_id: 'P-2', preferred: true })
      ]
    });
    expect(two.status).toBe(400);
    const unknown = await send('PATCH', '/api/supplier-items', {
      rows: [row({ supplier_part: 'A-9', item_id: 'NOPE' })]
    });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error.details.issues).toEqual([
      { path: 'rows.0.item_id', message: 'there is no item NOPE' }
    ]);
    const stale = await send('PATCH', '/api/supplier-items', { rows: [row({ supplier_part: 'A-1', version: 1 })] });
    expect(stale.status).toBe(409);
    const theirs = (await stale.json()).error.details.conflicts[0];
    expect(theirs).toMatchObject({ supplier_part: 'A-1', preferred: false, version: 2 });
    const gone = await send('PATCH', '/api/supplier-items', {
      rows: [row({ supplier_part: 'A-1', version: 2, remove: true })]
    });
    expect(await gone.json()).toEqual({ saved: [], removed: [{ supplier_id: 'ACME', supplier_part: 'A-1' }] });
    expect((await audit('supplier_item', 'ACME/A-1')).map((a) => a.action)).toEqual(['create', 'unprefer', 'delete']);
  });

  it('renaming a supplier renames its rows; a slip printing the new name finds them', async () => {
    const [acme] = await db.sql`SELECT * FROM suppliers WHERE supplier_id = 'BOLT'`;
    const res = await send('PATCH', '/api/suppliers', {
      rows: [
        supplier({
          ...acme,
          name: 'Bolt and Company',
          version: acme.version,
          created_at: undefined,
          updated_at: undefined,
          updated_by: undefined
        })
      ]
    });
    expect(res.status).toBe(200);
    expect(await db.sql`SELECT supplier FROM supplier_items WHERE supplier_id = 'BOLT'`).toEqual([
      { supplier: 'Bolt and Company' }
    ]);
  });
});

describe('categories', () => {
  const create = (category_id: string, parent_id: string | null, name: string) =>
    send('POST', '/api/categories', { category_id, parent_id, name });
  const tree = async () =>
    Object.fromEntries(
      ((await (await send('GET', '/api/categories')).json()).rows as { category_id: string; path: string }[]).map(
        (r) => [r.category_id, r.path]
      )
    );

  it('creates, renames and moves with the subtree; refuses loops, twins and stale versions', async () => {
    for (const [id, parent, name] of [
      ['tools', null, 'Tools'],
      ['hand', 'tools', 'Hand tools'],
      ['wrench', 'hand', 'Wrenches'],
      ['spares', null, 'Spares']
    ] as const)
      expect((await create(id, parent, name)).status).toBe(201);
    expect((await create('tools', null, 'Again')).status).toBe(409);
    expect((await create('hand2', 'tools', 'HAND TOOLS')).status).toBe(400);
    expect((await create('x', 'nope', 'X')).status).toBe(400);

    const moved = await send('PATCH', '/api/categories/hand', { version: 1, parent_id: 'spares' });
    expect(moved.status).toBe(200);
    expect(await tree()).toEqual({
      tools: 'tools',
      spares: 'spares',
      hand: 'spares/hand',
      wrench: 'spares/hand/wrench'
    });
    const loop = await send('PATCH', '/api/categories/spares', { version: 1, parent_id: 'wrench' });
    expect(loop.status).toBe(400);
    expect((await loop.json()).error.message).toMatch(/wrench is inside spares/);
    expect((await send('PATCH', '/api/categories/hand', { version: 1, name: 'Old' })).status).toBe(409);
    const renamed = await send('PATCH', '/api/categories/hand', { version: 2, name: 'Hand tools (spare)' });
    expect(await renamed.json()).toMatchObject({ name: 'Hand tools (spare)', path: 'spares/hand', version: 3 });
    expect((await audit('category', 'hand')).map((a) => a.action)).toEqual(['create', 'move', 'rename']);
    expect((await send('PATCH', '/api/categories/nope', { version: 1, name: 'X' })).status).toBe(404);
  });

  it("sets an item's category at the item's version, audited; the item reads it back", async () => {
    const item = await (await send('GET', '/api/items/P-1')).json();
    expect(item.category_id).toBeNull();
    const res = await send('PUT', '/api/items/P-1/category', { category_id: 'wrench', version: item.version });
    expect(await res.json()).toMatchObject({ category_id: 'wrench', version: item.version + 1 });
    expect((await send('PUT', '/api/items/P-1/category', { category_id: 'tools', version: item.version })).status).toBe(
      409
    );
    expect(
      (await send('PUT', '/api/items/P-1/category', { category_id: 'nope', version: item.version + 1 })).status
    ).toBe(400);
    await expect((await send('GET', '/api/items/P-1')).json()).resolves.toMatchObject({ category_id: 'wrench' });
    expect(await audit('item', 'P-1')).toEqual([
      expect.objectContaining({ action: 'category', before: { category_id: null }, after: { category_id: 'wrench' } })
    ]);
    const counts = (await (await send('GET', '/api/categories')).json()).rows.find(
      (r: { category_id: string }) => r.category_id === 'wrench'
    );
    expect(counts.items).toBe(1);
  });
});

describe('CSV import and export', () => {
  it('suppliers: every error with row and column and nothing written; then the whole file in one go', async () => {
    const bad = 'supplier_id;name;lead_time_days\nNEW-A;New A;2\nNEW-B;;x\nNEW-C;acme;1\nNEW-D;New D;-1\n';
    const res = await csv('/api/suppliers/import', bad);
    expect(res.status).toBe(422);
    expect((await res.json()).error.details.errors).toEqual([
      { row: 3, column: 'name', message: 'must not be empty' },
      { row: 3, column: 'lead_time_days', message: 'must be a whole number of days' },
      { row: 5, column: 'lead_time_days', message: 'must be 0 or more' }
    ]);
    // Names taken in the database and new suppliers without a name are found before anything is written too.
    const db2 = await csv('/api/suppliers/import', 'supplier_id,name\nNEW-C,acme\n');
    expect((await db2.json()).error.details.errors).toEqual([
      { row: 2, column: 'name', message: '"acme" is already the name of supplier ACME' }
    ]);
    const noName = await csv('/api/suppliers/import', 'supplier_id,lead_time_days\nNEW-E,4\nACME,4\n');
    expect((await noName.json()).error.details.errors).toEqual([
      { row: 2, column: 'name', message: 'NEW-E is a new supplier: it needs a name' }
    ]);
    expect(await db.sql`SELECT count(*)::int AS n FROM suppliers`).toEqual([{ n: 2 }]);

    const good = await csv(
      '/api/suppliers/import',
      '\uFEFFsupplier_id;name;lead_time_days;latitude;longitude\nNEW-A;New A;2;51,5;-0,12\nACME;Acme;9;52.37;4.89\n'
    );
    expect(await good.json()).toEqual({ rows: 2, created: 1, updated: 0, unchanged: 1 });
    expect((await db.sql`SELECT latitude, longitude, contact FROM suppliers WHERE supplier_id = 'NEW-A'`)[0]).toEqual({
      latitude: 51.5,
      longitude: -0.12,
      contact: ''
    });
    expect((await audit('supplier', 'NEW-A')).map((a) => a.action)).toEqual(['create']);
  });

  it('supplier items: unknown suppliers and items listed by row; the good file applied, preferred moved', async () => {
    const bad = await csv(
      '/api/supplier-items/import',
      'supplier_id,supplier_part,item_id,preferred\nACME,A-5,P-3,yes\nGHOST,G-1,P-3,no\nACME,A-6,NOPE,no\n'
    );
    expect(bad.status).toBe(422);
    expect((await bad.json()).error.details.errors).toEqual([
      { row: 3, column: 'supplier_id', message: 'there is no supplier GHOST' },
      { row: 4, column: 'item_id', message: 'there is no item NOPE' }
    ]);
    expect(await db.sql`SELECT count(*)::int AS n FROM supplier_items`).toEqual([{ n: 1 }]);
    const good = await csv(
      '/api/supplier-items/import',
      'supplier_id,supplier_part,item_id,pack_size,price,preferred\nACME,A-5,P-3,25,"0,2",yes\nNEW-A,N-1,P-1,1,3,yes\n'
    );
    expect(await good.json()).toEqual({ rows: 2, created: 2, updated: 0, unchanged: 0 });
    expect(await db.sql`SELECT item_id, supplier_id FROM item_preferred_supplier ORDER BY item_id`).toEqual([
      { item_id: 'P-1', supplier_id: 'NEW-A' },
      { item_id: 'P-3', supplier_id: 'ACME' }
    ]);
    expect((await audit('supplier_item', 'BOLT/B-1')).map((a) => a.action)).toEqual(['create', 'update', 'unprefer']);
  });

  it('exports what the imports read back', async () => {
    const suppliers = await (await send('GET', '/api/export/suppliers.csv')).text();
    // (Response.text() drops the byte order mark the file starts with.)
    expect(suppliers.split('\r\n')[0]).toBe(
      'supplier_id,name,contact,lead_time_days,address,latitude,longitude,active'
    );
    expect(suppliers).toContain('NEW-A,New A,,2,,51.5,-0.12,true');
    const items = await (await send('GET', '/api/export/supplier-items.csv')).text();
    expect(items).toContain('ACME,A-5,P-3,25,0.2,true');
    const back = await csv('/api/supplier-items/import', items);
    expect(await back.json()).toEqual({ rows: 3, created: 0, updated: 0, unchanged: 3 });
    expect((await csv('/api/suppliers/import', suppliers)).status).toBe(200);
  });

  it('refuses other content types and files that are not UTF-8', async () => {
    expect(
      (
        await app.request('/api/suppliers/import', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}'
        })
      ).status
    ).toBe(415);
    const latin1 = await app.request('/api/supplier-items/import', {
      method: 'POST',
      headers: { 'content-type': 'text/csv', ...CLIENT_HEADERS },
      body: new Uint8Array([0x61, 0xe9, 0x0a])
    });
    expect(latin1.status).toBe(400);
  });

  it('refuses a file over the size limit with a 413 that says the limit, nothing written', async () => {
    const big = 'supplier_id,name\n' + 'X,'.padEnd(MAX_SUPPLIER_IMPORT_BYTES, 'x') + '\n';
    const res = await csv('/api/suppliers/import', big);
    expect(res.status).toBe(413);
    expect((await res.json()).error).toMatchObject({
      code: 'payload_too_large',
      message: 'An import may be at most 8 MiB: split the file.'
    });
    expect(await db.sql`SELECT 1 FROM suppliers WHERE supplier_id = 'X'`).toHaveLength(0);
  });
});

describe('names printed on slips that are no supplier', () => {
  it('are listed with their learned parts until a supplier of that name adopts them', async () => {
    // What receiving a slip teaches (server/services/slips.ts writes supplier, supplier_part, item_id).
    await db.sql`INSERT INTO supplier_items (supplier, supplier_part, item_id) VALUES ('Gizmo GmbH', 'G-1', 'P-2'), ('Gizmo GmbH', 'G-2', 'P-3'), ('', 'X-1', 'P-1')`;
    const list = await (await send('GET', '/api/supplier-items/unknown-suppliers')).json();
    expect(list.rows).toEqual([expect.objectContaining({ supplier: 'Gizmo GmbH', parts: 2 })]);
    const res = await send('PATCH', '/api/suppliers', {
      rows: [supplier({ supplier_id: 'GIZMO', name: 'Gizmo GmbH' })]
    });
    expect(res.status).toBe(200);
    expect((await (await send('GET', '/api/supplier-items/unknown-suppliers')).json()).rows).toEqual([]);
    const parts = (await (await send('GET', '/api/supplier-items?supplier_id=GIZMO')).json()).rows;
    expect(parts.map((p: { supplier_part: string }) => p.supplier_part)).toEqual(['G-1', 'G-2']);
  });
});

describe('a rename onto a printed name whose slips taught the same part number', () => {
  it('is refused with 409 and changes nothing: the supplier items would collide', async () => {
    await db.sql`INSERT INTO supplier_items (supplier, supplier_part, item_id) VALUES ('Acme Renamed', 'A-5', 'P-1')`; // learned, no supplier yet
    const [acme] =
      await db.sql`SELECT supplier_id, name, contact, lead_time_days, address, latitude, longitude, active, version FROM suppliers WHERE supplier_id = 'ACME'`;
    const res = await send('PATCH', '/api/suppliers', { rows: [{ ...acme, name: 'Acme Renamed' }] });
    expect(res.status).toBe(409);
    expect((await res.json()).error.code).toBe('name_clash');
    expect((await db.sql`SELECT name, version FROM suppliers WHERE supplier_id = 'ACME'`)[0]).toEqual({
      name: acme.name,
      version: acme.version
    });
    expect(
      await db.sql`SELECT supplier FROM supplier_items WHERE supplier_id = 'ACME' AND supplier_part = 'A-5'`
    ).toEqual([{ supplier: acme.name }]);
  });
});
