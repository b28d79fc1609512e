import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocateReceipt,
  allowedActions,
  isOverReceived,
  onTimeRate,
  orderQtyForSignal,
  PO_STATUSES,
  poCreateSchema,
  poEditSchema,
  poFromSignalsSchema,
  poNumberKey,
  receiptRefusal,
  roundUpToPack,
  statusAfterReceipt,
  transitionRefusal,
  type LineQty,
  type PoStatus
} from './purchase-orders';

const none: LineQty[] = [];
const open: LineQty[] = [
  { qty_ordered: 10, qty_received: 0 },
  { qty_ordered: 5, qty_received: 0 }
];
const partial: LineQty[] = [
  { qty_ordered: 10, qty_received: 10 },
  { qty_ordered: 5, qty_received: 2 }
];
const full: LineQty[] = [
  { qty_ordered: 10, qty_received: 10 },
  { qty_ordered: 5, qty_received: 5 }
];
const over: LineQty[] = [
  { qty_ordered: 10, qty_received: 12 },
  { qty_ordered: 5, qty_received: 5 }
];
const LINE_SETS = { none, open, partial, full, over } as const;
type LineSet = keyof typeof LINE_SETS;

// Every (from, to, lines) the rules allow; everything else in the full cross product must be refused.
const ALLOWED: [PoStatus, PoStatus, LineSet][] = [
  ['DRAFT', 'SENT', 'open'],
  ['DRAFT', 'SENT', 'partial'], // a draft has nothing received, but the rule for sending only asks for lines
  ['DRAFT', 'SENT', 'full'],
  ['DRAFT', 'SENT', 'over'],
  ...(Object.keys(LINE_SETS) as LineSet[]).map((s): [PoStatus, PoStatus, LineSet] => ['DRAFT', 'CANCELLED', s]),
  ...(Object.keys(LINE_SETS) as LineSet[]).map((s): [PoStatus, PoStatus, LineSet] => ['SENT', 'CANCELLED', s]),
  ['SENT', 'PARTIALLY_RECEIVED', 'partial'],
  ['SENT', 'RECEIVED', 'full'],
  ['SENT', 'RECEIVED', 'over'],
  ['PARTIALLY_RECEIVED', 'RECEIVED', 'full'],
  ['PARTIALLY_RECEIVED', 'RECEIVED', 'over']
];
const key = (from: PoStatus, to: PoStatus, s: LineSet) => `${from}->${to} with ${s}`;
const allowed = new Set(ALLOWED.map(([f, t, s]) => key(f, t, s)));

describe('purchase order transitions', () => {
  const cases = PO_STATUSES.flatMap((from) =>
    PO_STATUSES.flatMap((to) => (Object.keys(LINE_SETS) as LineSet[]).map((s) => [from, to, s] as const))
  );

  it.each(cases.filter(([f, t, s]) => allowed.has(key(f, t, s))))('allows %s -> %s with %s lines', (from, to, s) => {
    expect(transitionRefusal(from, to, LINE_SETS[s])).toBeNull();
  });

  it.each(cases.filter(([f, t, s]) => !allowed.has(key(f, t, s))))('refuses %s -> %s with %s lines', (from, to, s) => {
    const refusal = transitionRefusal(from, to, LINE_SETS[s]);
    expect(refusal).not.toBeNull();
    expect(refusal!.message.length).toBeGreaterThan(10);
  });

  it('says why, by code', () => {
    expect(transitionRefusal('RECEIVED', 'CANCELLED', full)!.code).toBe('invalid_transition');
    expect(transitionRefusal('PARTIALLY_RECEIVED', 'CANCELLED', partial)!.message).toMatch(
      /only a draft or a sent one/
    );
    expect(transitionRefusal('DRAFT', 'SENT', none)!.code).toBe('no_lines');
    expect(transitionRefusal('SENT', 'RECEIVED', partial)!.code).toBe('not_fully_received');
    expect(transitionRefusal('SENT', 'PARTIALLY_RECEIVED', open)!.code).toBe('nothing_received');
    expect(transitionRefusal('SENT', 'PARTIALLY_RECEIVED', full)!.code).toBe('invalid_transition');
    expect(transitionRefusal('DRAFT', 'RECEIVED', full)!.code).toBe('invalid_transition');
  });

  it('offers exactly the actions the rules allow', () => {
    expect(allowedActions('DRAFT', open)).toEqual(['send', 'cancel']);
    expect(allowedActions('DRAFT', none)).toEqual(['cancel']);
    expect(allowedActions('SENT', open)).toEqual(['cancel']);
    expect(allowedActions('PARTIALLY_RECEIVED', partial)).toEqual([]);
    expect(allowedActions('RECEIVED', full)).toEqual([]);
    expect(allowedActions('CANCELLED', open)).toEqual([]);
  });
});

describe('receipts', () => {
  it('may be made against a sent or partially received order only', () => {
    expect(receiptRefusal('SENT', 'PO-000001')).toBeNull();
    expect(receiptRefusal('PARTIALLY_RECEIVED', 'PO-000001')).toBeNull();
    expect(receiptRefusal('DRAFT', 'PO-000001')).toMatch(/PO-000001 is still a draft/);
    expect(receiptRefusal('RECEIVED', 'PO-000001')).toMatch(/already fully received/);
    expect(receiptRefusal('CANCELLED', 'PO-000001')).toMatch(/cancelled/);
  });

  it('moves the status by what has arrived', () => {
    expect(statusAfterReceipt('SENT', open)).toBe('SENT');
    expect(statusAfterReceipt('SENT', partial)).toBe('PARTIALLY_RECEIVED');
    expect(statusAfterReceipt('SENT', full)).toBe('RECEIVED');
    expect(statusAfterReceipt('SENT', over)).toBe('RECEIVED');
    expect(statusAfterReceipt('PARTIALLY_RECEIVED', partial)).toBe('PARTIALLY_RECEIVED');
    expect(statusAfterReceipt('PARTIALLY_RECEIVED', full)).toBe('RECEIVED');
  });

  it('every status a receipt moves to is a transition the rules allow', () => {
    for (const from of ['SENT', 'PARTIALLY_RECEIVED'] as const)
      for (const s of [open, partial, full, over]) {
        const to = statusAfterReceipt(from, s);
        if (to !== from) expect(transitionRefusal(from, to, s)).toBeNull();
      }
  });

  it('flags more received than ordered', () => {
    expect(isOverReceived({ qty_ordered: 10, qty_received: 11 })).toBe(true);
    expect(isOverReceived({ qty_ordered: 10, qty_received: 10 })).toBe(false);
  });

  it('fills each item’s lines in order and puts the surplus on its last line', () => {
    const lines = [
      { line_no: 1, item_id: 'A', qty_ordered: 10, qty_received: 4 },
      { line_no: 2, item_id: 'B', qty_ordered: 5, qty_received: 0 },
      { line_no: 3, item_id: 'A', qty_ordered: 10, qty_received: 0 }
    ];
    expect([...allocateReceipt(lines, new Map([['A', 8]]))]).toEqual([
      [1, 6],
      [3, 2]
    ]);
    expect([
      ...allocateReceipt(
        lines,
        new Map([
          ['A', 20],
          ['B', 3],
          ['Z', 9]
        ])
      )
    ]).toEqual([
      [1, 6],
      [3, 14],
      [2, 3]
    ]);
    expect(allocateReceipt(lines, new Map([['Z', 9]])).size).toBe(0);
  });

  it('allocates exactly what was shipped of the items on the order', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            item: fc.constantFrom('A', 'B', 'C'),
            ordered: fc.integer({ min: 1, max: 50 }),
            received: fc.integer({ min: 0, max: 60 })
          }),
          { minLength: 1, maxLength: 8 }
        ),
        fc.dictionary(fc.constantFrom('A', 'B', 'C', 'D'), fc.integer({ min: 1, max: 200 })),
        (raw, ship) => {
          const lines = raw.map((r, i) => ({
            line_no: i + 1,
            item_id: r.item,
            qty_ordered: r.ordered,
            qty_received: r.received
          }));
          const shipped = new Map(Object.entries(ship));
          const add = allocateReceipt(lines, shipped);
          for (const [item, qty] of shipped) {
            const onPo = lines.filter((l) => l.item_id === item);
            const sum = onPo.reduce((s, l) => s + (add.get(l.line_no) ?? 0), 0);
            expect(sum).toBe(onPo.length ? qty : 0);
          }
          // No line is over-filled while an earlier line of its item still waits.
          for (const l of lines) {
            const after = l.qty_received + (add.get(l.line_no) ?? 0);
            const laterOfItem = lines.some((o) => o.item_id === l.item_id && o.line_no > l.line_no);
            if (laterOfItem && after > l.qty_ordered) expect(add.get(l.line_no) ?? 0).toBe(0);
          }
        }
      )
    );
  });
});

describe('quantities and numbers', () => {
  it('rounds a quantity up to whole packs', () => {
    expect(roundUpToPack(500, 100)).toBe(500);
    expect(roundUpToPack(501, 100)).toBe(600);
    expect(roundUpToPack(1, 24)).toBe(24);
    expect(roundUpToPack(7, null)).toBe(7);
    expect(roundUpToPack(7, 1)).toBe(7);
    expect(roundUpToPack(7, 0)).toBe(7);
  });

  it('rounds up to the smallest multiple of the pack that is at least the quantity', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 2, max: 1000 }), (q, p) => {
        const r = roundUpToPack(q, p);
        return r % p === 0 && r >= q && r - q < p;
      })
    );
  });

  it('orders at least one pack from a signal whose item has no reorder quantity', () => {
    expect(orderQtyForSignal(500, 120)).toBe(600);
    expect(orderQtyForSignal(null, 12)).toBe(12);
    expect(orderQtyForSignal(0, null)).toBe(1);
    expect(orderQtyForSignal(40, undefined)).toBe(40);
  });

  it('reads the PO number off a slip however it was printed or typed', () => {
    for (const t of [
      'PO-000042',
      'po-000042',
      'PO 42',
      'PO#42',
      'P.O. 000042',
      'PO No. 42',
      '000042',
      ' 42 ',
      'PO000042'
    ])
      expect(poNumberKey(t), t).toBe('PO-000042');
    for (const t of ['', null, undefined, 'ACME-42', 'PO-42-A', '42/7', 'PO-1234567890'])
      expect(poNumberKey(t), String(t)).toBeNull();
  });

  it('counts on time as received on or before the expected date', () => {
    expect(onTimeRate([])).toBeNull();
    expect(onTimeRate([{ expected_date: null, received_on: '2026-01-02' }])).toBeNull();
    expect(
      onTimeRate([
        { expected_date: '2026-01-02', received_on: '2026-01-02' },
        { expected_date: '2026-01-02', received_on: '2026-01-03' },
        { expected_date: '2026-01-05', received_on: '2026-01-01' },
        { expected_date: null, received_on: '2026-01-09' }
      ])
    ).toBeCloseTo(2 / 3);
  });
});

describe('input', () => {
  const line = { item_id: 'BOLT-M8', qty_ordered: 10 };
  it('takes a draft with lines, and refuses bad ones with a reason', () => {
    expect(poCreateSchema.parse({ supplier_id: 'ACME', lines: [line] }).lines).toHaveLength(1);
    expect(poCreateSchema.parse({ supplier_id: 'ACME' }).lines).toEqual([]);
    for (const bad of [
      { supplier_id: '', lines: [] },
      { supplier_id: 'ACME', lines: [{ ...line, qty_ordered: 0 }] },
      { supplier_id: 'ACME', lines: [{ ...line, qty_ordered: 1.5 }] },
      { supplier_id: 'ACME', lines: [{ ...line, price: -1 }] },
      { supplier_id: 'ACME', lines: [{ ...line, signal_id: 'nope' }] },
      { supplier_id: 'ACME', expected_date: '2026-13-01' },
      { supplier_id: 'ACME', expected_date: '1999-01-01' },
      { supplier_id: 'ACME', status: 'RECEIVED' },
      { supplier_id: 'ACME', lines: [{ ...line, qty_received: 5 }] }
    ])
      expect(poCreateSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });

  it('needs the version on an edit', () => {
    expect(poEditSchema.safeParse({ supplier_id: 'ACME', lines: [line] }).success).toBe(false);
    expect(poEditSchema.safeParse({ supplier_id: 'ACME', lines: [line], version: 1 }).success).toBe(true);
  });

  it('takes each signal once', () => {
    const id = '0190f0f0-0000-7000-8000-000000000001';
    expect(poFromSignalsSchema.safeParse({ signal_ids: [id] }).success).toBe(true);
    expect(poFromSignalsSchema.safeParse({ signal_ids: [id, id.toUpperCase()] }).success).toBe(false);
    expect(poFromSignalsSchema.safeParse({ signal_ids: [] }).success).toBe(false);
  });
});
