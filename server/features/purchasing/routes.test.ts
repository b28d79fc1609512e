// Purchase orders over HTTP on a real database (PGlite and PostgreSQL): drafting and editing, every status action
// allowed and refused, drafting from signals, and receiving packing slips against a PO (partial, full, over).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../app';
import { loadConfig } from '../../config';
import { createTestDb, type TestDb } from '../../testing/testdb';
import { seed } from '../../db/seed';
import { LINES, purchasingApi, seedPurchasing } from '../../testing/purchasing';
import type { PoDetail, PoStatus } from '#domain/purchase-orders';
import { poDetailSchema, poPageSchema } from '#domain/responses';

let db: TestDb;
let app: ReturnType<typeof createApp>;
const { call, detail, draft, act, receiveSlip } = purchasingApi(() => app);

beforeAll(async () => {
  db = await createTestDb();
  app = createApp({ sql: db.sql, config: loadConfig({}), dbKind: db.kind });
});
afterAll(() => db.close());
beforeEach(() => seedPurchasing(db.sql));

const onHand = async () =>
  Object.fromEntries(
    (
      await db.sql<
        { item_id: string; n: number }[]
      >`SELECT item_id, sum(on_hand)::int AS n FROM stock_levels GROUP BY item_id`
    ).map((r) => [r.item_id, r.n])
  );

/** A PO brought to each status through the API, as people get there. */
async function poIn(status: PoStatus): Promise<PoDetail> {
  const po = await draft();
  if (status === 'DRAFT') return po;
  if (status === 'CANCELLED') return (await act(po, 'cancel')).body;
  const sent: PoDetail = (await act(po, 'send')).body;
  if (status === 'SENT') return sent;
  expect(
    (
      await receiveSlip(
        sent.po_number,
        status === 'RECEIVED'
          ? [
              ['BOLT', 10],
              ['NUT', 5]
            ]
          : [['BOLT', 4]]
      )
    ).status
  ).toBe(200);
  const now = await detail(po.po_id);
  expect(now.status).toBe(status);
  return now;
}

describe('drafting', () => {
  it('drafts a PO with a human number, the item units and catalogue prices, and a created history row', async () => {
    const po = await draft([...LINES, { item_id: 'GLUE', qty_ordered: 2, unit: 'can', price: 3.5 }], {
      expected_date: '2030-01-15',
      note: 'Call before delivery'
    });
    expect(po).toMatchObject({
      po_number: expect.stringMatching(/^PO-\d{6}$/),
      supplier_id: 'ACME',
      supplier_name: 'Acme Fasteners',
      status: 'DRAFT',
      expected_date: '2030-01-15',
      note: 'Call before delivery',
      created_by: 'supervisor@localhost',
      version: 1,
      line_count: 3,
      qty_ordered: 17,
      qty_received: 0,
      total_price: 10 * 0.25 + 5 * 0.1 + 2 * 3.5,
      overdue: false,
      actions: ['send', 'cancel']
    });
    expect(po.lines.map((l) => [l.line_no, l.item_id, l.qty_ordered, l.unit, l.price])).toEqual([
      [1, 'BOLT', 10, 'ea', 0.25],
      [2, 'NUT', 5, 'ea', 0.1],
      [3, 'GLUE', 2, 'can', 3.5]
    ]);
    expect(po.history).toEqual([
      {
        from_status: null,
        to_status: 'DRAFT',
        changed_by: 'supervisor@localhost',
        changed_at: expect.any(String),
        slip_id: null
      }
    ]);
    const second = await draft();
    expect(Number(second.po_number.slice(3))).toBe(Number(po.po_number.slice(3)) + 1);
    expect(second.total_price).toBe(3);
    const [audit] =
      await db.sql`SELECT action, after FROM audit_log WHERE entity = 'purchase_order' AND entity_id = ${po.po_id}`;
    expect(audit).toMatchObject({ action: 'create', after: { po_number: po.po_number, status: 'DRAFT' } });
  });

  const bad: [string, unknown, number, string][] = [
    ['an unknown supplier', { supplier_id: 'NOPE', lines: LINES }, 422, 'unknown_supplier'],
    ['an unknown item', { supplier_id: 'ACME', lines: [{ item_id: 'NOPE', qty_ordered: 1 }] }, 422, 'unknown_item'],
    [
      'an unknown signal',
      { supplier_id: 'ACME', lines: [{ item_id: 'BOLT', qty_ordered: 1, signal_id: randomUUID() }] },
      422,
      'unknown_signal'
    ],
    ['a zero quantity', { supplier_id: 'ACME', lines: [{ item_id: 'BOLT', qty_ordered: 0 }] }, 400, 'invalid_request'],
    [
      'a negative price',
      { supplier_id: 'ACME', lines: [{ item_id: 'BOLT', qty_ordered: 1, price: -2 }] },
      400,
      'invalid_request'
    ],
    ['a status', { supplier_id: 'ACME', lines: LINES, status: 'SENT' }, 400, 'invalid_request'],
    ['a bad date', { supplier_id: 'ACME', lines: LINES, expected_date: '15/01/2030' }, 400, 'invalid_request']
  ];
  it.each(bad)('refuses a draft with %s and stores nothing', async (_n, body, status, code) => {
    const res = await call('POST', '/api/purchase-orders', body);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(await db.sql`SELECT count(*)::int AS n FROM purchase_orders`).toEqual([{ n: 0 }]);
  });

  it('refuses a draft for an inactive supplier', async () => {
    await db.sql`UPDATE suppliers SET active = false WHERE supplier_id = 'BETA'`;
    const res = await call('POST', '/api/purchase-orders', { supplier_id: 'BETA', lines: LINES });
    expect([res.status, res.body.error.code]).toEqual([422, 'inactive_supplier']);
  });

  it('edits a draft at the version read, audits it, and answers a stale edit with 409 and the current order', async () => {
    const po = await draft();
    const edit = {
      supplier_id: 'BETA',
      expected_date: '2030-02-01',
      note: null,
      lines: [{ item_id: 'WASHER', qty_ordered: 100 }],
      version: 1
    };
    const saved = await call('PUT', `/api/purchase-orders/${po.po_id}`, edit);
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({
      supplier_id: 'BETA',
      version: 2,
      expected_date: '2030-02-01',
      line_count: 1,
      total_price: null
    });
    expect(saved.body.lines).toMatchObject([
      { line_no: 1, item_id: 'WASHER', qty_ordered: 100, unit: 'box', price: null }
    ]);
    const stale = await call('PUT', `/api/purchase-orders/${po.po_id}`, { ...edit, lines: LINES });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({
      code: 'conflict',
      details: { current: { version: 2, supplier_id: 'BETA' } }
    });
    expect((await detail(po.po_id)).lines).toHaveLength(1);
    const audit =
      await db.sql`SELECT action, before->>'supplier_id' AS before, after->>'supplier_id' AS after FROM audit_log
      WHERE entity = 'purchase_order' AND entity_id = ${po.po_id} ORDER BY audit_id`;
    expect(audit).toEqual([
      { action: 'create', before: null, after: 'ACME' },
      { action: 'update', before: 'ACME', after: 'BETA' }
    ]);
    expect((await call('PUT', `/api/purchase-orders/${randomUUID()}`, edit)).status).toBe(404);
  });

  it('keeps the status history append-only in the database itself', async () => {
    const po = await draft();
    await expect(
      db.sql`UPDATE purchase_order_status_history SET changed_by = 'someone else' WHERE po_id = ${po.po_id}`
    ).rejects.toThrow(/append-only/);
    await expect(db.sql`DELETE FROM purchase_order_status_history WHERE po_id = ${po.po_id}`).rejects.toThrow(
      /append-only/
    );
    expect((await detail(po.po_id)).history).toHaveLength(1);
  });
});

describe('status actions, every one from every status', () => {
  const STATUSES: PoStatus[] = ['DRAFT', 'SENT', 'PARTIALLY_RECEIVED', 'RECEIVED', 'CANCELLED'];
  const EXPECT: Record<
    PoStatus,
    { send: PoStatus | number; cancel: PoStatus | number; edit: number; receive: number }
  > = {
    DRAFT: { send: 'SENT', cancel: 'CANCELLED', edit: 200, receive: 409 },
    SENT: { send: 409, cancel: 'CANCELLED', edit: 409, receive: 200 },
    PARTIALLY_RECEIVED: { send: 409, cancel: 409, edit: 409, receive: 200 },
    RECEIVED: { send: 409, cancel: 409, edit: 409, receive: 409 },
    CANCELLED: { send: 409, cancel: 409, edit: 409, receive: 409 }
  };

  for (const from of STATUSES)
    for (const action of ['send', 'cancel'] as const) {
      const want = EXPECT[from][action];
      it(`${from}: ${action} ${typeof want === 'number' ? 'is refused' : `makes it ${want}`}`, async () => {
        const po = await poIn(from);
        const res = await act(po, action);
        if (typeof want === 'number') {
          expect(res.status).toBe(want);
          expect(res.body.error.code).toBe('invalid_transition');
          expect(res.body.error.message).toMatch(new RegExp(`^${po.po_number}: `));
          expect(await detail(po.po_id)).toEqual(po); // nothing moved: status, version, history
        } else {
          expect(res.status).toBe(200);
          expect(res.body).toMatchObject({ status: want, version: po.version + 1 });
          expect(res.body.history.at(-1)).toMatchObject({
            from_status: from,
            to_status: want,
            changed_by: 'supervisor@localhost',
            slip_id: null
          });
          expect(res.body.history).toHaveLength(po.history.length + 1);
        }
      });
    }

  for (const from of STATUSES) {
    it(`${from}: an edit is ${EXPECT[from].edit === 200 ? 'saved' : 'refused'}`, async () => {
      const po = await poIn(from);
      const res = await call('PUT', `/api/purchase-orders/${po.po_id}`, {
        supplier_id: 'ACME',
        lines: [{ item_id: 'BOLT', qty_ordered: 99 }],
        version: po.version
      });
      expect(res.status).toBe(EXPECT[from].edit);
      if (res.status !== 200) {
        expect(res.body.error).toMatchObject({
          code: 'not_editable',
          message: expect.stringMatching(/only a draft can be edited/)
        });
        expect(await detail(po.po_id)).toEqual(po);
      }
    });

    it(`${from}: a slip naming it is ${EXPECT[from].receive === 200 ? 'received against it' : 'refused, and no stock moves'}`, async () => {
      const po = await poIn(from);
      const stock = await onHand();
      const res = await receiveSlip(po.po_number, [['NUT', 1]]);
      expect(res.status).toBe(EXPECT[from].receive);
      if (res.status === 200) {
        expect((await detail(po.po_id)).lines.find((l) => l.item_id === 'NUT')!.qty_received).toBe(
          po.lines.find((l) => l.item_id === 'NUT')!.qty_received + 1
        );
        expect(await onHand()).toEqual({ ...stock, NUT: (stock.NUT ?? 0) + 1 });
      } else {
        expect(res.body.error).toMatchObject({
          code: 'po_not_receivable',
          message: expect.stringContaining(po.po_number)
        });
        expect(await onHand()).toEqual(stock);
        // Nothing moved on the order; the refused slip is listed with it, waiting (it names the PO).
        const { slips, ...now } = await detail(po.po_id);
        const { slips: _before, ...was } = po;
        expect(now).toEqual(was);
        expect(slips.map((x) => [x.slip_id, x.status])).toContainEqual([res.slip_id, 'parsed']);
        expect((await call('GET', `/api/packing-slips/${res.slip_id}`)).body.status).toBe('parsed');
      }
    });
  }

  it('refuses to send a draft without lines (422), and a stale action (409) changes nothing', async () => {
    const empty = await draft([]);
    expect(empty.actions).toEqual(['cancel']);
    const res = await act(empty, 'send');
    expect([res.status, res.body.error.code]).toEqual([422, 'no_lines']);
    const po = await draft();
    const stale = await call('POST', `/api/purchase-orders/${po.po_id}/send`, { version: 7 });
    expect([stale.status, stale.body.error.code]).toEqual([409, 'conflict']);
    expect((await detail(po.po_id)).status).toBe('DRAFT');
    expect((await call('POST', `/api/purchase-orders/${randomUUID()}/send`, { version: 1 })).status).toBe(404);
    expect((await call('POST', `/api/purchase-orders/not-a-uuid/send`, { version: 1 })).status).toBe(400);
  });
});

describe('receiving against a PO', () => {
  it('raises qty received per line through partial, full and over receipts, and records which slip moved the status', async () => {
    const po: PoDetail = (await act(await draft(), 'send')).body;
    const first = await receiveSlip(po.po_number.replace('-', ' ').toLowerCase(), [['BOLT', 6]]); // "po 000001": typed by hand
    expect(first.status).toBe(200);
    expect(first.review.purchase_order).toMatchObject({
      po: { po_id: po.po_id, po_number: po.po_number, status: 'SENT', refusal: null },
      lines: [
        { item_id: 'BOLT', qty_ordered: 10, qty_received: 0, qty_shipped: 6 },
        { item_id: 'NUT', qty_ordered: 5, qty_received: 0, qty_shipped: 0 }
      ]
    });
    let now = await detail(po.po_id);
    expect(now).toMatchObject({ status: 'PARTIALLY_RECEIVED', qty_received: 6, over_received: false, actions: [] });
    expect(now.history.at(-1)).toMatchObject({
      from_status: 'SENT',
      to_status: 'PARTIALLY_RECEIVED',
      slip_id: first.slip_id
    });
    expect((await db.sql`SELECT po_id::text FROM packing_slips WHERE slip_id = ${first.slip_id}`)[0].po_id).toBe(
      po.po_id
    );

    // Still partial: no status change, no history row.
    const second = await receiveSlip(po.po_number, [['NUT', 2]]);
    expect(second.status).toBe(200);
    now = await detail(po.po_id);
    expect(now).toMatchObject({ status: 'PARTIALLY_RECEIVED', qty_received: 8 });
    expect(now.history).toHaveLength(3);

    // The rest, with 3 bolts too many and a part never ordered: received all the same, the bolts flagged.
    const third = await receiveSlip(po.po_number, [
      ['BOLT', 7],
      ['NUT', 3],
      ['GLUE', 1]
    ]);
    expect(third.status).toBe(200);
    expect(third.review.purchase_order.lines).toContainEqual({
      item_id: 'GLUE',
      qty_ordered: 0,
      qty_received: 0,
      qty_shipped: 1
    });
    now = await detail(po.po_id);
    expect(now).toMatchObject({ status: 'RECEIVED', qty_received: 18, over_received: true });
    expect(now.lines.map((l) => [l.item_id, l.qty_received, l.over_received])).toEqual([
      ['BOLT', 13, true],
      ['NUT', 5, false]
    ]);
    expect(now.history.map((h) => h.to_status)).toEqual(['DRAFT', 'SENT', 'PARTIALLY_RECEIVED', 'RECEIVED']);
    expect(now.history.at(-1)!.slip_id).toBe(third.slip_id);
    expect(now.slips.map((x) => [x.slip_id, x.status, x.total_qty, x.received_by])).toEqual([
      [first.slip_id, 'received', 6, 'supervisor@localhost'],
      [second.slip_id, 'received', 2, 'supervisor@localhost'],
      [third.slip_id, 'received', 11, 'supervisor@localhost']
    ]);
    expect(await onHand()).toEqual({ BOLT: 13, NUT: 5, GLUE: 1 });
    const audit = await db.sql`SELECT item_id, on_hand::int FROM inventory_current ORDER BY item_id`;
    expect(Object.fromEntries(audit.map((r) => [r.item_id, r.on_hand]))).toEqual(await onHand());
  });

  it('spreads a receipt over two lines of one item in line order', async () => {
    const po: PoDetail = (
      await act(
        await draft([
          { item_id: 'BOLT', qty_ordered: 10 },
          { item_id: 'BOLT', qty_ordered: 10 }
        ]),
        'send'
      )
    ).body;
    await receiveSlip(po.po_number, [['BOLT', 14]]);
    expect((await detail(po.po_id)).lines.map((l) => l.qty_received)).toEqual([10, 4]);
  });

  it('receives a slip without a PO, or naming none of ours, exactly as before', async () => {
    const po: PoDetail = (await act(await draft(), 'send')).body;
    const none = await receiveSlip(null, [['BOLT', 3]]);
    expect(none.status).toBe(200);
    expect(none.review.purchase_order).toBeNull();
    const foreign = await receiveSlip('4500012345', [['BOLT', 4]]);
    expect(foreign.status).toBe(200);
    expect(foreign.review.purchase_order).toEqual({ po_number_read: '4500012345', po: null, lines: [] });
    expect(await onHand()).toEqual({ BOLT: 7 });
    expect(await detail(po.po_id)).toEqual({ ...po, slips: [] });
    expect(await db.sql`SELECT count(*)::int AS n FROM packing_slips WHERE po_id IS NOT NULL`).toEqual([{ n: 0 }]);
  });

  it('adds nothing to the PO when a receive is retried (its events answer duplicate)', async () => {
    const po: PoDetail = (await act(await draft(), 'send')).body;
    const first = await receiveSlip(po.po_number, [['BOLT', 4]]);
    // A receive cut off after its events landed but before the slip was marked: the retry applies nothing.
    await db.sql`UPDATE packing_slips SET status = 'parsed', received_at = NULL WHERE slip_id = ${first.slip_id}`;
    const retry = await call('POST', `/api/packing-slips/${first.slip_id}/receive`, { location_id: 'RECV' });
    expect(retry.body.results.map((r: { status: string }) => r.status)).toEqual(['duplicate']);
    expect((await detail(po.po_id)).lines[0].qty_received).toBe(4);
  });
});

describe('from signals', () => {
  /** Consumes below the reorder point at a location, which opens a signal there; answers its id. */
  async function signalFor(item: string, location: string, start: number, consume: number): Promise<string> {
    const device_id = `tab-${randomUUID().slice(0, 8)}`;
    await call('POST', '/api/sync/events', {
      device_id,
      events: [
        {
          event_id: randomUUID(),
          device_seq: 1,
          event_type: 'INTAKE',
          item_id: item,
          qty: start,
          location_id: location,
          source: 'wedge',
          captured_at: new Date().toISOString()
        },
        {
          event_id: randomUUID(),
          device_seq: 2,
          event_type: 'CONSUME',
          item_id: item,
          qty: consume,
          location_id: location,
          source: 'wedge',
          captured_at: new Date().toISOString()
        }
      ]
    });
    const rows = (await call('GET', `/api/signals?item_id=${item}`)).body.rows as {
      signal_id: string;
      location_id: string;
    }[];
    return rows.find((r) => r.location_id === location)!.signal_id;
  }

  it('drafts one PO per preferred supplier, rounds the reorder qty up to the pack, acknowledges, and the signals show their PO', async () => {
    const bolt1 = await signalFor('BOLT', 'LINE-1', 400, 200);
    const bolt2 = await signalFor('BOLT', 'LINE-2', 400, 200);
    const nut = await signalFor('NUT', 'LINE-1', 60, 20);
    const washer = await signalFor('WASHER', 'LINE-1', 20, 15);
    const res = await call('POST', '/api/purchase-orders/from-signals', { signal_ids: [bolt1, nut, washer, bolt2] });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const pos = res.body.rows as PoDetail[];
    expect(pos.map((p) => p.supplier_id).sort()).toEqual(['ACME', 'BETA']);
    const acme = pos.find((p) => p.supplier_id === 'ACME')!;
    const beta = pos.find((p) => p.supplier_id === 'BETA')!;
    // BOLT: reorder 500 in packs of 120 → 600; NUT: 100 in packs of 1; WASHER: no reorder qty → one pack of 50.
    expect(acme.lines.map((l) => [l.item_id, l.qty_ordered, l.price, l.signal_id]).sort()).toEqual(
      [
        ['BOLT', 600, 0.25, bolt1],
        ['BOLT', 600, 0.25, bolt2],
        ['NUT', 100, 0.1, nut]
      ].sort()
    );
    expect(beta.lines.map((l) => [l.item_id, l.qty_ordered, l.signal_id])).toEqual([['WASHER', 50, washer]]);
    expect(acme.status).toBe('DRAFT');
    // Expected after each supplier's lead time.
    const [{ acme_day, beta_day }] =
      await db.sql`SELECT to_char(current_date + 5, 'YYYY-MM-DD') AS acme_day, to_char(current_date + 10, 'YYYY-MM-DD') AS beta_day`;
    expect([acme.expected_date, beta.expected_date]).toEqual([acme_day, beta_day]);

    const signals = (await call('GET', '/api/signals')).body.rows as {
      signal_id: string;
      state: string;
      po_number: string | null;
      po_status: string | null;
      po_id: string | null;
    }[];
    expect(signals).toHaveLength(4);
    for (const s of signals) {
      const po = s.signal_id === washer ? beta : acme;
      expect(s).toMatchObject({ state: 'ACKNOWLEDGED', po_id: po.po_id, po_number: po.po_number, po_status: 'DRAFT' });
    }

    // Ordered once: a second request for any of them is refused whole.
    const again = await call('POST', '/api/purchase-orders/from-signals', { signal_ids: [nut] });
    expect([again.status, again.body.error.code]).toEqual([409, 'signal_on_po']);
    expect(again.body.error.message).toContain(acme.po_number);
    // A cancelled PO lets its signals go: they can be ordered again.
    await act(beta, 'cancel');
    expect(
      (await call('GET', '/api/signals')).body.rows.find((s: { signal_id: string }) => s.signal_id === washer).po_number
    ).toBeNull();
    expect((await call('POST', '/api/purchase-orders/from-signals', { signal_ids: [washer] })).status).toBe(201);
  });

  it('refuses a signal with no preferred supplier, a fulfilled one and an unknown one, and drafts nothing', async () => {
    const glue = await signalFor('GLUE', 'LINE-1', 10, 6);
    const nut = await signalFor('NUT', 'LINE-1', 60, 20);
    const orphan = await call('POST', '/api/purchase-orders/from-signals', { signal_ids: [nut, glue] });
    expect(orphan.status).toBe(422);
    expect(orphan.body.error).toMatchObject({
      code: 'no_preferred_supplier',
      message: 'GLUE has no preferred supplier: set one in the supplier catalogue first.'
    });
    expect((await call('POST', `/api/signals/${nut}/fulfill`)).status).toBe(200);
    const fulfilled = await call('POST', '/api/purchase-orders/from-signals', { signal_ids: [nut] });
    expect([fulfilled.status, fulfilled.body.error.code]).toEqual([409, 'signal_not_open']);
    const unknown = await call('POST', '/api/purchase-orders/from-signals', { signal_ids: [randomUUID()] });
    expect(unknown.status).toBe(404);
    expect(await db.sql`SELECT count(*)::int AS n FROM purchase_orders`).toEqual([{ n: 0 }]);
    // The refused request acknowledged nothing.
    expect(
      (await call('GET', '/api/signals')).body.rows.find((s: { signal_id: string }) => s.signal_id === glue).state
    ).toBe('OPEN');
  });

  it('a signal’s PO goes all the way: sent, received, and the intake fulfils the signal', async () => {
    const bolt = await signalFor('BOLT', 'RECV', 400, 200); // on hand 200 ≤ 300
    const [po] = (await call('POST', '/api/purchase-orders/from-signals', { signal_ids: [bolt] })).body
      .rows as PoDetail[];
    const sent: PoDetail = (await act(po, 'send')).body;
    expect((await receiveSlip(sent.po_number, [['BOLT', 600]])).status).toBe(200);
    expect((await detail(po.po_id)).status).toBe('RECEIVED');
    const signal = (await call('GET', '/api/signals?status=all')).body.rows.find(
      (s: { signal_id: string }) => s.signal_id === bolt
    );
    expect(signal).toMatchObject({ state: 'FULFILLED', po_number: po.po_number, po_status: 'RECEIVED' });
  });
});

describe('lists and suppliers', () => {
  it('filters by status, supplier and overdue', async () => {
    const late = await draft(LINES, { expected_date: '2021-01-01' });
    const sent: PoDetail = (await act(await draft(LINES, { expected_date: '2021-01-01' }), 'send')).body;
    const cancelled: PoDetail = (await act(await draft(LINES, { expected_date: '2021-01-01' }), 'cancel')).body;
    const future = await draft(LINES, { expected_date: '2099-01-01' });
    const beta = (
      await call('POST', '/api/purchase-orders', {
        supplier_id: 'BETA',
        lines: [{ item_id: 'WASHER', qty_ordered: 50 }]
      })
    ).body as PoDetail;
    const ids = async (q: string) =>
      ((await call('GET', `/api/purchase-orders?${q}`)).body.rows as PoDetail[]).map((p) => p.po_id).sort();
    expect(await ids('overdue=true')).toEqual([late.po_id, sent.po_id].sort());
    expect(await ids('overdue=false')).toEqual([cancelled.po_id, future.po_id, beta.po_id].sort());
    expect(await ids('status=SENT')).toEqual([sent.po_id]);
    expect(await ids('supplier_id=BETA')).toEqual([beta.po_id]);
    expect(await ids('status=DRAFT&supplier_id=ACME')).toEqual([late.po_id, future.po_id].sort());
    expect(await ids(`q=${late.po_number}`)).toEqual([late.po_id]);
    const all = await call('GET', '/api/purchase-orders?limit=2');
    expect(all.body).toMatchObject({ total: 5 });
    expect(all.body.rows).toHaveLength(2);
    expect((await detail(late.po_id)).overdue).toBe(true);
    for (const q of ['status=LOST', 'overdue=maybe', 'limit=0', 'zz=1'])
      expect((await call('GET', `/api/purchase-orders?${q}`)).status, q).toBe(400);
  });

  it('gives a supplier its open POs and the share received on time', async () => {
    // Two received: one on time (expected in the future), one late (expected in the past).
    for (const expected_date of ['2099-01-01', '2021-01-01']) {
      const po: PoDetail = (await act(await draft(LINES, { expected_date }), 'send')).body;
      await receiveSlip(po.po_number, [
        ['BOLT', 10],
        ['NUT', 5]
      ]);
    }
    const open = await draft();
    await act(await draft(), 'cancel');
    const res = await call('GET', '/api/purchase-orders/suppliers/ACME/summary');
    expect(res.body).toMatchObject({
      supplier_id: 'ACME',
      received_count: 2,
      rated_count: 2,
      on_time_count: 1,
      on_time_rate: 0.5
    });
    expect(res.body.open.map((p: PoDetail) => p.po_id)).toEqual([open.po_id]);
    expect((await call('GET', '/api/purchase-orders/suppliers/BETA/summary')).body).toMatchObject({
      open: [],
      on_time_rate: null
    });
    expect((await call('GET', '/api/purchase-orders/suppliers/NOPE/summary')).status).toBe(404);
  });
});

describe('the sample plant', () => {
  it('opens with purchase orders drafted from its open signals, one sent; a second seed adds none', async () => {
    await db.sql`TRUNCATE purchase_order_status_history, purchase_order_lines, purchase_orders, packing_slips, supplier_items, suppliers,
      categories, scan_events, stock_levels, replenishment_signals, devices, audit_log, items, locations CASCADE`;
    await seed(db.sql);
    const { rows } = (await call('GET', '/api/purchase-orders')).body as { rows: PoDetail[] };
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((p) => p.status === 'SENT')).toHaveLength(1);
    expect(rows.filter((p) => p.status === 'DRAFT')).toHaveLength(rows.length - 1);
    const signals = (await call('GET', '/api/signals')).body.rows as { po_number: string | null; state: string }[];
    const ordered = signals.filter((s) => s.po_number);
    expect(ordered.length).toBe(rows.reduce((n, p) => n + p.line_count, 0));
    expect(ordered.every((s) => s.state === 'ACKNOWLEDGED')).toBe(true);
    await seed(db.sql);
    expect((await call('GET', '/api/purchase-orders')).body.total).toBe(rows.length);
  });

  it('answers in the shapes the console parses (src/lib/domain/responses.ts)', async () => {
    await db.sql`TRUNCATE purchase_order_status_history, purchase_order_lines, purchase_orders, packing_slips, supplier_items, suppliers,
      categories, scan_events, stock_levels, replenishment_signals, devices, audit_log, items, locations CASCADE`;
    await seed(db.sql);
    const page = poPageSchema.parse((await call('GET', '/api/purchase-orders')).body);
    expect(page.rows.length).toBeGreaterThan(0);
    for (const po of page.rows) {
      const d = poDetailSchema.parse((await call('GET', `/api/purchase-orders/${po.po_id}`)).body);
      expect(d.lines.length).toBe(po.line_count);
      expect(d.history.length).toBeGreaterThan(0);
    }
  });
});
