// Stock and replenishment rules: pure functions the server applies inside its transaction and the tablet applies
// to show its pending scans on top of the last snapshot.
import type { EventType } from './events';

export type StockStatus = 'ok' | 'low' | 'negative';
export type SignalState = 'OPEN' | 'ACKNOWLEDGED' | 'FULFILLED';

/** How one event moves on hand. A VOID moves stock back by the event it cancels. */
export function stockDelta(type: Exclude<EventType, 'VOID'>, qty: number): number {
  return type === 'INTAKE' ? qty : -qty;
}

export function stockStatus(onHand: number, reorderPoint: number | null): StockStatus {
  if (onHand < 0) return 'negative';
  if (reorderPoint !== null && onHand <= reorderPoint) return 'low';
  return 'ok';
}

export type SignalChange = 'open' | 'fulfil' | null;

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
