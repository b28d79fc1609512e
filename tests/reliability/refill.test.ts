// The refill run the benchmark reports, small: on the embedded database and on PostgreSQL.
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../server/testing/testdb';
import { prepareServer } from './exactly-once';
import { runRefill } from './refill';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
  await prepareServer(db.sql);
});
afterAll(() => db.close());

it('every tablet refills what a restored server lost, and the stock comes out exact', async () => {
  const r = await runRefill({ sql: db.sql, dbKind: db.kind, devices: 3, scansPerDevice: 20 });
  expect(r).toMatchObject({
    devices: 3,
    events_made: 60,
    lost_on_server: 30,
    refilled: 30,
    server_events: 60,
    outbox_left: 0,
    drift_rows: 0
  });
});
