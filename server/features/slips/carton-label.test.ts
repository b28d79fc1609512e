// Carton labels read against a packing slip over HTTP, on the embedded database and on PostgreSQL
// (LINESYNC_TEST_DB=postgres): the item from P or from 1P through the slip's supplier, K / 4K / 11K checked against
// the slip, and every label that would put a wrong item, order or shipment on the slip refused with the reason.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../app';
import { loadConfig } from '../../config';
import { createTestDb, type TestDb } from '../../testing/testdb';
import { cartonLabelSchema } from '#domain/carton-label';

let db: TestDb;
let app: ReturnType<typeof createApp>;
const PO_ID = randomUUID();
let slipId: string;

const GS = '\u001d';
const label = (...fields: string[]) => `[)>\u001e06${GS}${fields.join(GS)}\u001e\u0004`;

beforeAll(async () => {
  db = await createTestDb();
  app = createApp({ sql: db.sql, config: loadConfig({}), dbKind: db.kind });
});
afterAll(() => db.close());
beforeEach(async () => {
  await db.sql`TRUNCATE packing_slips, supplier_items, purchase_orders, suppliers, items, locations CASCADE`;
  await db.sql`INSERT INTO items (item_id, description) VALUES ('BOLT-M8', 'Hex bolt M8'), ('NUT-M8', 'Nut M8'), ('WASHER-M8', 'Washer M8')`;
  await db.sql`INSERT INTO suppliers (supplier_id, name) VALUES ('ACME', 'Acme Fasteners'), ('OTHER', 'Other Co')`;
  await db.sql`INSERT INTO supplier_items (supplier_id, supplier, supplier_part, item_id) VALUES
    ('ACME', 'Acme Fasteners', 'AF-100', 'BOLT-M8'), ('OTHER', 'Other Co', 'AF-100', 'NUT-M8'),
    ('OTHER', 'Other Co', 'OC-7', 'WASHER-M8')`;
  await db.sql`INSERT INTO purchase_orders (po_id, po_number, supplier_id, status) VALUES (${PO_ID}, 'PO-000123', 'ACME', 'SENT')`;
  await db.sql`INSERT INTO purchase_order_lines (po_id, line_no, item_id, qty_ordered, unit) VALUES
    (${PO_ID}, 1, 'BOLT-M8', 500, 'ea'), (${PO_ID}, 2, 'NUT-M8', 200, 'ea')`;
  slipId = randomUUID();
  await db.sql`INSERT INTO packing_slips (slip_id, device_id, status, captured_at, supplier, slip_number, po_number)
    VALUES (${slipId}, 'tab-recv', 'parsed', now(), 'Acme Fasteners', 'PL-0055', 'PO 123')`;
});

const read = (body: unknown, id = slipId) =>
  app.request(`/api/packing-slips/${id}/carton-label`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body)
  });
async function ok(body: unknown) {
  const res = await read(body);
  const json = await res.json();
  expect(res.status, JSON.stringify(json)).toBe(200);
  return cartonLabelSchema.parse(json);
}
async function refused(body: unknown, code: string) {
  const res = await read(body);
  const json = (await res.json()) as { error: { code: string; message: string } };
  expect(res.status, JSON.stringify(json)).toBe(422);
  expect(json.error.code).toBe(code);
  return json.error.message;
}

describe(`carton labels on a packing slip (${process.env.LINESYNC_TEST_DB ?? 'embedded'})`, () => {
  it('maps 1P through the slip supplier’s items and checks K, 4K and 11K', async () => {
    const r = await ok({ label: label('1PAF-100', 'Q250', '1TLOT9', 'KPO-000123', '4K1', '11KPL55', '9D2547') });
    expect(r).toMatchObject({
      item_id: 'BOLT-M8',
      qty: 250,
      lot: 'LOT9',
      supplier_part: 'AF-100',
      po: 'PO-000123',
      po_line: '1',
      packing_list: 'PL55',
      date_code: '2547',
      set_po_number: null,
      set_slip_number: null,
      notes: []
    });
  });

  it('takes the supplier of the header as the page shows it, and the PO’s supplier when none is printed', async () => {
    expect((await ok({ label: label('1PAF-100'), supplier: 'Other Co', po_number: null })).item_id).toBe('NUT-M8');
    expect((await ok({ label: label('1PAF-100'), supplier: null })).item_id).toBe('BOLT-M8'); // PO 123 is Acme's
    const msg = await refused({ label: label('1PAF-100'), supplier: null, po_number: null }, 'ambiguous_part');
    expect(msg).toContain('BOLT-M8 and NUT-M8');
  });

  it('reads P as our part, and a label typed by a wedge with <GS> and no trailer', async () => {
    const r = await ok({ label: '[)>06<GS>PNUT-M8<GS>Q20<GS>KPO123<GS>4K2' });
    expect(r).toMatchObject({ item_id: 'NUT-M8', qty: 20, lot: null, po_line: '2' });
    expect((await ok({ label: label('PBOLT-M8') })).qty).toBeNull();
  });

  it('refuses a label for another PO, a line not on the PO or for another item, and another packing list', async () => {
    expect(await refused({ label: label('PBOLT-M8', 'Q5', 'KPO-000999') }, 'wrong_po')).toContain('another order');
    expect(await refused({ label: label('PBOLT-M8', 'KPO-000123', '4K7') }, 'po_line_unknown')).toContain(
      'has no such line'
    );
    expect(await refused({ label: label('PBOLT-M8', '4K2') }, 'po_line_mismatch')).toContain('orders NUT-M8');
    expect(await refused({ label: label('PBOLT-M8', '11KPL56') }, 'wrong_packing_list')).toContain('another shipment');
  });

  it('refuses what does not parse, an unknown part and a part the supplier does not have, with the reason', async () => {
    expect(await refused({ label: 'BOLT-M8' }, 'not_a_carton_label')).toContain('[)>');
    expect(await refused({ label: '[)>06PBOLT-M8Q5' }, 'unreadable_label')).toContain('field separators (GS)');
    expect(await refused({ label: label('PBOLT-M8', 'Q0') }, 'unreadable_label')).toContain('quantity');
    expect(await refused({ label: label('PNO-SUCH') }, 'unknown_part')).toContain('not one of our items');
    expect(await refused({ label: label('1POC-7') }, 'unknown_part')).toContain('not linked');
    expect(
      await refused({ label: label('PBOLT-M8', '1POC-7'), supplier: 'Other Co', po_number: null }, 'unreadable_label')
    ).toContain('different items');
  });

  it('fills what the slip lacks from the label and says so; notes an item the PO did not order', async () => {
    const r = await ok({
      label: label('1POC-7', 'Q3', 'KPO-000123', '11KPL77'),
      supplier: 'Other Co',
      po_number: '',
      slip_number: ''
    });
    expect(r).toMatchObject({ item_id: 'WASHER-M8', set_po_number: 'PO-000123', set_slip_number: 'PL77' });
    expect(r.notes.join(' ')).toContain('WASHER-M8 is not on PO-000123');
  });

  it('answers 404 for an unknown slip and 409 for a received one, writing nothing', async () => {
    expect((await read({ label: label('PBOLT-M8') }, randomUUID())).status).toBe(404);
    await db.sql`INSERT INTO locations (location_id, name) VALUES ('RECV', 'Receiving')`;
    await db.sql`UPDATE packing_slips SET status = 'received', received_at = now(), location_id = 'RECV' WHERE slip_id = ${slipId}`;
    expect((await read({ label: label('PBOLT-M8') })).status).toBe(409);
    const [{ n }] = await db.sql`SELECT count(*)::int AS n FROM packing_slip_lines`;
    expect(n).toBe(0);
  });
});
