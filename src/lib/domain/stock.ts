// Stock and replenishment rules: pure functions the server applies inside its transaction and the tablet applies
// to show its pending scans on top of the last snapshot.
import type { EventType, ScanEvent } from './events';

export type StockStatus = 'ok' | 'low' | 'negative';
export type SignalState = 'OPEN' | 'ACKNOWLEDGED' | 'FULFILLED';

/** How one INTAKE or CONSUME moves on hand. A VOID moves stock back by the event it cancels. */
export function stockDelta(type: 'INTAKE' | 'CONSUME', qty: number): number {
  return type === 'INTAKE' ? qty : -qty;
}

/** One stock row an event moves, and by how much. */
interface StockEffect {
  location_id: string;
  delta: number;
}

type Moving = Pick<ScanEvent, 'event_type' | 'qty' | 'location_id'> & { to_location_id?: string | null };

/**
 * The stock rows an event moves, with their deltas: a MOVE takes from one location and adds to the other, in the
 * same step. A COUNT's effect is not in the event: it sets on hand to the counted quantity, so its delta is counted
 * minus the on hand it meets (countAdjustment). A VOID has no effect of its own (reverseEffects of its target).
 */
export function stockEffects(e: Moving): StockEffect[] {
  switch (e.event_type) {
    case 'INTAKE':
      return [{ location_id: e.location_id, delta: e.qty }];
    case 'CONSUME':
      return [{ location_id: e.location_id, delta: -e.qty }];
    case 'MOVE':
      return e.to_location_id
        ? [
            { location_id: e.location_id, delta: -e.qty },
            { location_id: e.to_location_id, delta: e.qty }
          ]
        : [];
    default:
      return [];
  }
}

/** What a COUNT changes: the stock is set to what was counted, so the adjustment is counted minus on hand then. */
export function countAdjustment(counted: number, onHand: number): number {
  return counted - onHand;
}

/** What a VOID of the event does: every row its target moved, moved back. */
export function reverseEffects(target: Moving & { event_type: Exclude<EventType, 'VOID' | 'COUNT'> }): StockEffect[] {
  return stockEffects(target).map((x) => ({ location_id: x.location_id, delta: -x.delta }));
}

export function stockStatus(onHand: number, reorderPoint: number | null): StockStatus {
  if (onHand < 0) return 'negative';
  if (reorderPoint !== null && onHand <= reorderPoint) return 'low';
  return 'ok';
}

type SignalChange = 'open' | 'fulfil' | null;

/**
 * What one stock movement does to the item's replenishment signal at that location.
 * A fall to or below the reorder point opens a signal unless one is already open or acknowledged;
 * a rise above it fulfils the active one. Items without a reorder point never signal.
 */
export function signalChange(
  before: number,
  after: number,
  reorderPoint: number | null,
  active: boolean
): SignalChange {
  if (reorderPoint === null) return null;
  if (after < before && after <= reorderPoint && !active) return 'open';
  if (after > before && after > reorderPoint && active) return 'fulfil';
  return null;
}

/** The states a supervisor may move a signal to from a given one. */
export function canMoveSignal(from: SignalState, to: SignalState): boolean {
  if (from === 'OPEN') return to === 'ACKNOWLEDGED' || to === 'FULFILLED';
  if (from === 'ACKNOWLEDGED') return to === 'FULFILLED';
  return false;
}

/** One stock row's key, for maps and keyed lists: item and location joined by a character neither can hold (ids are
 *  printable), so ('A1', 'B') and ('A', '1B') stay two rows. */
export const stockKey = (r: { item_id: string; location_id: string }) => `${r.item_id}\u0000${r.location_id}`;
