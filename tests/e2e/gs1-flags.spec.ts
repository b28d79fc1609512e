// A GS1 code whose data is right but whose AIs break an association rule (a count, 37, with a GTIN of 01: common on
// supplier labels) is recorded as its meaning is clear; the worker is told which rule, not given a plain OK, and the
// scan shows flagged on the item's page for a supervisor.
import { expect, test } from '@playwright/test';
import { recordManually, setUpStation } from './station';
import { startServer, type TestServer } from './server';
import { importItems } from './supervisor';

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer();
  await importItems(server.url, 'item_id,description,unit,gtin\nP-1003,Hex nut M8,ea,4006381333931\n');
});
test.afterAll(async () => {
  await server?.stop();
});

test('a code breaking a GS1 rule is recorded, the rule told to the worker and flagged on the item page', async ({
  page
}) => {
  await setUpStation(page, server.url);
  await expect(page.getByTestId('stock-as-of')).toContainText('Stock as of');
  await page.getByTestId('mode-intake').click();
  await recordManually(page, '(01)04006381333931(37)12');
  await expect(page.getByTestId('scan-panel')).toHaveAttribute('data-kind', 'warn');
  await expect(page.getByTestId('scan-message')).toContainText('INTAKE P-1003 × 12 — recorded, but its code breaks');
  await expect(page.getByTestId('scan-message')).toContainText('(01) and (37) may not be used together');
  // A code that breaks none is a plain OK.
  await recordManually(page, '(01)04006381333931(10)L1');
  await expect(page.getByTestId('scan-panel')).toHaveAttribute('data-kind', 'ok');
  await expect(page.getByTestId('pending-count')).toHaveText('0');

  await page.goto(`${server.url}/items/P-1003`);
  const flags = page.getByTestId('item-events').getByTestId('gs1-flag');
  await expect(flags).toHaveCount(1);
  await expect(flags).toContainText('(01) and (37) may not be used together');
});
