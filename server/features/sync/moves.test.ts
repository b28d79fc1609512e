// MOVE and COUNT through the push: one event each, applied once, projected on every row they touch in the push's
// transaction, and always equal to the audit's recomputation from the events.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../testing/testdb';
import { makeEvent } from '../../testing/testkit';
import { verifyStock } from '../../db/verify';
import { pushEvents, type PushContext } from './push';
import { readSnapshot } from './snapshot';

let db: TestDb;
const ctx: PushContext = { userEmail: 'op@plant.example', requireKnownItems: false };
const push = (events: unknown[], device_id = 'tab-1') => pushEvents(db.sql, { device_id, events }, ctx);
const statuses = async (events: unknown[], device_id = 'tab-1') =>
  (await push(events, device_id)).results.map((r) => r.status);

beforeAll(async () => {
  db = await createTestDb();
});
afterAll(() => db.close());
beforeEach(async () => {
  await db.sql`TRUNCATE scan_events, stock_levels, replenishment_signals, devices, audit_log, items, locations, lot_expiries CASCADE`;
  await db.sql`INSERT INTO locations (location_id, name) VALUES ('LINE-1', 'Line 1'), ('LINE-2', 'Line 2')`;
  await db.sql`INSERT INTO items (item_id, description, reorder_point, reorder_qty) VALUES
    ('P-1', 'Bolt', 10, 50), ('P-2', 'Nut', NULL, NULL)`;
});

async function onHand(item = 'P-1') {
  const rows = await db.sql<{ location_id: string; on_hand: number }[]>`
    SELECT location_id, on_hand FROM stock_levels WHERE item_id = ${item} ORDER BY location_id`;
  return Object.fromEntries(rows.map((r) => [r.location_id, r.on_hand]));
}

const intake = (seq: number, qty: number, location_id = 'LINE-1') =>
  makeEvent({ device_seq: seq, event_type: 'INTAKE', qty, location_id });
const move = (seq: number, qty: number, from = 'LINE-1', to = 'LINE-2') =>
  makeEvent({ device_seq: seq, event_type: 'MOVE', qty, location_id: from, to_location_id: to });
const count = (seq: number, counted: number, expected: number, location_id = 'LINE-1') =>
  makeEvent({ device_seq: seq, event_type: 'COUNT', qty: counted, expected_qty: expected, location_id });

describe('MOVE', () => {
  it('takes from one location and adds to the other, once, however often it is sent', async () => {
    await push([intake(1, 20)]);
    const m = move(2, 8);
    expect(await statuses([m])).toEqual(['applied']);
    expect(await onHand()).toEqual({ 'LINE-1': 12, 'LINE-2': 8 });
    expect(await statuses([m])).toEqual(['duplicate']);
    expect(await statuses([m, m])).toEqual(['duplicate', 'duplicate']);
    expect(await onHand()).toEqual({ 'LINE-1': 12, 'LINE-2': 8 });
    // The same id with another destination is not the same event.
    await db.sql`INSERT INTO locations (location_id, name) VALUES ('LINE-3', 'Line 3')`;
    const res = await push([{ ...m, to_location_id: 'LINE-3' }]);
    expect(res.results[0]).toMatchObject({ status: 'rejected', reason: /conflict/ });
    const [row] = await db.sql`SELECT event_type, location_id, to_location_id, qty FROM scan_events
      WHERE event_id = ${m.event_id}`;
    expect(row).toEqual({ event_type: 'MOVE', location_id: 'LINE-1', to_location_id: 'LINE-2', qty: 8 });
    // Intake and consume totals count receipts and use, not transfers.
    const totals = await db.sql`SELECT location_id, intake_total, consume_total, event_count FROM stock_levels
      WHERE item_id = 'P-1' ORDER BY location_id`;
    expect(totals).toEqual([
      { location_id: 'LINE-1', intake_total: 20, consume_total: 0, event_count: 2 },
      { location_id: 'LINE-2', intake_total: 0, consume_total: 0, event_count: 1 }
    ]);
    expect((await verifyStock(db.sql)).drift).toEqual([]);
  });

  it('is reversed on both rows by its VOID, which may be voided once only', async () => {
    await push([intake(1, 5)]);
    const m = move(2, 5);
    await push([m]);
    const v = makeEvent({
      device_seq: 3,
      event_type: 'VOID',
      qty: 5,
      location_id: 'LINE-1',
      voids_event_id: m.event_id
    });
    expect(await statuses([v])).toEqual(['applied']);
    expect(await onHand()).toEqual({ 'LINE-1': 5, 'LINE-2': 0 });
    expect(await statuses([v])).toEqual(['duplicate']);
    const again = makeEvent({ device_seq: 4, event_type: 'VOID', qty: 5, voids_event_id: m.event_id });
    expect((await push([again])).results[0]).toMatchObject({ status: 'rejected', reason: /already voided/ });
    expect(await onHand()).toEqual({ 'LINE-1': 5, 'LINE-2': 0 });
    expect((await verifyStock(db.sql)).drift).toEqual([]);
  });

  it('voids in the batch that moved, and refuses a VOID naming the destination as its location', async () => {
    const m = move(1, 3);
    const wrong = makeEvent({
      device_seq: 2,
      event_type: 'VOID',
      qty: 3,
      location_id: 'LINE-2',
      voids_event_id: m.event_id
    });
    const right = makeEvent({ device_seq: 3, event_type: 'VOID', qty: 3, voids_event_id: m.event_id });
    const res = await push([m, wrong, right]);
    expect(res.results.map((r) => r.status)).toEqual(['applied', 'rejected', 'applied']);
    expect(res.results[1].reason).toMatch(/must carry the item, location and qty/);
    expect(await onHand()).toEqual({ 'LINE-1': 0, 'LINE-2': 0 });
    expect((await verifyStock(db.sql)).drift).toEqual([]);
  });

  it('opens a signal where stock fell to the reorder point and fulfils one where it rose above', async () => {
    await push([
      intake(1, 12, 'LINE-1'),
      intake(2, 1, 'LINE-2'),
      makeEvent({ device_seq: 3, location_id: 'LINE-2', qty: 1 })
    ]);
    const opened = await db.sql`SELECT location_id, state FROM replenishment_signals ORDER BY row_id`;
    expect(opened).toEqual([{ location_id: 'LINE-2', state: 'OPEN' }]);
    await push([move(4, 11)]); // LINE-1: 12 → 1 (opens), LINE-2: 0 → 11 (fulfils)
    const after = await db.sql`SELECT location_id, state FROM replenishment_signals ORDER BY row_id`;
    expect(after.slice(1)).toEqual(
      expect.arrayContaining([
        { location_id: 'LINE-1', state: 'OPEN' },
        { location_id: 'LINE-2', state: 'FULFILLED' }
      ])
    );
    expect(after).toHaveLength(3);
    expect((await verifyStock(db.sql)).drift).toEqual([]);
  });

  it('creates an unknown destination as a placeholder location, as a scan does', async () => {
    expect(await statuses([move(1, 2, 'LINE-1', 'DOCK-9')])).toEqual(['applied']);
    const [loc] = await db.sql`SELECT placeholder FROM locations WHERE location_id = 'DOCK-9'`;
    expect(loc.placeholder).toBe(true);
    expect(await onHand()).toEqual({ 'DOCK-9': 2, 'LINE-1': -2 });
  });

  it('refuses a MOVE without a destination, or to where it is, with the reason', async () => {
    const res = await push([
      { ...move(1, 2), to_location_id: null },
      move(2, 2, 'LINE-1', 'LINE-1'),
      { ...intake(3, 1), to_location_id: 'LINE-2' }
    ]);
    expect(res.results.map((r) => r.reason)).toEqual([
      expect.stringMatching(/to_location_id: is required for a MOVE/),
      expect.stringMatching(/to_location_id: must differ from location_id/),
      expect.stringMatching(/to_location_id: is only allowed on a MOVE/)
    ]);
    expect(await onHand()).toEqual({});
  });
});

describe('COUNT', () => {
  it('sets stock to the counted quantity and records the adjustment against on hand when applied', async () => {
    await push([intake(1, 10)]);
    // Counted 7 where the tablet expected 10; meanwhile another tablet consumed 2 (on hand 8 when the count lands).
    await push([makeEvent({ device_seq: 1, qty: 2 })], 'tab-2');
    const c = count(2, 7, 10);
    expect(await statuses([c])).toEqual(['applied']);
    expect(await onHand()).toEqual({ 'LINE-1': 7 });
    const [adj] =
      await db.sql`SELECT event_id::text, counted, expected, on_hand_before, adjustment FROM count_adjustments`;
    expect(adj).toEqual({ event_id: c.event_id, counted: 7, expected: 10, on_hand_before: 8, adjustment: -1 });
    expect(await statuses([c])).toEqual(['duplicate']);
    expect(await db.sql`SELECT 1 FROM count_adjustments`).toHaveLength(1);
    expect(await onHand()).toEqual({ 'LINE-1': 7 });
    expect((await verifyStock(db.sql)).drift).toEqual([]);
  });

  it('counts 0, and a part never seen at the location, and follows the batch order', async () => {
    const res = await push([count(1, 0, 0, 'LINE-2'), intake(2, 5), count(3, 4, 5), intake(4, 3), count(5, 9, 7)]);
    expect(res.results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied', 'applied', 'applied']);
    expect(await onHand()).toEqual({ 'LINE-1': 9, 'LINE-2': 0 });
    const adj =
      await db.sql`SELECT on_hand_before, adjustment FROM count_adjustments a JOIN scan_events e USING (event_id)
      ORDER BY e.device_seq`;
    expect(adj).toEqual([
      { on_hand_before: 0, adjustment: 0 },
      { on_hand_before: 5, adjustment: -1 },
      { on_hand_before: 7, adjustment: 2 }
    ]);
    expect((await verifyStock(db.sql)).drift).toEqual([]);
  });

  it('opens a signal when a count finds less than the reorder point, and fulfils it when one finds more', async () => {
    await push([intake(1, 30)]);
    await push([count(2, 4, 30)]);
    await push([count(3, 40, 4)]);
    const rows = await db.sql`SELECT state, on_hand_at_change FROM replenishment_signals ORDER BY row_id`;
    expect(rows).toEqual([
      { state: 'OPEN', on_hand_at_change: 4 },
      { state: 'FULFILLED', on_hand_at_change: 40 }
    ]);
  });

  it('cannot be voided: a wrong count is put right by counting again', async () => {
    const c = count(1, 3, 0);
    await push([c]);
    const v = makeEvent({ device_seq: 2, event_type: 'VOID', qty: 3, voids_event_id: c.event_id });
    expect((await push([v])).results[0]).toMatchObject({ status: 'rejected', reason: /a COUNT cannot be voided/ });
    expect(await onHand()).toEqual({ 'LINE-1': 3 });
  });

  it('refuses a COUNT without its expected quantity, and a quantity of 0 on any other event', async () => {
    const res = await push([{ ...count(1, 2, 0), expected_qty: null }, makeEvent({ device_seq: 2, qty: 0 })]);
    expect(res.results.map((r) => r.reason)).toEqual([
      expect.stringMatching(/expected_qty: is required for a COUNT/),
      expect.stringMatching(/qty: must be greater than 0/)
    ]);
  });

  it('applies counts of many devices on the same rows without deadlock, each against the stock it met', async () => {
    await push([intake(1, 100), intake(2, 100, 'LINE-2')]);
    await Promise.all(
      Array.from({ length: 6 }, (_, d) =>
        push(
          [
            makeEvent({ device_seq: 1, qty: 1 }),
            count(2, 50 + d, 0, 'LINE-2'),
            move(3, 2, 'LINE-2', 'LINE-1'),
            count(4, 10 + d, 0)
          ],
          `dev-${d}`
        )
      )
    );
    expect((await verifyStock(db.sql)).drift).toEqual([]);
    const [{ n }] = await db.sql`SELECT count(*)::int AS n FROM count_adjustments`;
    expect(n).toBe(12);
  });
});

describe('lots, serials and expiry', () => {
  it('stores a GS1 serial and expiry with the event, and a retry matches them exactly', async () => {
    const e = { ...intake(1, 1), lot: 'L-7', serial: 'SN-0001', expiry: '2027-01-31' };
    expect(await statuses([e])).toEqual(['applied']);
    const [row] = await db.sql`SELECT lot, serial, expiry::text FROM scan_events WHERE event_id = ${e.event_id}`;
    expect(row).toEqual({ lot: 'L-7', serial: 'SN-0001', expiry: '2027-01-31' });
    expect(await statuses([e])).toEqual(['duplicate']);
    expect((await push([{ ...e, expiry: '2027-02-01' }])).results[0]).toMatchObject({ reason: /conflict/ });
    expect((await push([{ ...intake(2, 1), expiry: '31.01.2027' }])).results[0]).toMatchObject({
      reason: /expiry: must be a date/
    });
  });

  it("notes a lot's expiry, the latest date given winning, and the snapshot hands it to the tablets", async () => {
    const dated = (seq: number, lot: string, expiry?: string) => ({ ...intake(seq, 1), lot, expiry });
    expect(
      await statuses([dated(1, 'L-1', '2025-06-30'), dated(2, 'L-1', '2025-05-31'), dated(3, 'L-2', '2027-01-31')])
    ).toEqual(['applied', 'applied', 'applied']);
    // Later: a scan of L-1 without a date changes nothing, one with a later date moves it on, an earlier one does not.
    expect(await statuses([dated(4, 'L-1'), dated(5, 'L-2', '2028-01-31'), dated(6, 'L-2', '2026-01-31')])).toEqual([
      'applied',
      'applied',
      'applied'
    ]);
    expect((await readSnapshot(db.sql)).lots).toEqual([
      { item_id: 'P-1', lot: 'L-1', expiry: '2025-06-30' },
      { item_id: 'P-1', lot: 'L-2', expiry: '2028-01-31' }
    ]);
  });

  it('stores a serial with a count as sent: GS1 allows a serialised case of several pieces', async () => {
    expect(await statuses([{ ...intake(1, 24), serial: 'SN-CASE-1' }])).toEqual(['applied']);
    expect(await onHand()).toEqual({ 'LINE-1': 24 });
  });
});
