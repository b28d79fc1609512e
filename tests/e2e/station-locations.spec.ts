// Location labels: scanning LOC=<id> moves the station to that location (shown big, and every later scan carries
// it); a setting makes the station refuse a part until a location was scanned before it. Offline, by wedge.
import { expect, test } from '@playwright/test';
import { readTablet, scanByWedge, setUpStationOffline } from './station';
import { startServer, type TestServer } from './server';
import { importItems } from './supervisor';

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer();
  const csv = 'item_id,description,unit\nP-1003,Hex nut M8,ea\n';
  await importItems(server.url, csv);
});
test.afterAll(async () => {
  await server?.stop();
});

const wedge = scanByWedge;

test('a location label switches the location; the setting asks for one before each part', async ({ page, context }) => {
  await setUpStationOffline(page, context, server.url);
  const where = page.getByTestId('station-location');
  await expect(where).toContainText('LINE-1');

  await wedge(page, 'LOC=STORES');
  await expect(page.getByTestId('scan-message')).toHaveText('Location STORES');
  await expect(where.locator('strong')).toHaveText('STORES');
  // Shown big: read from arm's length, at least twice the page's own text.
  const [big, body] = await where
    .locator('strong')
    .evaluate((e) => [e, document.body].map((x) => parseFloat(getComputedStyle(x).fontSize)));
  expect(big).toBeGreaterThanOrEqual(2 * body);
  await wedge(page, 'P-1003');
  await expect(page.getByTestId('scan-message')).toHaveText('CONSUME P-1003 × 1');

  // The setting, on the settings page; back at the station a part without a location first is refused.
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByTestId('require-location').check();
  await page.getByRole('link', { name: '← Back to scanning' }).click();
  await expect(where).toContainText('scan a location label first');
  await wedge(page, 'P-1003');
  await expect(page.getByTestId('scan-panel')).toHaveAttribute('data-kind', 'error');
  await expect(page.getByTestId('scan-message')).toContainText('Scan the location label first');
  await wedge(page, 'LOC=LINE-2');
  await wedge(page, 'P-1003');
  await expect(page.getByTestId('scan-message')).toHaveText('CONSUME P-1003 × 1');
  await wedge(page, 'P-1003');
  await expect(page.getByTestId('scan-message')).toContainText('Scan the location label first');

  const { rows } = await readTablet(page);
  const locations = await page.evaluate(
    () =>
      new Promise<string[]>((resolve) => {
        const open = indexedDB.open('linesync');
        open.onsuccess = () => {
          const all = open.result.transaction('outbox').objectStore('outbox').getAll();
          all.onsuccess = () =>
            resolve(all.result.sort((a, b) => a.device_seq - b.device_seq).map((r) => r.event.location_id));
        };
      })
  );
  expect(rows).toHaveLength(2);
  expect(locations).toEqual(['STORES', 'LINE-2']);
});
