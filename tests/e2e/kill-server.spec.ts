// The server dies in the middle of a sync (SIGKILL, batches in flight): when it is back, every scan is on the server
// exactly once and none is left behind on the tablet.
import { expect, test } from '@playwright/test';
import { countStates, readTablet, seedPending, setUpStation, waitForServiceWorker } from './station';
import { pendingCount } from './tablet';
import { startServer, type TestServer } from './server';

const SCANS = 6000; // twelve batches: the kill lands between the first and the last

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer();
});
test.afterAll(async () => {
  await server?.stop();
});

test('a server killed mid-sync loses nothing and doubles nothing', async ({ page, context }) => {
  await setUpStation(page, server.url);
  await waitForServiceWorker(page);
  await context.setOffline(true);
  await seedPending(page, SCANS);
  await page.reload();
  await expect(page.getByTestId('pending-count')).toHaveText(String(SCANS));

  // Kill the server the moment the third batch leaves the tablet: two are applied, the third is in flight.
  let pushes = 0;
  const thirdPush = page.waitForRequest(
    (r) => r.method() === 'POST' && r.url().endsWith('/api/sync/events') && ++pushes === 3
  );
  await context.setOffline(false); // `online` starts the sync
  await thirdPush;
  await server.kill();

  await expect(page.getByTestId('last-error')).not.toHaveText('none');
  expect(await pendingCount(page), 'the kill landed while scans were still pending').toBeGreaterThan(0);
  const during = await countStates(page);
  expect((during.pending ?? 0) + (during.synced ?? 0)).toBe(SCANS);
  expect(during.rejected ?? 0).toBe(0);

  await server.start();
  await page.getByTestId('sync-now').click();
  await expect(page.getByTestId('pending-count')).toHaveText('0', { timeout: 60_000 });

  const tablet = await readTablet(page);
  const stored = await server.events(tablet.device_id);
  expect(stored).toHaveLength(SCANS);
  expect(new Set(stored.map((e) => e.event_id)).size).toBe(SCANS);
  expect(stored.map((e) => e.device_seq)).toEqual(Array.from({ length: SCANS }, (_, i) => i + 1));
  expect(new Set(stored.map((e) => e.event_id))).toEqual(new Set(tablet.rows.map((r) => r.event_id)));
  expect(tablet.rows.every((r) => r.state === 'synced')).toBe(true);
});
