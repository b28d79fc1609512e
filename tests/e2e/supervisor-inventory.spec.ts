// The inventory page: a scan pushed through the API appears without a reload; search runs in the API; the item page
// shows the scan with its history; no serious accessibility violations.
import { expect, test } from '@playwright/test';
import { startServer, type TestServer } from './server';
import { pushScans, seriousViolations } from './supervisor';

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer();
});
test.afterAll(async () => {
  await server?.stop();
});

test('a scan pushed by the API appears on the inventory page without a reload', async ({ page }) => {
  await pushScans(server.url, [
    { item_id: 'E2E-BOLT', qty: 10 },
    { item_id: '<img src=x onerror=alert(1)>', qty: 2 }
  ]);
  await page.goto(`${server.url}/inventory`);
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-status', 'live');
  const bolt = page.locator('[data-testid="stock-row"][data-item="E2E-BOLT"]');
  await expect(bolt.getByTestId('on-hand')).toContainText('10');
  // HTML in an item id shows as text.
  await expect(page.getByRole('link', { name: '<img src=x onerror=alert(1)>' })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);

  const marker = await page.evaluate(() => ((window as unknown as { marker: number }).marker = Math.random()));
  await pushScans(server.url, [{ item_id: 'E2E-BOLT', event_type: 'CONSUME', qty: 3 }]);
  await expect(bolt.getByTestId('on-hand')).toContainText('7');
  await pushScans(server.url, [{ item_id: 'E2E-NEW', qty: 4 }]); // a row that was not on the page
  await expect(page.locator('[data-testid="stock-row"][data-item="E2E-NEW"]')).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(marker); // no reload

  await page.getByTestId('inventory-search').fill('bolt');
  await expect(page.getByTestId('stock-row')).toHaveCount(1);

  await bolt.getByRole('link', { name: 'E2E-BOLT' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'E2E-BOLT' })).toBeVisible();
  await expect(page.getByTestId('item-total')).toHaveText('7');
  await expect(page.getByTestId('item-events').locator('tbody tr')).toHaveCount(2);
  await expect(page.getByTestId('on-hand-chart')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});

test('without the stream the page says it is not live and polls; it goes live again when the stream is back', async ({
  page
}) => {
  await pushScans(server.url, [{ item_id: 'E2E-POLL', qty: 1 }]);
  let refuse = true;
  await page.route('**/api/stream', (route) => (refuse ? route.abort() : route.continue()));
  await page.goto(`${server.url}/inventory`);
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-status', 'polling');
  await expect(page.getByTestId('live-status')).toHaveText(/Not live/);
  await pushScans(server.url, [{ item_id: 'E2E-POLL', qty: 5 }]);
  await expect(page.locator('[data-testid="stock-row"][data-item="E2E-POLL"]').getByTestId('on-hand')).toContainText(
    '6'
  );
  refuse = false;
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-status', 'live', { timeout: 20_000 });
  await pushScans(server.url, [{ item_id: 'E2E-POLL', event_type: 'CONSUME', qty: 2 }]);
  await expect(page.locator('[data-testid="stock-row"][data-item="E2E-POLL"]').getByTestId('on-hand')).toContainText(
    '4'
  );
});
