// The station's IndexedDB deleted under the open page, as Chromium did on a full disk with the service worker
// registered (quota.spec.ts reproduces that on a small tmpfs and needs root; this needs nothing). Here the browser
// deletes it on request (CDP Storage.clearDataForOrigin, IndexedDB only): the recovery journal in localStorage
// (src/lib/client/journal.ts) must put every unsynced scan back before the next scan takes a sequence number.
import { expect, test } from '@playwright/test';
import { readTablet, recordManually, setUpStation, waitForServiceWorker } from './station';
import { startServer, type TestServer } from './server';

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer();
});
test.afterAll(async () => {
  await server?.stop();
});

test('IndexedDB deleted under the open station: the next scan finds every unsynced scan restored, numbered after them, and the server gets each once', async ({
  page,
  context
}) => {
  await setUpStation(page, server.url);
  await waitForServiceWorker(page);
  const { device_id } = await readTablet(page);
  await recordManually(page, 'ITEM=WIPE-0;QTY=1');
  await expect(page.getByTestId('scan-message')).toContainText('WIPE-0 × 1');
  await expect.poll(() => server.events(device_id), { timeout: 30_000 }).toHaveLength(1);
  // The server holding it is not yet the tablet knowing it: only once the push's answer is marked (the row shows
  // synced; sync.ts drops it from the journal just before) is WIPE-0 out of the journal, else six scans come back
  // below, not five. Then offline, and the sync run that pushed it over (Sync now enabled again), so that no read of
  // that run opens the database again after it is deleted, before the scan that should.
  await expect(page.getByTestId('recent-scans').locator('li', { hasText: 'WIPE-0' }).locator('.state')).toHaveText(
    'synced',
    { timeout: 30_000 }
  );
  await context.setOffline(true);
  await expect(page.getByTestId('sync-now')).toBeEnabled();
  for (let i = 1; i <= 5; i++) await recordManually(page, `ITEM=WIPE-${i};QTY=${i}`);
  await expect(page.getByTestId('pending-count')).toHaveText('5');
  const before = await readTablet(page);

  const cdp = await context.newCDPSession(page);
  await cdp.send('Storage.clearDataForOrigin', { origin: server.url, storageTypes: 'indexeddb' });
  await expect.poll(() => page.evaluate(async () => (await indexedDB.databases()).length)).toBe(0);

  // The page is still the same: its next scan reopens the database, which the journal refills first.
  await recordManually(page, 'ITEM=WIPE-6;QTY=6');
  await expect(page.getByTestId('scan-message')).toContainText('WIPE-6 × 6');
  await expect(page.getByTestId('restored-notice')).toContainText(
    '5 scans were restored after the tablet’s storage was cleared'
  );
  await expect(page.getByTestId('pending-count')).toHaveText('6');
  const after = await readTablet(page);
  expect(after.device_id).toBe(before.device_id);
  expect(after.rows.map((r) => [r.event_id, r.device_seq, r.state])).toEqual([
    ...before.rows.filter((r) => r.state === 'pending').map((r) => [r.event_id, r.device_seq, 'pending']),
    [expect.any(String), 7, 'pending']
  ]);

  // Offline reload (the service worker was left alone): all still there; the worker acknowledges the notice.
  await page.reload();
  await expect(page.getByTestId('pending-count')).toHaveText('6');
  await page.getByTestId('restored-notice').getByRole('button', { name: 'OK' }).click();
  await expect(page.getByTestId('restored-notice')).toHaveCount(0);

  await context.setOffline(false);
  await page.getByTestId('sync-now').click();
  await expect(page.getByTestId('pending-count')).toHaveText('0', { timeout: 30_000 });
  const stored = await server.events(before.device_id);
  expect(stored.map((e) => [e.item_id, e.device_seq])).toEqual(
    Array.from({ length: 7 }, (_, i) => [`WIPE-${i}`, i + 1])
  );
});
