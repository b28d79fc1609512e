// The item page's scans as a supervisor reads them: under "Captured", ordered by when each was made on the floor,
// so a tablet's offline scans that reach the server late sit below newer scans that came first; a MOVE shows both
// of its locations. Made by a real tablet (the station in Chromium, offline) beside another tablet's push.
import { expect, test } from '@playwright/test';
import { scanByWedge, setUpStationOffline } from './station';
import { startServer, type TestServer } from './server';
import { importItems, pushScans, seriousViolations } from './supervisor';

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer();
  await importItems(server.url, 'item_id,description,unit\nH-7001,Hinge 40mm,ea\n');
});
test.afterAll(async () => {
  await server?.stop();
});

test('the item page lists scans by capture time, a late-synced offline scan below a newer one, a move with both ends', async ({
  page,
  context
}) => {
  await setUpStationOffline(page, context, server.url);
  // Offline, first on the floor: a consume here, then a move from here to STORES.
  await scanByWedge(page, 'H-7001');
  await expect(page.getByTestId('scan-message')).toHaveText('CONSUME H-7001 × 1');
  await page.getByTestId('mode-move').click();
  await scanByWedge(page, 'LOC=LINE-1');
  await scanByWedge(page, 'LOC=STORES');
  await scanByWedge(page, 'ITEM=H-7001;QTY=2');
  await expect(page.getByTestId('scan-message')).toHaveText('MOVE H-7001 × 2 LINE-1 → STORES');
  await expect(page.getByTestId('pending-count')).toHaveText('2');

  // Later, another tablet's intake reaches the server at once; this tablet's two scans arrive after it.
  await pushScans(server.url, [{ item_id: 'H-7001', qty: 10 }]);
  await context.setOffline(false);
  await expect(page.getByTestId('pending-count')).toHaveText('0', { timeout: 30_000 });

  await page.goto(`${server.url}/items/H-7001`);
  const table = page.getByTestId('item-events');
  await expect(table.locator('thead th').first()).toHaveText('Captured');
  const rows = table.locator('tbody tr');
  await expect(rows).toHaveCount(3);
  // Type, location(s), station: newest capture first. In the order the server received them, the tablet's two would
  // come first.
  const seen: string[][] = [];
  for (const td of (await rows.all()).map((r) => r.locator('td')))
    seen.push([await td.nth(1).innerText(), await td.nth(3).innerText(), await td.nth(4).innerText()]);
  expect(seen).toEqual([
    ['INTAKE', 'LINE-1', 'ST-API'],
    ['MOVE', 'LINE-1 → STORES', 'ST-E2E'],
    ['CONSUME', 'LINE-1', 'ST-E2E']
  ]);
  expect(await seriousViolations(page)).toEqual([]);
});
