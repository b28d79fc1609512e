import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canMoveSignal,
  countAdjustment,
  reverseEffects,
  signalChange,
  stockDelta,
  stockEffects,
  stockKey,
  stockStatus
} from './stock';

describe('stock rules', () => {
  it('moves stock by the event type', () => {
    expect(stockDelta('INTAKE', 5)).toBe(5);
    expect(stockDelta('CONSUME', 5)).toBe(-5);
  });

  it('moves a MOVE out of one location and into the other, and a VOID moves every row back', () => {
    const move = { event_type: 'MOVE' as const, qty: 4, location_id: 'A', to_location_id: 'B' };
    expect(stockEffects(move)).toEqual([
      { location_id: 'A', delta: -4 },
      { location_id: 'B', delta: 4 }
    ]);
    expect(reverseEffects(move)).toEqual([
      { location_id: 'A', delta: 4 },
      { location_id: 'B', delta: -4 }
    ]);
    expect(stockEffects({ event_type: 'CONSUME', qty: 2, location_id: 'A' })).toEqual([
      { location_id: 'A', delta: -2 }
    ]);
    // A COUNT's delta depends on the stock it meets; a VOID's on its target.
    expect(stockEffects({ event_type: 'COUNT', qty: 2, location_id: 'A' })).toEqual([]);
    expect(stockEffects({ event_type: 'VOID', qty: 2, location_id: 'A' })).toEqual([]);
    expect(countAdjustment(7, 10)).toBe(-3);
    expect(countAdjustment(0, -2)).toBe(2);
  });

  it('names the status: negative below zero, low at or below the reorder point', () => {
    expect(stockStatus(-1, 10)).toBe('negative');
    expect(stockStatus(10, 10)).toBe('low');
    expect(stockStatus(11, 10)).toBe('ok');
    expect(stockStatus(0, null)).toBe('ok');
    expect(stockStatus(-1, null)).toBe('negative');
  });
});

describe('signal rules', () => {
  it('opens on a fall to or below the reorder point when none is active', () => {
    expect(signalChange(12, 10, 10, false)).toBe('open');
    expect(signalChange(12, 10, 10, true)).toBeNull();
    expect(signalChange(9, 8, 10, false)).toBe('open'); // already low, nothing active: the fall still signals
    expect(signalChange(15, 11, 10, false)).toBeNull();
  });

  it('fulfils on a rise above the reorder point when one is active', () => {
    expect(signalChange(10, 11, 10, true)).toBe('fulfil');
    expect(signalChange(5, 10, 10, true)).toBeNull();
    expect(signalChange(10, 11, 10, false)).toBeNull();
  });

  it('never signals without a reorder point', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer(), fc.boolean(), (a, b, active) => signalChange(a, b, null, active) === null)
    );
  });

  it('after any movement, an active signal exists exactly when it should by the rules', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -20, max: 20 }).filter((d) => d !== 0)),
        fc.integer({ min: 0, max: 15 }),
        (deltas, rp) => {
          let onHand = 20;
          let active = false;
          for (const d of deltas) {
            const change = signalChange(onHand, onHand + d, rp, active);
            onHand += d;
            if (change === 'open') active = true;
            if (change === 'fulfil') active = false;
            // Invariant: stock above the reorder point after a rise never leaves a signal active.
            if (d > 0 && onHand > rp) expect(active).toBe(false);
            if (d < 0 && onHand <= rp) expect(active).toBe(true);
          }
        }
      )
    );
  });

  it('allows OPEN → ACKNOWLEDGED → FULFILLED and OPEN → FULFILLED only', () => {
    expect(canMoveSignal('OPEN', 'ACKNOWLEDGED')).toBe(true);
    expect(canMoveSignal('OPEN', 'FULFILLED')).toBe(true);
    expect(canMoveSignal('ACKNOWLEDGED', 'FULFILLED')).toBe(true);
    expect(canMoveSignal('ACKNOWLEDGED', 'OPEN')).toBe(false);
    expect(canMoveSignal('ACKNOWLEDGED', 'ACKNOWLEDGED')).toBe(false);
    expect(canMoveSignal('FULFILLED', 'OPEN')).toBe(false);
    expect(canMoveSignal('OPEN', 'OPEN')).toBe(false);
  });
});

describe('stockKey', () => {
  it('keeps item and location apart however the ids split', () => {
    expect(stockKey({ item_id: 'A1', location_id: 'B' })).not.toBe(stockKey({ item_id: 'A', location_id: '1B' }));
    expect(stockKey({ item_id: 'A', location_id: 'B' })).toBe(stockKey({ item_id: 'A', location_id: 'B' }));
  });
});
