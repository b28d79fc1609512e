// A scan the server refuses stays on the tablet in "needs attention" with the reason, until a person fixes and
// resends it (a new event) or voids it.
import { expect, test } from '@playwright/test';
import { readTablet, recordManually, setUpStation } from './station';
import { startServer, type TestServer } from './server';

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer();
});
test.afterAll(async () => {
  await server?.stop();
});

test('refused scans wait in "needs attention" until fixed and resent or voided', async ({ page }) => {
  await setUpStation(page, server.url);
  await recordManually(page, 'ITEM=KNOWN-1;QTY=4'); // makes KNOWN-1 an item on the server
  await expect(page.getByTestId('recent-scans').locator('li')).toHaveCount(1);
  await expect(page.getByTestId('recent-scans').locator('li').first()).toContainText('synced');

  // From now on the server refuses items it does not know.
  await server.kill();
  await server.start({ REQUIRE_KNOWN_ITEMS: 'true' });
  await recordManually(page, 'ITEM=TYPO-1;QTY=3');
  await recordManually(page, 'ITEM=TYPO-2;QTY=9');
  await expect(page.getByTestId('attention-list').locator('li')).toHaveCount(2);
  await expect(page.getByTestId('attention-list')).toContainText('unknown item: TYPO-1');
  await expect(page.getByTestId('pending-count')).toHaveText('0');

  const first = page.getByTestId('attention-list').locator('li').filter({ hasText: 'TYPO-1' });
  await first.getByLabel('Item').fill('KNOWN-1');
  await first.getByRole('button', { name: 'Fix and resend' }).click();
  await page
    .getByTestId('attention-list')
    .locator('li')
    .filter({ hasText: 'TYPO-2' })
    .getByRole('button', { name: 'Void' })
    .click();
  await expect(page.getByTestId('attention-list')).toHaveCount(0);
  await expect(page.getByTestId('pending-count')).toHaveText('0');

  const tablet = await readTablet(page);
  const stored = await server.events(tablet.device_id);
  expect(stored.map((e) => [e.item_id, e.qty])).toEqual([
    ['KNOWN-1', 4],
    ['KNOWN-1', 3]
  ]);
  expect(
    tablet.rows
      .filter((r) => r.state === 'resolved')
      .map((r) => r.event.item_id)
      .sort()
  ).toEqual(['TYPO-1', 'TYPO-2']);
});
