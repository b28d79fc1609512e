// Devices and locations pages: what a tablet reported is shown; locations are created, renamed and totalled.
import { expect, test } from '@playwright/test';
import { startServer, type TestServer } from './server';
import { pushScans, seriousViolations } from './supervisor';
import { readTablet, recordManually, scanByWedge, setUpStation, waitForServiceWorker } from './station';

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer();
});
test.afterAll(async () => {
  await server?.stop();
});

test("the devices page shows each tablet's station, version, sequence and reported pending count", async ({ page }) => {
  const res = await fetch(`${server.url}/api/sync/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      device_id: 'tab-fleet',
      device_name: 'Press 4',
      station_id: 'ST-4',
      location_id: 'LINE-4',
      app_version: '1.2.3',
      pending_count: 7,
      sent_at: new Date().toISOString(),
      events: []
    })
  });
  expect(res.status).toBe(200);
  await page.goto(`${server.url}/devices`);
  const row = page.locator('[data-testid="device-row"][data-device="tab-fleet"]');
  await expect(row).toContainText('Press 4');
  await expect(row).toContainText('ST-4');
  await expect(row).toContainText('1.2.3');
  await expect(row.locator('td').nth(6)).toHaveText('7'); // pending reported
  await expect(row).toHaveAttribute('data-flagged', 'false'); // just heard from
  expect(await seriousViolations(page)).toEqual([]);
});

test('a real tablet that scanned offline and synced everything is shown with nothing pending', async ({
  page,
  context
}) => {
  await setUpStation(page, server.url, 'Pending tablet');
  await waitForServiceWorker(page);
  await expect(page.getByTestId('stock-as-of')).toContainText('Stock as of');
  // Every push the server answered, as the tablet sent it (watched, not changed).
  const pushes: { events: unknown[] }[] = [];
  page.on('requestfinished', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/sync/events') pushes.push(r.postDataJSON());
  });

  await context.setOffline(true);
  await expect(page.getByTestId('connection')).toContainText('Offline');
  await scanByWedge(page, 'ITEM=PEND-1;QTY=2');
  await scanByWedge(page, 'ITEM=PEND-2;QTY=1');
  await recordManually(page, 'ITEM=PEND-1;QTY=4');
  await expect(page.getByTestId('pending-count')).toHaveText('3');
  await context.setOffline(false);
  await expect(page.getByTestId('pending-count')).toHaveText('0', { timeout: 30_000 });
  const { device_id } = await readTablet(page);

  // The last word the server had from the tablet came with the scans themselves: no later empty push said 0 for it.
  // So what the page shows is what the server made of the batch's own report, taken before the batch was sent: had it
  // stored that count as it came, the page would say 3.
  await expect.poll(() => pushes.at(-1)?.events.length).toBe(3);
  await page.goto(`${server.url}/devices`);
  const row = page.locator(`[data-testid="device-row"][data-device="${device_id}"]`);
  await expect(row).toContainText('Pending tablet');
  await expect(row.getByTestId('last-seq')).toHaveText('3');
  await expect(row.getByTestId('pending-reported')).toHaveText('0');
  await expect(row).toHaveAttribute('data-flagged', 'false');
});

test('the devices page shows a tablet that refilled scans the server had lost, and one that did not', async ({
  page
}) => {
  // What a tablet sends after an answer's server_max_seq was below scans it holds as synced: those scans again,
  // counted in `refilled`. The count adds up over pushes.
  for (const [device_id, refilled] of [
    ['tab-refilled', 3],
    ['tab-refilled', 2],
    ['tab-whole', 0]
  ] as const) {
    const res = await fetch(`${server.url}/api/sync/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ device_id, device_name: device_id, refilled, events: [] })
    });
    expect(res.status).toBe(200);
  }
  await page.goto(`${server.url}/devices`);
  const refilled = page.locator('[data-testid="device-row"][data-device="tab-refilled"]');
  await expect(refilled.getByTestId('refilled')).toContainText('refilled 5 (sent again after the server lost them');
  await expect(page.locator('[data-testid="device-row"][data-device="tab-whole"]')).toBeVisible();
  await expect(page.locator('[data-testid="device-row"][data-device="tab-whole"]').getByTestId('refilled')).toHaveCount(
    0
  );
});

test('locations: create, rename, and stock per location with the total', async ({ page }) => {
  // The spec's server is shared and an earlier test's tablet consumed parts: the total is counted from what it held.
  const held = async () =>
    ((await (await fetch(`${server.url}/api/locations`)).json()) as { total: { on_hand: number } }).total.on_hand;
  const before = await held();
  await pushScans(server.url, [
    { item_id: 'L-1', location_id: 'LINE-9', qty: 4 },
    { item_id: 'L-1', location_id: 'LINE-8', qty: 6 }
  ]);
  expect(await held()).toBe(before + 10);
  await page.goto(`${server.url}/locations`);
  await expect(page.getByTestId('total-on-hand')).toHaveText(String(before + 10));
  await page.getByTestId('new-location-id').fill('DOCK-7');
  await page.getByTestId('new-location-name').fill('<i>Dock</i> 7');
  await page.getByRole('button', { name: 'Create location' }).click();
  const dock = page.locator('[data-testid="location-row"][data-location="DOCK-7"]');
  await expect(dock).toContainText('<i>Dock</i> 7'); // as text
  await page.getByRole('button', { name: 'Rename or place LINE-9' }).click();
  await page.getByLabel('New name of LINE-9').fill('Line nine');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('[data-testid="location-row"][data-location="LINE-9"]')).toContainText('Line nine');
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole('link', { name: 'LINE-9' }).click();
  await expect(page.getByTestId('stock-row')).toHaveCount(1);
});

test("a real tablet's version reads as the release and the build's date, the same in page and service worker", async ({
  page
}) => {
  await setUpStation(page, server.url, 'Version tablet');
  await waitForServiceWorker(page);
  await recordManually(page, 'ITEM=VER-1;QTY=1'); // the push that reports the version (last: it moves the stock total)
  // Still on the station, so nothing cuts the push short.
  const reported = async () => {
    const { rows } = (await (await fetch(`${server.url}/api/devices`)).json()) as {
      rows: { name: string | null; app_version: string | null }[];
    };
    return rows.find((d) => d.name === 'Version tablet')?.app_version;
  };
  await expect.poll(reported).toMatch(/^0\.1\.0\+\d{13}$/);
  await page.goto(`${server.url}/station/settings`);
  const version = (await page.getByTestId('app-version').textContent())!.trim();
  // svelte.config.js: package.json's version and the build's time in ms, taken once for the whole build, so the
  // page, the service worker (whose cache is named by the version) and what the tablet reports name the same build.
  expect(await reported()).toBe(version);
  expect(await page.evaluate(() => caches.keys())).toEqual([`linesync-${version}`]);

  const built = new Date(Number(version.split('+')[1])).toISOString().slice(0, 16).replace('T', ' ');
  await page.goto(`${server.url}/devices`);
  const row = page.getByTestId('device-row').filter({ hasText: 'Version tablet' });
  await expect(row.getByTestId('app-version')).toHaveText(`0.1.0 · built ${built} UTC`);
});
