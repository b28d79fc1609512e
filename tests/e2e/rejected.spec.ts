// The round trip of a refused scan: the tablet shows it in "needs attention"; the server keeps it and the fleet page
// counts it; a supervisor applies a corrected scan on the rejected-scans page; on its next sync the tablet clears it
// and says who resolved it. Real server, real database, real IndexedDB in Chromium.
import { expect, test } from '@playwright/test';
import { readTablet, recordManually, setUpStation } from './station';
import { startServer, type TestServer } from './server';
import { seriousViolations } from './supervisor';

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer();
});
test.afterAll(async () => {
  await server?.stop();
});

test('a refused scan is resolved by a supervisor and cleared on the tablet, nothing lost', async ({
  page,
  context
}) => {
  await setUpStation(page, server.url);
  await recordManually(page, 'ITEM=KNOWN-1;QTY=4'); // makes KNOWN-1 an item on the server
  await expect(page.getByTestId('recent-scans').locator('li').first()).toContainText('synced');
  await server.kill();
  await server.start({ REQUIRE_KNOWN_ITEMS: 'true' });
  await recordManually(page, 'ITEM=TYPO-1;QTY=3');
  await expect(page.getByTestId('attention-list').locator('li')).toHaveCount(1);
  const tablet = await readTablet(page);

  const console = await context.newPage();
  await console.goto(`${server.url}/devices`);
  const row = console.getByTestId('device-row').filter({ hasText: tablet.device_id });
  await expect(row.getByTestId('rejected-waiting')).toHaveText(/^\s*1/);
  await row.getByTestId('rejected-waiting').getByRole('link').click();
  await expect(console).toHaveURL(/\/rejected\?device=/);
  const item = console.getByTestId('rejected-row').filter({ hasText: 'TYPO-1' });
  await expect(item).toContainText('unknown item: TYPO-1');
  expect(await seriousViolations(console)).toEqual([]);

  const fix = item.getByRole('form', { name: 'Apply a corrected scan' });
  await fix.getByLabel('Item').fill('KNOWN-1');
  await fix.getByLabel('Note').fill('label misprinted');
  await fix.getByRole('button', { name: 'Apply corrected' }).click();
  await expect(console.getByTestId('rejected-row')).toHaveCount(0);
  await console.getByTestId('rejected-status').selectOption('resolved');
  await expect(console.getByTestId('rejected-resolution')).toContainText('Corrected by a supervisor');
  expect(await seriousViolations(console)).toEqual([]);

  // The tablet learns it on its next sync: out of "needs attention", shown as resolved, the scan itself kept.
  await page.bringToFront();
  await page.getByTestId('sync-now').click();
  await expect(page.getByTestId('attention-list')).toHaveCount(0);
  await expect(page.getByTestId('resolved-by-supervisor')).toContainText('TYPO-1 × 3: corrected on the server');
  expect(await seriousViolations(page)).toEqual([]);
  const after = await readTablet(page);
  const typo = after.rows.find((r) => r.event.item_id === 'TYPO-1')!;
  expect(typo).toMatchObject({ state: 'resolved' });

  const corrected = await server.events('console');
  expect(corrected.map((e) => [e.item_id, e.qty, e.event_type])).toEqual([['KNOWN-1', 3, 'CONSUME']]); // the type the worker scanned
  expect((await server.events(tablet.device_id)).map((e) => [e.item_id, e.qty])).toEqual([['KNOWN-1', 4]]);
});
