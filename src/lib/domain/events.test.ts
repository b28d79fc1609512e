import { describe, expect, it } from 'vitest';
import { checkEvent, pushRequestSchema, sameContent, type ScanEvent } from './events';

const base: ScanEvent = {
  event_id: '0190f5c2-7b1e-7c3a-8d4e-123456789abc',
  device_seq: 1,
  event_type: 'INTAKE',
  item_id: 'P-1',
  qty: 3,
  location_id: 'LINE-1',
  station_id: 'ST-1',
  barcode_raw: '\u001d0104006381333931',
  lot: 'L1',
  source: 'camera',
  captured_at: '2026-11-20T10:00:00.000Z',
  operator: null,
  packing_slip_id: null,
  voids_event_id: null
};

describe('checkEvent', () => {
  it('accepts a complete event and lower-cases its id', () => {
    const r = checkEvent({ ...base, event_id: base.event_id.toUpperCase() });
    expect(r).toEqual({ ok: true, event: { ...base } });
  });

  it('accepts optional fields left out', () => {
    const {
      station_id: _s,
      barcode_raw: _b,
      lot: _l,
      operator: _o,
      packing_slip_id: _p,
      voids_event_id: _v,
      ...minimal
    } = base;
    expect(checkEvent(minimal).ok).toBe(true);
  });

  it.each([
    ['qty 0', { qty: 0 }, /qty: must be greater than 0/],
    ['qty fractional', { qty: 2.5 }, /qty: must be a whole number/],
    ['qty as string', { qty: '3' }, /qty/],
    ['qty too large', { qty: 1_000_001 }, /qty/],
    ['unknown type', { event_type: 'TELEPORT' }, /event_type/],
    ['MOVE without a destination', { event_type: 'MOVE' }, /to_location_id: is required for a MOVE/],
    ['destination on an INTAKE', { to_location_id: 'LINE-2' }, /to_location_id: is only allowed on a MOVE/],
    [
      'MOVE to where it is',
      { event_type: 'MOVE', to_location_id: 'LINE-1' },
      /to_location_id: must differ from location_id/
    ],
    ['MOVE of nothing', { event_type: 'MOVE', to_location_id: 'LINE-2', qty: 0 }, /qty: must be greater than 0/],
    ['COUNT without expected', { event_type: 'COUNT' }, /expected_qty: is required for a COUNT/],
    ['expected on a CONSUME', { event_type: 'CONSUME', expected_qty: 3 }, /expected_qty: is only allowed on a COUNT/],
    ['COUNT below 0', { event_type: 'COUNT', expected_qty: 3, qty: -1 }, /qty/],
    ['COUNT expected fractional', { event_type: 'COUNT', expected_qty: 1.5 }, /expected_qty: must be a whole number/],
    ['unknown source', { source: 'telepathy' }, /source/],
    ['empty item', { item_id: '   ' }, /item_id: must not be empty/],
    ['control characters in item', { item_id: 'A\nB' }, /item_id: must not contain control characters/],
    ['bad uuid', { event_id: '1234' }, /event_id: must be a UUID/],
    ['date without zone', { captured_at: '2026-11-20T10:00:00' }, /captured_at/],
    ['date in 1999', { captured_at: '1999-12-31T23:59:59Z' }, /before 2020/],
    ['date far ahead', { captured_at: '2030-01-01T00:00:00Z' }, /future/],
    ['VOID without target', { event_type: 'VOID' }, /voids_event_id: is required for a VOID/],
    ['target on an INTAKE', { voids_event_id: '0190f5c2-7b1e-7c3a-8d4e-123456789abd' }, /only allowed on a VOID/],
    ['VOID of itself', { event_type: 'VOID', voids_event_id: base.event_id }, /cannot void itself/],
    ['unknown field', { price: 3 }, /price/],
    ['control characters other than GS in a barcode', { barcode_raw: 'ab\u0000' }, /barcode_raw/]
  ])('rejects %s with the field named', (_n, change, message) => {
    const r = checkEvent({ ...base, ...change });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toMatch(/^invalid: /);
      expect(r.reason).toMatch(message);
    }
  });

  it('accepts a MOVE with its destination, and a COUNT of 0 with a negative expected quantity', () => {
    expect(checkEvent({ ...base, event_type: 'MOVE', to_location_id: 'LINE-2' }).ok).toBe(true);
    expect(checkEvent({ ...base, event_type: 'COUNT', qty: 0, expected_qty: -4 }).ok).toBe(true);
    expect(checkEvent({ ...base, event_type: 'COUNT', qty: 7, expected_qty: 5 }).ok).toBe(true);
  });

  it('accepts a serial with a count: GS1 allows (21) with (30), a serialised case of several pieces', () => {
    expect(checkEvent({ ...base, serial: 'SN-1', qty: 24 }).ok).toBe(true);
  });

  it('still accepts an event from a tablet that sends none of the newer fields', () => {
    const old = JSON.parse(JSON.stringify(base));
    expect(checkEvent(old)).toEqual({ ok: true, event: base });
  });

  it('rejects things that are not events at all', () => {
    for (const v of [null, 42, 'x', [], undefined]) expect(checkEvent(v).ok).toBe(false);
  });
});

describe('sameContent', () => {
  it('compares what makes an event, with captured_at as an instant and ids case-blind', () => {
    expect(sameContent(base, { ...base, captured_at: '2026-11-20T11:00:00+01:00' })).toBe(true);
    expect(sameContent(base, { ...base, station_id: undefined as unknown as null, operator: null })).toBe(false);
    expect(sameContent({ ...base, operator: null }, { ...base, operator: undefined })).toBe(true);
    expect(sameContent(base, { ...base, qty: 4 })).toBe(false);
    expect(sameContent(base, { ...base, lot: 'L2' })).toBe(false);
    const move = { ...base, event_type: 'MOVE' as const, to_location_id: 'LINE-2' };
    expect(sameContent(move, { ...move, to_location_id: 'LINE-3' })).toBe(false);
    const count = { ...base, event_type: 'COUNT' as const, expected_qty: 2 };
    expect(sameContent(count, { ...count, expected_qty: 3 })).toBe(false);
    // A stored row reads the newer columns back as null; an older tablet's retry leaves them out.
    expect(sameContent(base, { ...base, to_location_id: null, expected_qty: null })).toBe(true);
  });
});

describe('pushRequestSchema', () => {
  it('bounds the batch at 500 events', () => {
    expect(pushRequestSchema.safeParse({ device_id: 'd', events: Array(500).fill({}) }).success).toBe(true);
    expect(pushRequestSchema.safeParse({ device_id: 'd', events: Array(501).fill({}) }).success).toBe(false);
  });
});
