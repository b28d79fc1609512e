// What a tracked item's scan still needs, and the worker's answer to the question, from the cached item list.
import { describe, expect, it } from 'vitest';
import type { SnapshotItem } from './db';
import {
  expiredLot,
  knownItems,
  localDay,
  lotExpiries,
  missingTracking,
  serialQtyError,
  trackingAnswer
} from './known-items';

const item = (item_id: string, tracking?: SnapshotItem['tracking']): SnapshotItem => ({
  item_id,
  description: item_id,
  unit: 'ea',
  reorder_point: null,
  reorder_qty: null,
  gtin: null,
  active: true,
  ...(tracking ? { tracking } : {})
});
const known = knownItems([item('LOT-1', 'lot'), item('SER-1', 'serial'), item('PLAIN', 'none'), item('OLD')]);

describe('missingTracking', () => {
  it('asks for a lot or a serial only where the item is tracked and the code had none', () => {
    expect(missingTracking({ item_id: 'LOT-1', lot: null }, known)).toBe('lot');
    expect(missingTracking({ item_id: 'LOT-1', lot: 'L7' }, known)).toBeNull();
    expect(missingTracking({ item_id: 'SER-1', lot: 'L7', serial: null }, known)).toBe('serial');
    expect(missingTracking({ item_id: 'SER-1', serial: 'SN1' }, known)).toBeNull();
    expect(missingTracking({ item_id: 'PLAIN' }, known)).toBeNull();
    // A snapshot from a server without tracking, and a part the list does not know: nothing to ask.
    expect(missingTracking({ item_id: 'OLD' }, known)).toBeNull();
    expect(missingTracking({ item_id: 'NOPE' }, known)).toBeNull();
  });
});

describe('serialQtyError', () => {
  it('refuses more than one piece of a serial-tracked part', () => {
    expect(serialQtyError({ item_id: 'SER-1', qty: 3 }, known)).toMatch(/^SER-1 × 3 refused: it is serial-tracked/);
  });
  it('lets one piece through, and any quantity of a part not serial-tracked', () => {
    expect(serialQtyError({ item_id: 'SER-1', qty: 1 }, known)).toBeNull();
    expect(serialQtyError({ item_id: 'LOT-1', qty: 40 }, known)).toBeNull();
    expect(serialQtyError({ item_id: 'PLAIN', qty: 5 }, known)).toBeNull();
    expect(serialQtyError({ item_id: 'NOPE', qty: 2 }, known)).toBeNull();
  });
});

describe('trackingAnswer', () => {
  it('takes a typed or scanned text as it is, trimmed', () => {
    expect(trackingAnswer('  L-2026-07 ', 'lot')).toEqual({ ok: true, value: 'L-2026-07' });
    expect(trackingAnswer('LOT 7', 'lot')).toEqual({ ok: true, value: 'LOT 7' });
    expect(trackingAnswer('SN-000123\r\n', 'serial')).toEqual({ ok: true, value: 'SN-000123' });
  });
  it("takes a GS1 code's lot or serial, and its expiry with it", () => {
    expect(trackingAnswer('(01)04006381333931(10)L7(17)301231', 'lot')).toEqual({
      ok: true,
      value: 'L7',
      expiry: '2030-12-31'
    });
    expect(trackingAnswer('(01)04006381333931(21)SN9', 'serial')).toEqual({ ok: true, value: 'SN9' });
    expect(trackingAnswer('(01)04006381333931(21)SN9', 'lot')).toMatchObject({ ok: false, error: /carries no lot/ });
    // A GS1 code that does not read is refused, not taken for a lot of that text ((10) needs (01) or (02) in GS1).
    expect(trackingAnswer('(10)L7(17)301231', 'lot')).toMatchObject({ ok: false, error: /names no item/ });
    expect(trackingAnswer('(01)04006381333931(10)L7(17)301399', 'lot')).toMatchObject({ ok: false });
  });
  it('refuses an empty answer, a location label, control characters and more than 64 characters', () => {
    expect(trackingAnswer('   ', 'lot')).toMatchObject({ ok: false, error: /Nothing entered/ });
    expect(trackingAnswer('LOC=LINE-2', 'lot')).toMatchObject({ ok: false, error: /location label/ });
    expect(trackingAnswer('L\u00077', 'lot')).toMatchObject({ ok: false, error: /control characters/ });
    expect(trackingAnswer('x'.repeat(65), 'serial')).toMatchObject({ ok: false, error: /at most 64/ });
    expect(trackingAnswer('x'.repeat(64), 'serial')).toEqual({ ok: true, value: 'x'.repeat(64) });
  });
});

describe('expiredLot', () => {
  const lots = lotExpiries([
    { item_id: 'LOT-1', lot: 'OLD', expiry: '2026-03-14' },
    { item_id: 'LOT-1', lot: 'NEW', expiry: '2026-03-15' }
  ]);
  const now = new Date(2026, 2, 15, 0, 30); // 00:30 on 15 March, the tablet's own time
  const consume = (over: Record<string, unknown>) => ({ event_type: 'CONSUME', item_id: 'LOT-1', ...over });

  it("warns on consuming a lot past its date: the code's own, else the one the snapshot holds for the lot", () => {
    expect(expiredLot(consume({ lot: 'OLD' }), lots, now)).toBe('lot OLD expired on 2026-03-14');
    expect(expiredLot(consume({ lot: 'X', expiry: '2026-01-31' }), lots, now)).toBe('lot X expired on 2026-01-31');
    expect(expiredLot(consume({ expiry: '2026-01-31' }), lots, now)).toBe('its lot expired on 2026-01-31');
    // The code's date is what the label says: it wins over the snapshot's.
    expect(expiredLot(consume({ lot: 'OLD', expiry: '2027-01-31' }), lots, now)).toBeNull();
  });

  it('is quiet on the expiry day itself, for an undated lot, for another item, and when taking stock in', () => {
    expect(expiredLot(consume({ lot: 'NEW' }), lots, now)).toBeNull();
    expect(expiredLot(consume({ lot: 'UNDATED' }), lots, now)).toBeNull();
    expect(expiredLot(consume({ item_id: 'OTHER', lot: 'OLD' }), lots, now)).toBeNull();
    expect(expiredLot({ event_type: 'INTAKE', item_id: 'LOT-1', lot: 'OLD' }, lots, now)).toBeNull();
    expect(expiredLot(consume({ lot: 'OLD' }), lotExpiries(undefined), now)).toBeNull();
  });

  it("counts days on the tablet's calendar", () => {
    expect(localDay(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });
});
