// Two receiving stations receive slips against one purchase order at the same moment, on a real PostgreSQL server
// with a pool of connections (PGlite has one connection, so nothing can overlap there). The slips ship different
// items, so no stock row makes them wait for each other: only the PO's row lock keeps the second from reading the
// lines as they were before the first committed and leaving the order PARTIALLY_RECEIVED with every line in.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../app';
import { loadConfig } from '../../config';
import { createTestDb, type TestDb } from '../../testing/testdb';
import { purchasingApi, seedPurchasing } from '../../testing/purchasing';
import type { PoDetail } from '#domain/purchase-orders';

let db: TestDb;
let app: ReturnType<typeof createApp>;
const { detail, draft, act, reviewedSlip, receive } = purchasingApi(() => app);

beforeAll(async () => {
  db = await createTestDb();
  app = createApp({ sql: db.sql, config: loadConfig({}), dbKind: db.kind });
});
afterAll(() => db.close());
beforeEach(() => seedPurchasing(db.sql));

describe('concurrent receipts of one PO', () => {
  it('two stations, two slips, different items, at once: both count and the PO is RECEIVED (20 rounds)', async () => {
    for (let round = 0; round < 20; round++) {
      const po: PoDetail = (await act(await draft(), 'send')).body;
      const a = await reviewedSlip(po.po_number, [['BOLT', 10]]);
      const b = await reviewedSlip(po.po_number, [['NUT', 5]]);
      const answers = await Promise.all([receive(a.slip_id), receive(b.slip_id)]);
      expect(answers.map((r) => r.status)).toEqual([200, 200]);
      const now = await detail(po.po_id);
      expect(now.lines.map((l) => [l.item_id, l.qty_received])).toEqual([
        ['BOLT', 10],
        ['NUT', 5]
      ]);
      expect(now.status, `round ${round}`).toBe('RECEIVED');
      expect(now.history.map((h) => h.to_status)).toEqual(['DRAFT', 'SENT', 'PARTIALLY_RECEIVED', 'RECEIVED']);
      expect(now.version).toBe(po.version + 2);
    }
  });

  it('many slips of the same items at once: no quantity is lost and the status is changed once each way', async () => {
    const po: PoDetail = (
      await act(
        await draft([
          { item_id: 'BOLT', qty_ordered: 40 },
          { item_id: 'NUT', qty_ordered: 40 }
        ]),
        'send'
      )
    ).body;
    const slips = [];
    for (let i = 0; i < 8; i++)
      slips.push(
        await reviewedSlip(
          po.po_number,
          i % 2
            ? [
                ['BOLT', 5],
                ['NUT', 5]
              ]
            : [
                ['NUT', 5],
                ['BOLT', 5]
              ]
        )
      );
    const answers = await Promise.all(slips.map((s) => receive(s.slip_id)));
    expect(answers.map((r) => r.status)).toEqual(Array(8).fill(200));
    const now = await detail(po.po_id);
    expect(now).toMatchObject({ status: 'RECEIVED', qty_received: 80, over_received: false });
    expect(now.history.map((h) => h.to_status)).toEqual(['DRAFT', 'SENT', 'PARTIALLY_RECEIVED', 'RECEIVED']);
    const stock = await db.sql`SELECT item_id, on_hand::int FROM stock_levels ORDER BY item_id`;
    expect(stock).toEqual([
      { item_id: 'BOLT', on_hand: 40 },
      { item_id: 'NUT', on_hand: 40 }
    ]);
  });
});
