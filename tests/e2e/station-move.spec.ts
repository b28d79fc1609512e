// Move mode: the worker scans the FROM location, the TO location, then the parts; each part is one MOVE event that
// the server projects on both stock rows. Offline first (by wedge), then synced, and undone from the last scans.
import { expect, test } from '@playwright/test';
import { readTablet, recordManually, scanByWedge, setUpStationOffline, wedgeOnly } from './station';
import { startServer, type TestServer } from './server';
import { importItems, pushScans } from './supervisor';

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer();
  await importItems(server.url, 'item_id,description,unit\nP-1003,Hex nut M8,ea\nP-2001,Washer M8,ea\n');
  await pushScans(server.url, [
    { item_id: 'P-1003', location_id: 'STORES', qty: 50 },
    { item_id: 'P-2001', location_id: 'STORES', qty: 10 }
  ]);
});
test.afterAll(async () => {
  await server?.stop();
});

async function onHand(item: string): Promise<Record<string, number>> {
  const res = await fetch(`${server.url}/api/inventory?item_id=${item}`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { rows: { location_id: string; on_hand: number }[] };
  return Object.fromEntries(body.rows.map((r) => [r.location_id, r.on_hand]));
}

test('moves parts between two scanned locations offline, syncs them once, and undoes one on both', async ({
  page,
  context
}) => {
  await setUpStationOffline(page, context, server.url);

  await page.getByTestId('mode-move').click();
  await expect(page.locator('main')).toHaveAttribute('data-mode', 'MOVE');
  // A part before both locations is refused, loudly, and nothing is recorded.
  await wedgeOnly(page, 'P-1003');
  await expect(page.getByTestId('scan-panel')).toHaveAttribute('data-kind', 'error');
  await expect(page.getByTestId('scan-message')).toContainText('Scan the FROM location label first');
  await scanByWedge(page, 'LOC=STORES');
  await expect(page.getByTestId('scan-message')).toHaveText('From STORES');
  await wedgeOnly(page, 'LOC=STORES');
  await expect(page.getByTestId('scan-message')).toContainText('already the FROM location');
  await scanByWedge(page, 'LOC=LINE-2');
  await expect(page.getByTestId('scan-message')).toHaveText('Moving STORES → LINE-2');
  await expect(page.getByTestId('mode-banner')).toContainText('STORES → LINE-2');

  await scanByWedge(page, 'P-1003');
  await expect(page.getByTestId('scan-message')).toHaveText('MOVE P-1003 × 1 STORES → LINE-2');
  await page.getByTestId('next-qty').fill('4');
  await recordManually(page, 'P-2001');
  await expect(page.getByTestId('scan-message')).toHaveText('MOVE P-2001 × 4 STORES → LINE-2');
  await expect(page.getByTestId('recent-move').first()).toHaveText('STORES → LINE-2');
  // The station's own location did not change: a move names both of its own.
  const { rows } = await readTablet(page);
  const events = rows.map((r) => r.event as unknown as Record<string, unknown>);
  expect(events.map((e) => [e.event_type, e.item_id, e.qty, e.location_id, e.to_location_id])).toEqual([
    ['MOVE', 'P-1003', 1, 'STORES', 'LINE-2'],
    ['MOVE', 'P-2001', 4, 'STORES', 'LINE-2']
  ]);
  await expect(page.getByTestId('pending-count')).toHaveText('2');

  await context.setOffline(false);
  await expect(page.getByTestId('pending-count')).toHaveText('0');
  expect(await onHand('P-1003')).toEqual({ STORES: 49, 'LINE-2': 1 });
  expect(await onHand('P-2001')).toEqual({ STORES: 6, 'LINE-2': 4 });

  // Undo of the second move: one VOID, both rows back.
  await page.getByRole('button', { name: `Undo scan ${rows[1].device_seq}` }).click();
  await expect(page.getByTestId('pending-count')).toHaveText('0');
  await expect.poll(() => onHand('P-2001')).toEqual({ STORES: 10, 'LINE-2': 0 });
  expect(await onHand('P-1003')).toEqual({ STORES: 49, 'LINE-2': 1 });

  // The item's history lists the move at its destination too.
  const res = await fetch(`${server.url}/api/events?item_id=P-1003&location_id=LINE-2`);
  const history = (await res.json()) as { rows: { event_type: string; to_location_id: string }[] };
  expect(history.rows.map((r) => [r.event_type, r.to_location_id])).toEqual([['MOVE', 'LINE-2']]);
});
