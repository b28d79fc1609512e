// The refill run the benchmark reports, small: on the embedded database (its data directory copied and put back) and
// on PostgreSQL (the database copied as a template and made again from it), each restarted after the restore.
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminUrl, testDbKind } from '../../server/testing/testdb';
import { prepareServer } from './exactly-once';
import { runRefill } from './refill';
import { embeddedOnDisk, postgresScratch, type RestorableDatabase } from './restores';

let db: RestorableDatabase;
beforeAll(async () => {
  db =
    testDbKind() === 'embedded'
      ? await embeddedOnDisk()
      : await postgresScratch(adminUrl(), `linesync_test_${process.pid}_refill`);
  await prepareServer(db.sql);
});
afterAll(() => db.close());

it('every tablet refills what a restored server lost, and the stock comes out exact', async () => {
  const r = await runRefill({ db, devices: 3, scansPerDevice: 20 });
  expect(r).toMatchObject({
    database: testDbKind() === 'embedded' ? 'embedded' : 'url',
    devices: 3,
    events_made: 60,
    lost_on_server: 30,
    refilled: 30,
    server_events: 60,
    outbox_left: 0,
    drift_rows: 0
  });
  // The restored copy knew only the first half of each tablet's scans, and now holds them all again.
  const devices = await db.sql<{ last_seq: number }[]>`
    SELECT last_seq FROM devices WHERE device_id LIKE 'refill-%' ORDER BY device_id`;
  expect(devices.map((d) => d.last_seq)).toEqual([20, 20, 20]);
}, 120_000);
