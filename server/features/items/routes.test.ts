// Item reads: master data, and on hand over time replayed from the events (VOIDs included).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app';
import { loadConfig } from '../../config';
import { createTestDb, type TestDb } from '../../testing/testdb';
import { makeEvent } from '../../testing/testkit';

let db: TestDb;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  db = await createTestDb();
  app = createApp({ sql: db.sql, config: loadConfig({}), dbKind: db.kind });
  await db.sql`INSERT INTO locations (location_id, name) VALUES ('LINE-1', 'Line 1'), ('LINE-2', 'Line 2')`;
  await db.sql`INSERT INTO items (item_id, description, reorder_point) VALUES ('P-1', 'Bolt', 10), ('P 2/x', 'Odd id', NULL)`;
});
afterAll(() => db.close());

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 8, minute)).toISOString();

describe('GET /api/items/:item_id/history', () => {
  it('replays on hand in capture order, a VOID moving it back, per location or in total', async () => {
    const intake = makeEvent({ device_seq: 1, event_type: 'INTAKE', qty: 20, captured_at: at(0) });
    const events = [
      intake,
      makeEvent({ device_seq: 2, qty: 5, captured_at: at(2) }),
      makeEvent({ device_seq: 3, event_type: 'INTAKE', qty: 7, location_id: 'LINE-2', captured_at: at(3) }),
      makeEvent({ device_seq: 4, event_type: 'VOID', qty: 20, voids_event_id: intake.event_id, captured_at: at(4) })
    ];
    const res = await app.request('/api/sync/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ device_id: 'tab-1', events })
    });
    expect((await res.json()).results.map((r: { status: string }) => r.status)).toEqual([
      'applied',
      'applied',
      'applied',
      'applied'
    ]);

    const total = await (await app.request('/api/items/P-1/history')).json();
    expect(total.points.map((p: { on_hand: number }) => p.on_hand)).toEqual([20, 15, 22, 2]);
    expect(total.points[0].at).toBe(at(0));
    const line1 = await (await app.request('/api/items/P-1/history?location_id=LINE-1')).json();
    expect(line1.points.map((p: { on_hand: number }) => p.on_hand)).toEqual([20, 15, -5]);
    // The last point agrees with the stock projection.
    const [{ sum }] = await db.sql`SELECT sum(on_hand) AS sum FROM stock_levels WHERE item_id = 'P-1'`;
    expect(Number(sum)).toBe(2);
  });

  it('replays a MOVE on both locations (nothing in total), its VOID, and a COUNT by its adjustment', async () => {
    await db.sql`INSERT INTO items (item_id) VALUES ('M-1')`;
    const move = makeEvent({
      device_seq: 11,
      event_type: 'MOVE',
      item_id: 'M-1',
      qty: 4,
      to_location_id: 'LINE-2',
      captured_at: at(11)
    });
    const events = [
      makeEvent({ device_seq: 10, event_type: 'INTAKE', item_id: 'M-1', qty: 10, captured_at: at(10) }),
      move,
      makeEvent({
        device_seq: 12,
        event_type: 'COUNT',
        item_id: 'M-1',
        qty: 1,
        expected_qty: 4,
        location_id: 'LINE-2',
        captured_at: at(12)
      }),
      makeEvent({
        device_seq: 13,
        event_type: 'VOID',
        item_id: 'M-1',
        qty: 4,
        voids_event_id: move.event_id,
        captured_at: at(13)
      })
    ];
    const res = await app.request('/api/sync/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ device_id: 'tab-1', events })
    });
    expect((await res.json()).results.map((r: { status: string }) => r.status)).toEqual(events.map(() => 'applied'));
    const points = async (q = '') =>
      ((await (await app.request(`/api/items/M-1/history${q}`)).json()).points as { on_hand: number }[]).map(
        (p) => p.on_hand
      );
    expect(await points('?location_id=LINE-1')).toEqual([10, 6, 10]);
    expect(await points('?location_id=LINE-2')).toEqual([4, 1, -3]);
    expect(await points()).toEqual([10, 10, 7, 7]);
    const rows = await db.sql`SELECT location_id, on_hand FROM stock_levels WHERE item_id = 'M-1' ORDER BY location_id`;
    expect(rows).toEqual([
      { location_id: 'LINE-1', on_hand: 10 },
      { location_id: 'LINE-2', on_hand: -3 }
    ]);
  });

  it('answers on hand per lot and location, moves and voids included, soonest expiry first', async () => {
    await db.sql`INSERT INTO items (item_id) VALUES ('LOT-1')`;
    const wrong = makeEvent({ device_seq: 23, item_id: 'LOT-1', qty: 5, lot: 'B', expiry: '2027-06-30' });
    const events = [
      makeEvent({ device_seq: 20, event_type: 'INTAKE', item_id: 'LOT-1', qty: 10, lot: 'A', expiry: '2027-01-31' }),
      makeEvent({ device_seq: 21, event_type: 'INTAKE', item_id: 'LOT-1', qty: 6, lot: 'B', expiry: '2027-06-30' }),
      makeEvent({ device_seq: 22, event_type: 'MOVE', item_id: 'LOT-1', qty: 4, lot: 'A', to_location_id: 'LINE-2' }),
      wrong,
      makeEvent({ device_seq: 24, event_type: 'VOID', item_id: 'LOT-1', qty: 5, voids_event_id: wrong.event_id }),
      makeEvent({ device_seq: 25, item_id: 'LOT-1', qty: 1, lot: 'B', expiry: '2027-06-30' })
    ];
    const res = await app.request('/api/sync/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ device_id: 'tab-1', events })
    });
    expect((await res.json()).results.map((r: { status: string }) => r.status)).toEqual(events.map(() => 'applied'));
    const body = await (await app.request('/api/items/LOT-1/lots')).json();
    expect(body.rows).toEqual([
      { lot: 'A', location_id: 'LINE-1', on_hand: 6, expiry: '2027-01-31' },
      { lot: 'A', location_id: 'LINE-2', on_hand: 4, expiry: '2027-01-31' },
      { lot: 'B', location_id: 'LINE-1', on_hand: 5, expiry: '2027-06-30' }
    ]);
  });

  it('answers an item without events with no points, and refuses bad input', async () => {
    expect((await (await app.request(`/api/items/${encodeURIComponent('P 2/x')}/history`)).json()).points).toEqual([]);
    expect((await app.request('/api/items/P-1/history?bogus=1')).status).toBe(400);
  });
});

describe('GET /api/items/:item_id', () => {
  it('answers the item with its version, 404 for an unknown one', async () => {
    expect(await (await app.request('/api/items/P-1')).json()).toMatchObject({
      item_id: 'P-1',
      description: 'Bolt',
      version: 1
    });
    const missing = await app.request('/api/items/NOPE');
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('not_found');
  });
});

describe('PATCH /api/items', () => {
  const patch = (rows: unknown[]) =>
    app.request('/api/items', {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rows })
    });
  const current = async (id: string) => await (await app.request(`/api/items/${encodeURIComponent(id)}`)).json();
  const edit = (item: Record<string, unknown>, over: Record<string, unknown>) => {
    const { item_id, version, description, unit, reorder_point, reorder_qty, gtin, active } = item;
    return { item_id, version, description, unit, reorder_point, reorder_qty, gtin, active, ...over };
  };

  it('saves rows in one go, bumps their versions and audits who changed what', async () => {
    await db.sql`INSERT INTO items (item_id, description) VALUES ('E-1', 'One'), ('E-2', 'Two') ON CONFLICT DO NOTHING`;
    const [one, two] = [await current('E-1'), await current('E-2')];
    const res = await patch([
      edit(one, { description: 'One, edited', reorder_point: 4, gtin: '4006381333931' }),
      edit(two, { active: false })
    ]);
    expect(res.status).toBe(200);
    expect((await res.json()).saved.map((s: { version: number }) => s.version)).toEqual([2, 2]);
    expect(await current('E-1')).toMatchObject({
      description: 'One, edited',
      reorder_point: 4,
      gtin: '04006381333931', // stored in its 14-digit form
      version: 2,
      updated_by: 'supervisor@localhost'
    });
    const audit = (await (await app.request('/api/items/E-1/audit')).json()).rows;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor: 'supervisor@localhost',
      action: 'update',
      before: { description: 'One', reorder_point: null },
      after: { description: 'One, edited', reorder_point: 4 }
    });
    // Saving the same values again changes nothing and audits nothing.
    expect((await (await patch([edit(await current('E-2'), {})])).json()).saved).toEqual([]);
  });

  it('refuses the whole save with 409 and the current values when one row is stale', async () => {
    await db.sql`INSERT INTO items (item_id, description) VALUES ('C-1', 'a'), ('C-2', 'b') ON CONFLICT DO NOTHING`;
    const [c1, c2] = [await current('C-1'), await current('C-2')];
    expect((await patch([edit(c1, { description: 'theirs' })])).status).toBe(200); // someone else saves first
    const res = await patch([edit(c1, { description: 'mine' }), edit(c2, { description: 'mine too' })]);
    expect(res.status).toBe(409);
    const body = await res.json();
    expect(body.error.code).toBe('conflict');
    expect(body.error.details.conflicts).toEqual([
      expect.objectContaining({ item_id: 'C-1', description: 'theirs', version: 2 })
    ]);
    expect((await current('C-2')).description).toBe('b'); // nothing written
  });

  it('saves tracking from the grid, audited; a save that leaves it out keeps it; anything else is refused', async () => {
    await db.sql`INSERT INTO items (item_id, description) VALUES ('T-1', 'Sensor') ON CONFLICT DO NOTHING`;
    const res = await patch([edit(await current('T-1'), { tracking: 'serial' })]);
    expect(res.status).toBe(200);
    expect((await res.json()).saved[0]).toMatchObject({ tracking: 'serial', version: 2 });
    const audit = (await (await app.request('/api/items/T-1/audit')).json()).rows;
    expect(audit[0]).toMatchObject({ before: { tracking: 'none' }, after: { tracking: 'serial' } });
    // An older page (or the forecast's apply) sends no tracking: the item stays serial-tracked.
    expect((await patch([edit(await current('T-1'), { description: 'Pressure sensor' })])).status).toBe(200);
    expect(await current('T-1')).toMatchObject({ description: 'Pressure sensor', tracking: 'serial', version: 3 });
    const bad = await patch([edit(await current('T-1'), { tracking: 'batch' })]);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.details.issues).toEqual([
      expect.objectContaining({ path: 'rows.0.tracking', message: 'must be none, lot or serial' })
    ]);
    // The tablets learn it with their next snapshot.
    expect((await (await app.request('/api/sync/snapshot')).json()).items).toContainEqual(
      expect.objectContaining({ item_id: 'T-1', tracking: 'serial' })
    );
  });

  it('validates every cell, knows every item and keeps GTINs unique', async () => {
    await db.sql`INSERT INTO items (item_id, gtin) VALUES ('G-1', '96385074'), ('G-2', NULL) ON CONFLICT DO NOTHING`;
    const g2 = await current('G-2');
    const bad = await patch([edit(g2, { reorder_qty: -1, unit: '' })]);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.details.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'rows.0.reorder_qty',
      'rows.0.unit'
    ]);
    const taken = await patch([edit(g2, { gtin: '96385074' })]);
    expect(taken.status).toBe(400);
    expect((await taken.json()).error.message).toMatch(/belongs to item G-1/);
    const gone = await patch([edit(g2, { item_id: 'NOPE' })]);
    expect(gone.status).toBe(404);
    expect((await gone.json()).error).toMatchObject({
      code: 'not_found',
      message: 'No such item: NOPE.',
      details: { missing: ['NOPE'] }
    });
    expect((await current('G-2')).version).toBe(1);
  });
});

describe('GTINs', () => {
  const patch = (rows: unknown[]) =>
    app.request('/api/items', {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rows })
    });
  const current = async (id: string) => await (await app.request(`/api/items/${encodeURIComponent(id)}`)).json();
  const withGtin = (item: Record<string, unknown>, gtin: string) => {
    const { item_id, version, description, unit, reorder_point, reorder_qty, active } = item;
    return { item_id, version, description, unit, reorder_point, reorder_qty, gtin, active };
  };
  const byGtin = async (g: string) =>
    (await (await app.request(`/api/items?gtin=${g}`)).json()).rows.map((r: { item_id: string }) => r.item_id);

  it('stores a GTIN as 14 digits and finds the item by its 8-, 12-, 13- or 14-digit form', async () => {
    await db.sql`INSERT INTO items (item_id, description) VALUES ('U-1', 'Cola'), ('U-2', 'Gum'), ('U-3', 'Other')`;
    expect((await patch([withGtin(await current('U-1'), '036000291452')])).status).toBe(200); // UPC-A, 12 digits
    expect((await patch([withGtin(await current('U-2'), ' 95012346 ')])).status).toBe(200); // EAN-8
    expect((await current('U-1')).gtin).toBe('00036000291452');
    expect((await current('U-2')).gtin).toBe('00000095012346');
    for (const g of ['036000291452', '0036000291452', '00036000291452']) expect(await byGtin(g)).toEqual(['U-1']);
    for (const g of ['95012346', '00000095012346']) expect(await byGtin(g)).toEqual(['U-2']);
    expect(await byGtin('5901234123457')).toEqual([]);
  });

  it('finds a row stored before normalisation, and treats its forms as one GTIN when keeping them unique', async () => {
    await db.sql`INSERT INTO items (item_id, gtin) VALUES ('L-1', '4006381333948')`;
    expect(await byGtin('04006381333948')).toEqual(['L-1']);
    const taken = await patch([withGtin(await current('U-3'), '04006381333948')]);
    expect(taken.status).toBe(400);
    expect((await taken.json()).error.message).toMatch(/belongs to item L-1/);
    const upc = await patch([withGtin(await current('U-3'), '0036000291452')]); // U-1's UPC-A read as an EAN-13
    expect(upc.status).toBe(400);
    expect((await upc.json()).error.message).toMatch(/belongs to item U-1/);
  });

  it('refuses a lookup that is not a GTIN with a 400', async () => {
    for (const g of ['036000291453', '12345', 'abc', '1'.repeat(40)]) {
      const res = await app.request(`/api/items?gtin=${g}`);
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe('invalid_request');
    }
  });
});

describe('GET /api/items', () => {
  it('searches and pages in the API', async () => {
    const res = await (await app.request('/api/items?q=bolt&limit=5')).json();
    expect(res.rows.map((r: { item_id: string }) => r.item_id)).toEqual(['P-1']);
    expect(res.total).toBe(1);
    expect((await app.request('/api/items?limit=0')).status).toBe(400);
  });
});
