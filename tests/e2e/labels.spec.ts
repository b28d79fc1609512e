// Labels in the browser: a supervisor ticks locations and prints their labels, prints one item's from its page; each
// answer is a PDF with the labels asked for, the form's controls a finger wide, the pages free of serious axe findings.
import { readFileSync } from 'node:fs';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { startServer, type TestServer } from './server';
import { pushScans, seriousViolations } from './supervisor';

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer();
  await pushScans(server.url, [
    { item_id: 'L-1', location_id: 'LINE-1', qty: 3 },
    { item_id: 'L-2', location_id: 'DOCK-2', qty: 4 },
    { item_id: 'L-2', location_id: 'BAY 7', qty: 1 }
  ]);
});
test.afterAll(async () => {
  await server?.stop();
});

async function expectFingerWide(controls: Locator) {
  for (const c of await controls.all()) expect((await c.boundingBox())!.height).toBeGreaterThanOrEqual(44);
}

/** Clicks print; answers the head and size of the PDF the page offers (its blob: link) and the labels it holds. */
async function print(page: Page, testid: string): Promise<{ head: string; bytes: number; labels: string | null }> {
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/labels'));
  await page.getByTestId(`${testid}-print`).click();
  const res = await answer;
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toBe('application/pdf');
  const link = page.getByTestId(`${testid}-pdf`);
  await expect(link).toBeVisible();
  // What the supervisor gets: the file the link downloads.
  const download = page.waitForEvent('download');
  await link.click();
  const file = readFileSync(await (await download).path());
  const head = file.subarray(0, 5).toString('latin1');
  const bytes = file.length;
  return { head, bytes, labels: res.headers()['x-label-count'] ?? null };
}

test('locations ticked on the locations page print as one sheet of location labels', async ({ page }) => {
  await page.goto(`${server.url}/locations`);
  const pick = (id: string) =>
    page.locator(`[data-testid="location-row"][data-location="${id}"] [data-testid="pick-location"]`);
  await expect(pick('LINE-1')).toBeVisible();
  await expect(page.getByTestId('location-labels-print')).toBeDisabled();
  await pick('LINE-1').check();
  await pick('DOCK-2').check();
  await page.getByTestId('location-labels-copies').fill('2');
  const { head, bytes, labels } = await print(page, 'location-labels');
  expect(head).toBe('%PDF-');
  expect(bytes).toBeGreaterThan(1000);
  expect(labels).toBe('4');
  await expectFingerWide(page.getByTestId('location-labels').locator('button, select, input, a'));
  expect(await seriousViolations(page)).toEqual([]);

  // A location id a location label cannot carry (a space): refused, in words, nothing to open.
  await pick('LINE-1').uncheck();
  await pick('DOCK-2').uncheck();
  await pick('BAY 7').check();
  await page.getByTestId('location-labels-print').click();
  await expect(page.getByTestId('location-labels-error')).toContainText('no spaces');
  await expect(page.getByTestId('location-labels-pdf')).toHaveCount(0);
});

test("an item's label from its page, on thermal stock in QR", async ({ page }) => {
  await page.goto(`${server.url}/items/L-1`);
  await expect(page.getByTestId('item-labels')).toBeVisible();
  await page.getByTestId('item-labels-stock').selectOption('thermal-4x6');
  await page.getByTestId('item-labels-symbology').selectOption('qr');
  const { labels } = await print(page, 'item-labels');
  expect(labels).toBe('1');
  expect(await seriousViolations(page)).toEqual([]);
});
