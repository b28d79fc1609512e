// Shapes the console reads from the API (dates arrive as ISO strings).
import type { SignalState, StockStatus } from '$lib/domain/stock';

export interface StockRow {
  item_id: string;
  location_id: string;
  on_hand: number;
  intake_total: number;
  consume_total: number;
  reorder_point: number | null;
  status: StockStatus;
  last_activity_at: string | null;
  description: string;
  unit: string;
}

export interface SignalRow {
  signal_id: string;
  item_id: string;
  location_id: string;
  state: SignalState;
  triggered_at_qty: number;
  on_hand: number;
  reorder_point: number | null;
  reorder_qty: number | null;
  opened_at: string;
  acknowledged_at: string | null;
  fulfilled_at: string | null;
  acknowledged_by: string | null;
  fulfilled_by: string | null;
}

export interface ChangeMessage {
  stock: StockRow[];
  signals: SignalRow[];
}

export const stockKey = (r: { item_id: string; location_id: string }) => `${r.item_id}\u0000${r.location_id}`;
