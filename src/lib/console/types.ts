// Shapes the console reads from the API (dates arrive as ISO strings).
import type { SignalView, StockView } from '$lib/domain/views';

export type StockRow = StockView;
export type SignalRow = SignalView;

export interface ChangeMessage {
  stock: StockRow[];
  signals: SignalRow[];
}

export { stockKey } from '$lib/domain/stock';
