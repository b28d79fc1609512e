// A GS1 code whose data is right but whose AIs break an association rule (01 with 37, common on supplier labels) is
// recorded, and the event carries the rules it breaks for a supervisor: in the item's scans, and as a list of its own.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../../app';
import { loadConfig } from '../../config';
import { createTestDb, type TestDb } from '../../testing/testdb';
import { makeEvent } from '../../testing/testkit';

let db: TestDb;
let app: ReturnType<typeof createApp>;
const push = (events: unknown[]) =>
  app.request('/api/sync/events', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ device_id: 'tab-gs1', events })
  });
const GS = '\u001d';

beforeAll(async () => {
  db = await createTestDb();
  app = createApp({ sql: db.sql, config: loadConfig({}), dbKind: db.kind });
  await db.sql`INSERT INTO items (item_id, gtin) VALUES ('P-1', '09506000134352')`;
});
afterAll(() => db.close());

const flagged = makeEvent({
  device_seq: 1,
  event_type: 'INTAKE',
  qty: 12,
  barcode_raw: `${GS}01095060001343523712`, // GS1 DataMatrix (01) GTIN (37) 12: a count belongs with (02), not (01)
  source: 'camera'
});
const clean = makeEvent({ device_seq: 2, barcode_raw: `]C10109506000134352` + '10LOT-7', lot: 'LOT-7' });
const plain = makeEvent({ device_seq: 3, barcode_raw: 'P-1' });

it('records the code and flags the event with the rules it breaks; other scans carry no flag', async () => {
  const res = await push([flagged, clean, plain]);
  expect(res.status).toBe(200);
  expect((await res.json()).results.map((r: { status: string }) => r.status)).toEqual([
    'applied',
    'applied',
    'applied'
  ]);

  const { rows } = await (await app.request('/api/events?item_id=P-1&limit=10')).json();
  const by = new Map(rows.map((r: { event_id: string }) => [r.event_id, r]));
  expect(by.get(flagged.event_id)).toMatchObject({
    qty: 12,
    gs1_broken_rules: expect.arrayContaining(['(01) and (37) may not be used together'])
  });
  expect(by.get(clean.event_id)).toMatchObject({ gs1_broken_rules: null });
  expect(by.get(plain.event_id)).toMatchObject({ gs1_broken_rules: null });
});

it('lists the flagged scans for a supervisor (flagged=true)', async () => {
  const { rows } = await (await app.request('/api/events?flagged=true')).json();
  expect(rows.map((r: { event_id: string }) => r.event_id)).toEqual([flagged.event_id]);
  expect((await app.request('/api/events?flagged=maybe')).status).toBe(400);
});

it('a retry of the flagged scan is still a duplicate: the flag is read from the code, not sent', async () => {
  const res = await push([flagged]);
  expect((await res.json()).results[0].status).toBe('duplicate');
});
