import { describe, expect, it } from 'vitest';
import { deviceListSchema, stockPageSchema } from './responses';

describe('response schemas', () => {
  const row = {
    item_id: 'P-1',
    location_id: 'L',
    on_hand: 3,
    intake_total: 5,
    consume_total: 2,
    reorder_point: null,
    status: 'ok',
    last_activity_at: null,
    description: 'Bolt',
    unit: 'pcs'
  };

  it('take an answer of the right shape, and fields a newer server adds', () => {
    const page = { limit: 1, more: true, next_cursor: 'eyJzIjoiaXRlbV9pZCJ9' };
    expect(stockPageSchema.parse({ rows: [{ ...row, lot: 'L1' }], ...page }).rows[0].item_id).toBe('P-1');
    expect(stockPageSchema.parse({ rows: [], limit: 50, more: false, next_cursor: null }).next_cursor).toBeNull();
  });

  it('refuse an answer of another shape, saying where', () => {
    const r = stockPageSchema.safeParse({ rows: [{ ...row, on_hand: '3' }], limit: 1, more: false, next_cursor: null });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].path).toEqual(['rows', 0, 'on_hand']);
    expect(deviceListSchema.safeParse('<html>proxy error</html>').success).toBe(false);
    // An older server's page (a total, no cursor) is refused, not read as the last page.
    expect(stockPageSchema.safeParse({ rows: [row], total: 1 }).success).toBe(false);
  });
});
