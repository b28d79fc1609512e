// Exactly once under faults, fast settings: 5 tablets × 400 scans through the fault proxy to the real API (in this
// process, on a fresh test database), restarted half way. `npm run bench -- reliability` runs 20 × 5,000 against
// server/main.ts in its own process.
import 'fake-indexeddb/auto';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import { createTestDb, type TestDb } from '../../server/testing/testdb';
import { describeReport, prepareServer, runExactlyOnce, type ServerControl } from './exactly-once';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
  await prepareServer(db.sql);
});
afterAll(() => db.close());

/** The real API on a free loopback port; each start is a new app instance over the same database. */
function inProcessServer(): ServerControl {
  let server: ServerType | null = null;
  return {
    start: () =>
      new Promise((resolve) => {
        const app = createApp({ sql: db.sql, config: loadConfig({ AUTH_MODE: 'local' }), dbKind: db.kind });
        server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
          resolve(`http://127.0.0.1:${info.port}`)
        );
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (!server) return resolve();
        const s = server;
        server = null;
        s.close(() => resolve());
        (s as import('node:http').Server).closeIdleConnections();
      })
  };
}

it('every event lands exactly once through drops, lost answers, duplicates, 502s, cuts, disconnects and a restart', async () => {
  const report = await runExactlyOnce({
    devices: 5,
    eventsPerDevice: 400,
    sql: db.sql,
    server: inProcessServer(),
    seed: 20261121,
    log: console.log
  });
  console.log(`[exactly once, ${db.kind}]\n${describeReport(report)}`);
  expect(report.events_made).toBe(2000);
  expect(report.server_events).toBe(2000);
  expect(report.distinct_server_events).toBe(2000);
  expect(report.missing_on_server).toBe(0);
  expect(report.unknown_on_server).toBe(0);
  expect(report.outbox_pending).toBe(0);
  expect(report.outbox_rejected).toBe(0);
  expect(report.drift).toEqual([]);
  expect(report.signal_problems).toEqual([]);
  expect(report.restarts).toBe(1);
  // The faults did happen: a run that met none proves nothing.
  for (const [fault, n] of Object.entries(report.faults))
    if (fault !== 'clean' && fault !== 'upstream_down') expect(n, fault).toBeGreaterThan(0);
  expect(report.signal_rows).toBeGreaterThan(0);
}, 120_000);
