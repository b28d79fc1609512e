// Closing the browser is not losing the scans: offline scans are still there when the tablet's browser reopens.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect, test } from '@playwright/test';
import { CHROMIUM_ARGS } from '../../playwright.config';
import { readTablet, recordManually, setUpStation, waitForServiceWorker } from './station';
import { startServer, type TestServer } from './server';

let server: TestServer;
let profile: string;
test.beforeAll(async () => {
  server = await startServer();
  profile = mkdtempSync(join(tmpdir(), 'linesync-profile-'));
});
test.afterAll(async () => {
  await server?.stop();
  rmSync(profile, { recursive: true, force: true });
});

const launch = () =>
  chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    serviceWorkers: 'allow'
  });

test('scans made offline survive closing and reopening the browser, then sync once', async () => {
  let context = await launch();
  let page = context.pages()[0] ?? (await context.newPage());
  await setUpStation(page, server.url);
  await waitForServiceWorker(page);
  await context.setOffline(true);
  for (let i = 1; i <= 5; i++) await recordManually(page, `ITEM=PERSIST-${i};QTY=${i}`);
  await expect(page.getByTestId('pending-count')).toHaveText('5');
  const before = await readTablet(page);
  await context.close();

  // Reopened with no network: the service worker opens the station, IndexedDB still holds the scans.
  context = await launch();
  await context.setOffline(true);
  page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${server.url}/station`);
  await expect(page.getByTestId('pending-count')).toHaveText('5');
  await expect(page.getByTestId('recent-scans').locator('li')).toHaveCount(5);
  const after = await readTablet(page);
  expect(after).toEqual(before);

  // The last resort works offline too: the export holds exactly the pending scans.
  await page.goto(`${server.url}/station/settings`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-pending').click()]);
  const exported = JSON.parse(readFileSync(await download.path(), 'utf8'));
  expect(exported).toMatchObject({ format: 'linesync-pending/1', device_id: before.device_id, rejected: [] });
  expect(exported.events.map((e: { event_id: string }) => e.event_id).sort()).toEqual(
    before.rows.map((r) => r.event_id).sort()
  );
  await page.goto(`${server.url}/station`);
  await expect(page.getByTestId('pending-count')).toHaveText('5');

  await context.setOffline(false);
  await expect(page.getByTestId('pending-count')).toHaveText('0', { timeout: 30_000 });
  const stored = await server.events(after.device_id);
  expect(stored.map((e) => e.event_id).sort()).toEqual(before.rows.map((r) => r.event_id).sort());
  await context.close();
});
