// The promise of the station: scans made with no network are kept through a reload and reach the server exactly once.
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

test('50 scans offline survive a reload and reach the server exactly once', async ({ page, context }) => {
  await setUpStation(page, server.url);
  await waitForServiceWorker(page);
  await expect(page.getByTestId('stock-as-of')).toContainText('Stock as of');

  await context.setOffline(true);
  await expect(page.getByTestId('connection')).toContainText('Offline');

  await page.getByTestId('mode-intake').click();
  for (let i = 1; i <= 50; i++) await recordManually(page, `ITEM=E2E-${i % 5};QTY=${i}`);
  await expect(page.getByTestId('pending-count')).toHaveText('50');

  await page.reload();
  await expect(page.getByTestId('mode-banner')).toContainText('INTAKE');
  await expect(page.getByTestId('pending-count')).toHaveText('50');
  await expect(page.getByTestId('connection')).toContainText('Offline');
  const offline = await readTablet(page);
  expect(offline.rows.filter((r) => r.state === 'pending')).toHaveLength(50);
  expect(offline.rows.map((r) => r.device_seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));

  await context.setOffline(false);
  await expect(page.getByTestId('pending-count')).toHaveText('0', { timeout: 30_000 });
  const stored = await server.events(offline.device_id);
  expect(stored.map((e) => e.event_id).sort()).toEqual(offline.rows.map((r) => r.event_id).sort());
  expect(new Set(stored.map((e) => e.event_id)).size).toBe(50);
  expect(stored.map((e) => e.qty)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
});
