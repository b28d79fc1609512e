import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ScanEvent } from '#domain/events';
import { createTestDb, type TestDb } from '../../testing/testdb';
import { makeEvent, tally } from '../../testing/testkit';
import { verifyStock } from '../../db/verify';
import { copyDatabase } from '../../testing/restore';
import { pushEvents, type PushContext } from './push';

let db: TestDb;
const ctx: PushContext = { userEmail: 'op@plant.example', requireKnownItems: false };
const push = (events: unknown[], device_id = 'tab-1', c = ctx) => pushEvents(db.sql, { device_id, events }, c);

beforeAll(async () => {
  db = await createTestDb();
});
afterAll(() => db.close());
beforeEach(async () => {
  await db.sql`TRUNCATE scan_events, stock_levels, replenishment_signals, devices, audit_log, items, locations CASCADE`;
  await db.sql`INSERT INTO locations (location_id, name) VALUES ('LINE-1', 'Line 1'), ('LINE-2', 'Line 2')`;
  await db.sql`INSERT INTO items (item_id, description, reorder_point, reorder_qty) VALUES
    ('P-1', 'Bolt', 10, 50), ('P-2', 'Nut', NULL, NULL)`;
});

async function stock(item = 'P-1', loc = 'LINE-1') {
  const [row] =
    await db.sql`SELECT on_hand, intake_total, consume_total FROM stock_levels WHERE item_id = ${item} AND location_id = ${loc}`;
  return row ?? null;
}
async function signals(item = 'P-1') {
  return db.sql`SELECT signal_id::text, state, triggered_at_qty, on_hand_at_change FROM replenishment_signals WHERE item_id = ${item} ORDER BY row_id`;
}

describe('idempotency', () => {
  it('answers applied, then duplicate for the same batch sent again, and stores each event once', async () => {
    const events = [1, 2, 3].map((s) => makeEvent({ device_seq: s, event_type: 'INTAKE', qty: 5 }));
    const first = await push(events);
    expect(first.results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
    expect(first.results.map((r) => r.event_id)).toEqual(events.map((e) => e.event_id));
    const again = await push(events);
    expect(again.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    const [{ n }] = await db.sql`SELECT count(*) AS n FROM scan_events`;
    expect(n).toBe(3);
    expect(await stock()).toMatchObject({ on_hand: 15, intake_total: 15 });
  });

  it('applies the new part of a batch that partly repeats an earlier one', async () => {
    const events = [1, 2, 3, 4].map((s) => makeEvent({ device_seq: s, event_type: 'INTAKE', qty: 2 }));
    await push(events.slice(0, 2));
    const res = await push(events);
    expect(res.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'applied', 'applied']);
    expect(await stock()).toMatchObject({ on_hand: 8 });
  });

  it('rejects an event id reused with different content and keeps the stored one', async () => {
    const e = makeEvent({ device_seq: 1, event_type: 'INTAKE', qty: 5 });
    await push([e]);
    const res = await push([{ ...e, qty: 50 }]);
    expect(res.results[0]).toEqual({
      event_id: e.event_id,
      status: 'rejected',
      reason: 'conflict: event_id reused with different content'
    });
    const [row] = await db.sql`SELECT qty FROM scan_events WHERE event_id = ${e.event_id}`;
    expect(row.qty).toBe(5);
    expect(await stock()).toMatchObject({ on_hand: 5 });
  });

  it('treats the same id from another device as a conflict', async () => {
    const e = makeEvent({ device_seq: 1, event_type: 'INTAKE' });
    await push([e], 'tab-1');
    expect((await push([e], 'tab-2')).results[0].status).toBe('rejected');
  });

  it('answers a repeat inside one batch like its first copy', async () => {
    const e = makeEvent({ device_seq: 1, event_type: 'INTAKE', qty: 3 });
    const res = await push([e, e, { ...e, qty: 4 }]);
    expect(res.results.map((r) => r.status)).toEqual(['applied', 'duplicate', 'rejected']);
    expect(await stock()).toMatchObject({ on_hand: 3 });
  });

  it('rejects a second event with a device_seq the device already used', async () => {
    await push([makeEvent({ device_seq: 1 })]);
    const res = await push([makeEvent({ device_seq: 1 })]);
    expect(res.results[0].status).toBe('rejected');
    expect(res.results[0].reason).toMatch(/device_seq 1 is already used/);
  });

  it('matches captured_at as an instant, whatever offset a retry writes it with', async () => {
    const e = makeEvent({ device_seq: 1, captured_at: '2026-11-20T10:00:00.000Z' });
    await push([e]);
    expect((await push([{ ...e, captured_at: '2026-11-20T11:00:00.000+01:00' }])).results[0].status).toBe('duplicate');
  });
});

describe('storage', () => {
  // A batch reaches PostgreSQL as one array per column: quotes, commas, braces, backslashes, "NULL" and empty strings
  // must come back exactly as sent, stock must land on the right row, and a retry must still match what is stored.
  it('stores every field exactly as sent, whatever characters it holds', async () => {
    const tricky = [
      'NULL',
      'null',
      '',
      ' ',
      '"',
      '\\',
      '{}',
      '{a,b}',
      'a,b',
      "it's",
      '\\"NULL\\"',
      'ÄÖ ü 日本 🧰',
      '(1)'
    ];
    const text = fc.oneof(
      fc.constantFrom(...tricky),
      fc.string({ maxLength: 12 }).filter((t) => !/[\p{Cc}\p{Cs}]/u.test(t))
    );
    const optional = fc.oneof(text, fc.constant(null));
    const code = text.map((t) => t.trim()).filter((t) => t.length > 0);
    const barcode = fc.oneof(
      optional,
      text.map((t) => `01${t}\u001d10LOT`)
    );
    let seq = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            item_id: code,
            location_id: code,
            station_id: optional,
            barcode_raw: barcode,
            lot: optional,
            operator: optional
          }),
          { minLength: 1, maxLength: 6 }
        ),
        async (fields) => {
          const events = fields.map((f) => makeEvent({ device_seq: ++seq, event_type: 'INTAKE', qty: 3, ...f }));
          expect(tally((await push(events)).results)).toEqual({ applied: events.length });
          const stored = await db.sql`
          SELECT event_id::text, item_id, location_id, station_id, barcode_raw, lot, operator FROM scan_events
          WHERE event_id = ANY(${events.map((e) => e.event_id)}::uuid[])`;
          const byId = new Map(stored.map((r) => [r.event_id, r]));
          for (const e of events) {
            const { item_id, location_id, station_id, barcode_raw, lot, operator } = e;
            expect(byId.get(e.event_id)).toEqual({
              event_id: e.event_id,
              item_id,
              location_id,
              station_id,
              barcode_raw,
              lot,
              operator
            });
          }
          expect(tally((await push(events)).results)).toEqual({ duplicate: events.length });
        }
      ),
      { numRuns: 40 }
    );
    expect(await verifyStock(db.sql)).toMatchObject({ drift: [] });
  });
});

describe('validation', () => {
  it('rejects invalid events with the field path and applies the valid ones of the same batch', async () => {
    const good = makeEvent({ device_seq: 1, event_type: 'INTAKE', qty: 2 });
    const res = await push([
      good,
      { ...makeEvent({ device_seq: 2 }), qty: 0 },
      { ...makeEvent({ device_seq: 3 }), qty: 1.5 },
      { ...makeEvent({ device_seq: 4 }), event_type: 'STEAL' },
      { ...makeEvent({ device_seq: 5 }), extra: 1 },
      { ...makeEvent({ device_seq: 6 }), event_id: 'not-a-uuid' },
      { ...makeEvent({ device_seq: 7 }), captured_at: '2099-01-01T00:00:00Z' },
      { ...makeEvent({ device_seq: 8 }), item_id: 'A\u0000B' },
      'not an object',
      null
    ]);
    expect(res.results[0].status).toBe('applied');
    const reasons = res.results.slice(1).map((r) => r.reason);
    expect(res.results.slice(1).every((r) => r.status === 'rejected')).toBe(true);
    expect(reasons[0]).toMatch(/^invalid: qty: /);
    expect(reasons[1]).toMatch(/^invalid: qty: must be a whole number/);
    expect(reasons[2]).toMatch(/^invalid: event_type/);
    expect(reasons[3]).toMatch(/^invalid: .*extra/);
    expect(reasons[4]).toMatch(/^invalid: event_id: must be a UUID/);
    expect(reasons[5]).toMatch(/^invalid: captured_at: .*future/);
    expect(reasons[6]).toMatch(/^invalid: item_id: must not contain control characters/);
    expect(res.results[5].event_id).toBe('not-a-uuid');
    expect(await stock()).toMatchObject({ on_hand: 2 });
  });
});

describe('atomicity', () => {
  it('stores nothing of a batch whose transaction fails', async () => {
    await db.sql`ALTER TABLE stock_levels ADD CONSTRAINT test_cap CHECK (on_hand < 100)`;
    try {
      const events = [
        makeEvent({ device_seq: 1, event_type: 'INTAKE', qty: 5 }),
        makeEvent({ device_seq: 2, event_type: 'INTAKE', qty: 500 })
      ];
      await expect(push(events)).rejects.toThrow(/test_cap/);
      const [{ n }] = await db.sql`SELECT count(*) AS n FROM scan_events`;
      expect(n).toBe(0);
      expect(await stock()).toBeNull();
      expect(await db.sql`SELECT * FROM devices`).toHaveLength(0);
    } finally {
      await db.sql`ALTER TABLE stock_levels DROP CONSTRAINT test_cap`;
    }
  });
});

describe('VOID', () => {
  it('moves stock back, keeps the voided event, and refuses a second VOID of it', async () => {
    const take = makeEvent({ device_seq: 1, event_type: 'INTAKE', qty: 7 });
    await push([take]);
    const v = makeEvent({ device_seq: 2, event_type: 'VOID', qty: 7, voids_event_id: take.event_id });
    expect((await push([v])).results[0].status).toBe('applied');
    expect(await stock()).toMatchObject({ on_hand: 0, intake_total: 0 });
    expect(await db.sql`SELECT 1 FROM scan_events WHERE event_id = ${take.event_id}`).toHaveLength(1);
    const again = await push(
      [makeEvent({ device_seq: 1, event_type: 'VOID', qty: 7, voids_event_id: take.event_id })],
      'tab-2'
    );
    expect(again.results[0]).toMatchObject({
      status: 'rejected',
      reason: `invalid: event ${take.event_id} is already voided`
    });
    expect(await stock()).toMatchObject({ on_hand: 0 });
  });

  it('answers duplicate for a VOID sent again after its answer was lost, alone or with its scan', async () => {
    const take = makeEvent({ device_seq: 1, event_type: 'INTAKE', qty: 4 });
    const v = makeEvent({ device_seq: 2, event_type: 'VOID', qty: 4, voids_event_id: take.event_id });
    expect((await push([take, v])).results.map((r) => r.status)).toEqual(['applied', 'applied']);
    expect((await push([take, v])).results.map((r) => r.status)).toEqual(['duplicate', 'duplicate']);
    expect((await push([v])).results.map((r) => r.status)).toEqual(['duplicate']);
    // A different VOID of the same scan, in the same batch as the retry, is still refused.
    const second = makeEvent({ device_seq: 3, event_type: 'VOID', qty: 4, voids_event_id: take.event_id });
    const res = await push([v, second]);
    expect(res.results.map((r) => r.status)).toEqual(['duplicate', 'rejected']);
    expect(res.results[1].reason).toBe(`invalid: event ${take.event_id} is already voided`);
    expect(await stock()).toMatchObject({ on_hand: 0, intake_total: 0 });
    expect((await verifyStock(db.sql)).drift).toEqual([]);
  });

  it('voids an event of another device, and one earlier in the same batch', async () => {
    const a = makeEvent({ device_seq: 1, event_type: 'CONSUME', qty: 3 });
    await push([a], 'tab-1');
    const b = makeEvent({ device_seq: 1, event_type: 'INTAKE', qty: 4 });
    const res = await push(
      [
        makeEvent({ device_seq: 5, event_type: 'VOID', qty: 3, voids_event_id: a.event_id }),
        b,
        makeEvent({ device_seq: 2, event_type: 'VOID', qty: 4, voids_event_id: b.event_id })
      ],
      'tab-2'
    );
    expect(res.results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
    expect(await stock()).toMatchObject({ on_hand: 0, intake_total: 0, consume_total: 0 });
  });

  it('rejects a VOID of an unknown event, of a VOID, or with other item, location or qty', async () => {
    const a = makeEvent({ device_seq: 1, event_type: 'INTAKE', qty: 3 });
    await push([a]);
    const v = makeEvent({ device_seq: 2, event_type: 'VOID', qty: 3, voids_event_id: a.event_id });
    const res = await push([
      makeEvent({ device_seq: 3, event_type: 'VOID', qty: 3, voids_event_id: '00000000-0000-4000-8000-000000000000' }),
      makeEvent({ device_seq: 4, event_type: 'VOID', qty: 2, voids_event_id: a.event_id }),
      makeEvent({ device_seq: 5, event_type: 'VOID', qty: 3, item_id: 'P-2', voids_event_id: a.event_id }),
      v,
      makeEvent({ device_seq: 6, event_type: 'VOID', qty: 3, voids_event_id: v.event_id }),
      makeEvent({ device_seq: 7, event_type: 'INTAKE', voids_event_id: a.event_id })
    ]);
    expect(res.results.map((r) => r.status)).toEqual([
      'rejected',
      'rejected',
      'rejected',
      'applied',
      'rejected',
      'rejected'
    ]);
    expect(res.results[0].reason).toMatch(/not a known event/);
    expect(res.results[1].reason).toMatch(/must carry the item, location and qty/);
    expect(res.results[4].reason).toMatch(/already voided|cannot be voided/);
    expect(res.results[5].reason).toMatch(/only allowed on a VOID/);
    expect(await stock()).toMatchObject({ on_hand: 0 });
  });
});

describe('stock and signals', () => {
  it('accepts stock going negative and counts it', async () => {
    expect((await push([makeEvent({ device_seq: 1, qty: 4 })])).results[0].status).toBe('applied');
    expect(await stock()).toMatchObject({ on_hand: -4, consume_total: 4 });
  });

  it('opens one signal at or below the reorder point and fulfils it when stock rises above', async () => {
    await push([makeEvent({ device_seq: 1, event_type: 'INTAKE', qty: 20 })]);
    await push([makeEvent({ device_seq: 2, qty: 10 })]); // 10: at the reorder point
    await push([makeEvent({ device_seq: 3, qty: 5 })]); // 5: already open, no second signal
    let s = await signals();
    expect(s.map((r) => r.state)).toEqual(['OPEN']);
    expect(s[0].triggered_at_qty).toBe(10);
    await push([makeEvent({ device_seq: 4, event_type: 'INTAKE', qty: 5 })]); // 10: not above
    expect((await signals()).map((r) => r.state)).toEqual(['OPEN']);
    await push([makeEvent({ device_seq: 5, event_type: 'INTAKE', qty: 1 })]); // 11: above
    s = await signals();
    expect(s.map((r) => r.state)).toEqual(['OPEN', 'FULFILLED']);
    expect(s[1].signal_id).toBe(s[0].signal_id);
    expect(s[1]).toMatchObject({ triggered_at_qty: 10, on_hand_at_change: 11 });
    await push([makeEvent({ device_seq: 6, qty: 1 })]); // 10 again: a new signal
    s = await signals();
    expect(s.map((r) => r.state)).toEqual(['OPEN', 'FULFILLED', 'OPEN']);
    expect(s[2].signal_id).not.toBe(s[0].signal_id);
  });

  it('opens and fulfils within one batch in event order', async () => {
    await push([
      makeEvent({ device_seq: 1, event_type: 'INTAKE', qty: 12 }),
      makeEvent({ device_seq: 2, qty: 5 }),
      makeEvent({ device_seq: 3, event_type: 'INTAKE', qty: 30 })
    ]);
    expect((await signals()).map((r) => r.state)).toEqual(['OPEN', 'FULFILLED']);
    const [row] = await db.sql`SELECT active_signal_id FROM stock_levels`;
    expect(row.active_signal_id).toBeNull();
  });

  it('never signals for items without a reorder point, nor for placeholders', async () => {
    await push([
      makeEvent({ device_seq: 1, item_id: 'P-2', qty: 3 }),
      makeEvent({ device_seq: 2, item_id: 'NEW-9', qty: 3 })
    ]);
    expect(await db.sql`SELECT * FROM replenishment_signals`).toHaveLength(0);
  });
});

describe('unknown items and locations', () => {
  it('creates placeholders flagged for a supervisor, and audits them', async () => {
    const res = await push([
      makeEvent({ device_seq: 1, item_id: 'NEW-1', location_id: 'DOCK-9', event_type: 'INTAKE' })
    ]);
    expect(res.results[0].status).toBe('applied');
    const [item] = await db.sql`SELECT placeholder, updated_by FROM items WHERE item_id = 'NEW-1'`;
    expect(item).toEqual({ placeholder: true, updated_by: 'op@plant.example' });
    expect(await db.sql`SELECT placeholder FROM locations WHERE location_id = 'DOCK-9'`).toEqual([
      { placeholder: true }
    ]);
    expect(await db.sql`SELECT action FROM audit_log WHERE entity_id = 'NEW-1'`).toEqual([{ action: 'placeholder' }]);
  });

  it('rejects unknown items when configured to require known ones, and applies the rest', async () => {
    const res = await push(
      [
        makeEvent({ device_seq: 1, item_id: 'NEW-1' }),
        makeEvent({ device_seq: 2, item_id: 'P-1', event_type: 'INTAKE' })
      ],
      'tab-1',
      { ...ctx, requireKnownItems: true }
    );
    expect(res.results[0]).toMatchObject({ status: 'rejected', reason: 'unknown item: NEW-1' });
    expect(res.results[1].status).toBe('applied');
    expect(await db.sql`SELECT 1 FROM items WHERE item_id = 'NEW-1'`).toHaveLength(0);
  });
});

describe('devices', () => {
  it('records last seen, sequence progress, gaps and what the device reported', async () => {
    await pushEvents(
      db.sql,
      {
        device_id: 'tab-9',
        app_version: '1.2.3',
        pending_count: 4,
        sent_at: new Date(Date.now() - 5000).toISOString(),
        events: [
          makeEvent({ device_seq: 1 }),
          makeEvent({ device_seq: 2 }),
          makeEvent({ device_seq: 5 }),
          { bad: true }
        ]
      },
      ctx
    );
    const [d] = await db.sql`SELECT * FROM devices WHERE device_id = 'tab-9'`;
    expect(d).toMatchObject({
      app_version: '1.2.3',
      last_seq: 5,
      events_received: 3,
      pending_reported: 0,
      rejections_total: 1
    }); // 4 pending, all 4 in the batch
    expect(d.clock_offset_ms).toBeGreaterThanOrEqual(4000);
  });
});

describe('concurrency', () => {
  it('applies concurrent batches from many devices on the same items without deadlock or lost updates', async () => {
    const devices = Array.from({ length: 6 }, (_, d) => `tab-${d}`);
    await Promise.all(
      devices.map(async (device) => {
        for (let b = 0; b < 4; b++) {
          const events = Array.from({ length: 50 }, (_, i) =>
            makeEvent({
              device_seq: b * 50 + i + 1,
              item_id: i % 2 ? 'P-1' : 'P-2',
              location_id: i % 3 ? 'LINE-1' : 'LINE-2',
              qty: 1
            })
          );
          const res = await push(events, device);
          expect(tally(res.results)).toEqual({ applied: 50 });
        }
      })
    );
    const [{ n }] = await db.sql`SELECT count(*) AS n FROM scan_events`;
    expect(n).toBe(6 * 200);
    expect((await verifyStock(db.sql)).drift).toEqual([]);
  });
});

describe('projection', () => {
  it('equals the recomputation from scan_events after any sequence of pushes, retries, voids, moves and counts', async () => {
    const items = ['P-1', 'P-2', 'X-1'];
    const op = fc.record({
      type: fc.constantFrom('INTAKE', 'CONSUME', 'CONSUME', 'VOID', 'RETRY', 'MOVE', 'COUNT'),
      item: fc.constantFrom(...items),
      loc: fc.constantFrom('LINE-1', 'LINE-2'),
      qty: fc.integer({ min: 1, max: 20 }),
      pick: fc.nat(),
      device: fc.constantFrom('a', 'b')
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(op, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 6 }),
        async (batches) => {
          await db.sql`TRUNCATE scan_events, stock_levels, replenishment_signals, devices CASCADE`;
          const sent: ScanEvent[] = [];
          const seq: Record<string, number> = { a: 0, b: 0 };
          for (const batch of batches) {
            const byDevice: Record<string, unknown[]> = { a: [], b: [] };
            for (const o of batch) {
              if (o.type === 'RETRY' && sent.length) {
                const e = sent[o.pick % sent.length];
                byDevice[e.device_seq % 2 ? 'a' : 'b'].push(e);
                continue;
              }
              const target = o.type === 'VOID' && sent.length ? sent[o.pick % sent.length] : null;
              if (o.type === 'RETRY' || (o.type === 'VOID' && !target)) continue;
              const e = target
                ? makeEvent({
                    device_seq: 0,
                    event_type: 'VOID',
                    item_id: target.item_id,
                    location_id: target.location_id,
                    qty: target.qty,
                    voids_event_id: target.event_id
                  })
                : o.type === 'MOVE'
                  ? makeEvent({
                      device_seq: 0,
                      event_type: 'MOVE',
                      item_id: o.item,
                      location_id: o.loc,
                      to_location_id: o.loc === 'LINE-1' ? 'LINE-2' : 'LINE-1',
                      qty: o.qty
                    })
                  : o.type === 'COUNT'
                    ? makeEvent({
                        device_seq: 0,
                        event_type: 'COUNT',
                        item_id: o.item,
                        location_id: o.loc,
                        qty: o.pick % 15,
                        expected_qty: o.qty
                      })
                    : makeEvent({
                        device_seq: 0,
                        event_type: o.type as 'INTAKE' | 'CONSUME',
                        item_id: o.item,
                        location_id: o.loc,
                        qty: o.qty
                      });
              // Odd sequence numbers belong to device a, even to b, so a retry finds its own device again.
              seq[o.device] += 1;
              e.device_seq = seq[o.device] * 2 - (o.device === 'a' ? 1 : 0);
              sent.push(e);
              byDevice[o.device].push(e);
            }
            for (const d of ['a', 'b']) if (byDevice[d].length) await push(byDevice[d], d);
          }
          const v = await verifyStock(db.sql);
          expect(v.drift).toEqual([]);
          // Signals agree with the projection: an active signal exactly where stock_levels says one is.
          const active = await db.sql`
          SELECT count(*) AS n FROM (SELECT DISTINCT ON (signal_id) state FROM replenishment_signals ORDER BY signal_id, row_id DESC) s
          WHERE state <> 'FULFILLED'`;
          const [{ n }] = await db.sql`SELECT count(*) AS n FROM stock_levels WHERE active_signal_id IS NOT NULL`;
          expect(active[0].n).toBe(n);
        }
      ),
      { numRuns: 40 }
    );
  });
});

// Each answer says the highest device_seq the server held for the device before the push: a tablet holding synced
// scans above it sends them again. Before, so that scans lost below the ones a push carries are seen too.
describe('the highest sequence number held, for the tablet to refill a loss', () => {
  it('answers what the server held before each push, per device; 0 for a new one', async () => {
    const first = [1, 2, 3].map((s) => makeEvent({ device_seq: s, event_type: 'INTAKE', qty: 4 }));
    expect((await push(first)).server_max_seq).toBe(0);
    expect((await push([makeEvent({ device_seq: 4, event_type: 'INTAKE' })])).server_max_seq).toBe(3);
    expect((await push([])).server_max_seq).toBe(4);
    expect((await push([], 'tab-2')).server_max_seq).toBe(0);
    // A retry of what is held answers duplicate and the same number.
    expect((await push(first)).server_max_seq).toBe(4);
  });

  it('after a restore to an earlier copy, the answer shows the loss, and the resent scans make the stock exact', async () => {
    const before = [1, 2, 3].map((s) => makeEvent({ device_seq: s, event_type: 'INTAKE', qty: 10 }));
    await push(before);
    const copy = await copyDatabase(db.sql);
    const after = [
      makeEvent({ device_seq: 4, event_type: 'CONSUME', qty: 25 }),
      makeEvent({ device_seq: 5, event_type: 'INTAKE', qty: 7 })
    ];
    const voidOfOld = makeEvent({
      device_seq: 6,
      event_type: 'VOID',
      qty: 10,
      voids_event_id: before[0].event_id
    });
    await push([...after, voidOfOld]);
    expect(await stock()).toMatchObject({ on_hand: 2 });
    const opened = (await signals()).length;
    expect(opened).toBeGreaterThan(0); // the consume took P-1 below its reorder point

    await copy.restore();
    expect(await stock()).toMatchObject({ on_hand: 30 });
    expect((await verifyStock(db.sql)).drift).toEqual([]);
    const [{ n }] = await db.sql`SELECT count(*)::int AS n FROM scan_events`;
    expect(n).toBe(3);

    // The tablet's next push, with a new scan: the answer says 3, so it sends 4..6 again.
    const fresh = makeEvent({ device_seq: 7, event_type: 'INTAKE', qty: 1 });
    const res = await push([fresh]);
    expect(res.server_max_seq).toBe(3);
    const refill = await pushEvents(db.sql, { device_id: 'tab-1', events: [...after, voidOfOld], refilled: 3 }, ctx);
    expect(tally(refill.results)).toEqual({ applied: 3 });
    expect(refill.server_max_seq).toBe(7);
    // Sent again once more (an answer lost): harmless.
    expect(tally((await push([...after, voidOfOld])).results)).toEqual({ duplicate: 3 });
    expect(await stock()).toMatchObject({ on_hand: 3 });
    expect((await verifyStock(db.sql)).drift).toEqual([]);
    const [device] = await db.sql`SELECT last_seq, refilled_total, refilled_at FROM devices WHERE device_id = 'tab-1'`;
    expect(device).toMatchObject({ last_seq: 7, refilled_total: 3 });
    expect(device.refilled_at).not.toBeNull();
  });
});
