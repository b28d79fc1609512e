// A new version of the app: the station says so and waits for the worker to tap "Reload"; the old cache goes.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { recordManually, setUpStation, waitForServiceWorker } from './station';
import { startServer, type TestServer } from './server';

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer();
});
test.afterAll(async () => {
  await server?.stop();
});

test('a service-worker update shows the reload prompt and swaps only when asked', async ({ page }) => {
  await setUpStation(page, server.url);
  await waitForServiceWorker(page);
  const before = await page.evaluate(() => caches.keys());
  expect(before).toHaveLength(1);

  // Ship a "new version": the same app under a new version name.
  const file = join(server.buildDir, 'service-worker.js');
  const old = before[0].replace('linesync-', '');
  // svelte.config.js names a build "<release>+<build time in ms>": the next build, a millisecond later.
  const next = old.replace(/\d+$/, (ms) => `${Number(ms) + 1}`);
  expect(next).not.toBe(old);
  writeFileSync(file, readFileSync(file, 'utf8').replaceAll(old, next));
  // The server sends the build's .br or .gz twin where one exists: without them it sends the new file itself.
  for (const twin of ['.br', '.gz']) rmSync(file + twin, { force: true });

  await recordManually(page, 'ITEM=UPD-1;QTY=2');
  await expect(page.getByTestId('recent-scans').locator('li')).toHaveCount(1);
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
  await expect(page.getByTestId('update-prompt')).toBeVisible();
  // Nothing swapped by itself: the page is the same one, mid-shift.
  await expect(page.getByTestId('scan-message')).toContainText('UPD-1');

  await Promise.all([
    page.waitForEvent('load'),
    page.getByTestId('update-prompt').getByRole('button', { name: 'Reload' }).click()
  ]);
  await expect(page.getByTestId('update-prompt')).toHaveCount(0);
  await expect.poll(() => page.evaluate(() => caches.keys())).toEqual([`linesync-${next}`]);
});
