// What the API answers for a stock row and a signal: one shape for the server (which reads dates as Date) and the
// pages (which get them back from JSON as ISO strings).
import type { PoStatus } from './purchase-orders';
import type { SignalState, StockStatus } from './stock';

export interface StockView<D = string> {
  item_id: string;
  location_id: string;
  on_hand: number;
  intake_total: number;
  consume_total: number;
  reorder_point: number | null;
  status: StockStatus;
  last_activity_at: D | null;
  description: string;
  unit: string;
}

export interface SignalView<D = string> {
  signal_id: string;
  item_id: string;
  location_id: string;
  /** The part's description and unit, so a card says what to order, not only its id. */
  description: string;
  unit: string;
  state: SignalState;
  triggered_at_qty: number;
  on_hand: number;
  reorder_point: number | null;
  reorder_qty: number | null;
  opened_at: D;
  acknowledged_at: D | null;
  fulfilled_at: D | null;
  acknowledged_by: string | null;
  fulfilled_by: string | null;
  /** The purchase order answering the signal (the latest one not cancelled), if any. */
  po_id: string | null;
  po_number: string | null;
  po_status: PoStatus | null;
  /** The item's preferred supplier, whom "Create PO" orders from; null when it has none. */
  supplier_id: string | null;
  supplier_name: string | null;
}
