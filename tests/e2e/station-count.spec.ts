// Count mode: scan a location, then its parts (or type their counts); Finish records one COUNT per counted part with
// what the tablet expected, and the server sets the stock to what was counted. Offline first, then synced.
import { expect, test } from '@playwright/test';
import { readTablet, scanByWedge, setUpStationOffline, wedgeOnly } from './station';
import { startServer, type TestServer } from './server';
import { importItems, pushScans } from './supervisor';

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer();
  await importItems(server.url, 'item_id,description,unit\nP-1003,Hex nut M8,ea\nP-2001,Washer M8,ea\nP-3001,Pin,ea\n');
  await pushScans(server.url, [
    { item_id: 'P-1003', location_id: 'STORES', qty: 5 },
    { item_id: 'P-2001', location_id: 'STORES', qty: 8 }
  ]);
});
test.afterAll(async () => {
  await server?.stop();
});

test('counts a location offline and, once synced, stock is what was counted and the report shows it', async ({
  page,
  context
}) => {
  await setUpStationOffline(page, context, server.url);

  await page.getByTestId('mode-count').click();
  await expect(page.locator('main')).toHaveAttribute('data-mode', 'COUNT');
  await wedgeOnly(page, 'P-1003');
  await expect(page.getByTestId('scan-message')).toContainText('Scan the label of the location to count first');
  await scanByWedge(page, 'LOC=STORES');
  await expect(page.getByTestId('count-location')).toHaveText('STORES');
  const sheet = page.getByTestId('count-sheet');
  // The sheet starts with what the tablet expects there, nothing counted yet.
  await expect(sheet.locator('tr[data-item="P-1003"] td').nth(1)).toHaveText('5');
  await expect(sheet.locator('tr[data-item="P-2001"] td').nth(1)).toHaveText('8');

  await scanByWedge(page, 'P-1003');
  await scanByWedge(page, 'P-1003');
  await scanByWedge(page, 'P-1003');
  await expect(page.getByTestId('scan-message')).toHaveText('COUNT P-1003: 3 counted');
  await scanByWedge(page, 'P-3001'); // found where none was expected
  await sheet.locator('tr[data-item="P-2001"] input').fill('8');
  await expect(sheet.locator('tr[data-item="P-1003"] td').nth(3)).toHaveText('-2');
  // Nothing is recorded until Finish.
  expect((await readTablet(page)).rows).toHaveLength(0);
  await page.getByTestId('count-finish').click();
  await expect(page.getByTestId('scan-message')).toHaveText('Count at STORES recorded: 3 parts, 2 with a difference');

  const events = (await readTablet(page)).rows.map((r) => r.event as unknown as Record<string, unknown>);
  expect(events.map((e) => [e.event_type, e.item_id, e.qty, e.expected_qty, e.location_id]).sort()).toEqual([
    ['COUNT', 'P-1003', 3, 5, 'STORES'],
    ['COUNT', 'P-2001', 8, 8, 'STORES'],
    ['COUNT', 'P-3001', 1, 0, 'STORES']
  ]);

  // Meanwhile another tablet took 1 of P-1003 at STORES: the count still sets the stock to what was counted.
  await pushScans(server.url, [{ item_id: 'P-1003', location_id: 'STORES', qty: 1, event_type: 'CONSUME' }]);
  await context.setOffline(false);
  await expect(page.getByTestId('pending-count')).toHaveText('0');
  const res = await fetch(`${server.url}/api/inventory?location_id=STORES`);
  const stock = (await res.json()) as { rows: { item_id: string; on_hand: number }[] };
  expect(Object.fromEntries(stock.rows.map((r) => [r.item_id, r.on_hand]))).toEqual({
    'P-1003': 3,
    'P-2001': 8,
    'P-3001': 1
  });
  const report = (await (await fetch(`${server.url}/api/counts?item_id=P-1003`)).json()) as {
    rows: { counted: number; expected: number; variance: number; adjustment: number }[];
  };
  expect(report.rows).toEqual([expect.objectContaining({ counted: 3, expected: 5, variance: -2, adjustment: -1 })]);

  // Supervisors see it on the item page and in the counts report.
  await page.goto(`${server.url}/items/P-1003`);
  await expect(page.getByTestId('item-counts').locator('tbody tr').first()).toContainText('STORES');
  await expect(page.getByTestId('item-counts').locator('tbody tr td').nth(4)).toHaveText('-2');
  await page.goto(`${server.url}/counts`);
  await expect(page.getByTestId('counts-totals')).toHaveText('3 counts, 2 changed stock, net adjustment 0');
  await expect(page.getByTestId('counts').locator('tbody tr')).toHaveCount(3);
});

test('a count in progress survives a reload offline and a change of mode, and finishes once', async ({
  page,
  context
}) => {
  await pushScans(server.url, [{ item_id: 'P-2001', location_id: 'DOCK', qty: 4 }]);
  await setUpStationOffline(page, context, server.url);

  await page.getByTestId('mode-count').click();
  await scanByWedge(page, 'LOC=DOCK');
  const sheet = page.getByTestId('count-sheet');
  await scanByWedge(page, 'P-3001');
  await sheet.locator('tr[data-item="P-3001"] input').fill('6');
  await scanByWedge(page, 'P-2001');
  await scanByWedge(page, 'P-2001');
  await expect(page.getByTestId('scan-message')).toHaveText('COUNT P-2001: 2 counted');

  await page.reload();
  await expect(page.locator('main')).toHaveAttribute('data-mode', 'COUNT');
  await expect(page.getByTestId('scan-message')).toHaveText('Counting DOCK: the sheet in progress is back');
  await expect(page.getByTestId('count-location')).toHaveText('DOCK');
  await expect(sheet.locator('tr[data-item="P-2001"] td').nth(1)).toHaveText('4');
  await expect(sheet.locator('tr[data-item="P-2001"] input')).toHaveValue('2');
  await expect(sheet.locator('tr[data-item="P-3001"] input')).toHaveValue('6');
  await scanByWedge(page, 'P-2001');
  // Away to INTAKE and back: the sheet is where it was.
  await page.getByTestId('mode-intake').click();
  await page.getByTestId('mode-count').click();
  await expect(sheet.locator('tr[data-item="P-2001"] input')).toHaveValue('3');
  expect((await readTablet(page)).rows).toHaveLength(0);

  await page.getByTestId('count-finish').click();
  await expect(page.getByTestId('scan-message')).toHaveText('Count at DOCK recorded: 2 parts, 2 with a difference');
  // Finished is finished: a reload brings no sheet back, and the count is recorded once.
  await page.reload();
  await expect(page.getByTestId('scan-message')).toHaveText('Ready: scan a code.');
  await expect(page.locator('main')).not.toHaveAttribute('data-mode', 'COUNT');
  const events = (await readTablet(page)).rows.map((r) => r.event as unknown as Record<string, unknown>);
  expect(events.map((e) => [e.event_type, e.item_id, e.qty, e.expected_qty, e.location_id]).sort()).toEqual([
    ['COUNT', 'P-2001', 3, 4, 'DOCK'],
    ['COUNT', 'P-3001', 6, 0, 'DOCK']
  ]);
  await context.setOffline(false);
  await expect(page.getByTestId('pending-count')).toHaveText('0');
});
