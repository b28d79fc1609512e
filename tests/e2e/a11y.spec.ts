// axe-core over the station screens: no serious or critical violations.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect, test, type Page } from '@playwright/test';
import { recordManually, setUpStation } from './station';
import { startServer, type TestServer } from './server';

// Evaluated through the DevTools protocol rather than a <script> tag: the app's Content-Security-Policy allows no
// inline script, and the audit should see the page with that policy in force.
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer();
});
test.afterAll(async () => {
  await server?.stop();
});

async function seriousViolations(page: Page) {
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            ctx: Document
          ): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    return axe.run(document);
  });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('the setup, scanning and settings screens have no serious accessibility violations', async ({ page }) => {
  await page.goto(`${server.url}/station/setup`);
  expect(await seriousViolations(page)).toEqual([]);

  await setUpStation(page, server.url);
  await recordManually(page, 'ITEM=A11Y-1;QTY=3');
  await page.getByTestId('mode-intake').click();
  await recordManually(page, 'ITEM=A11Y-2');
  await expect(page.getByTestId('recent-scans').locator('li')).toHaveCount(2);
  expect(await seriousViolations(page)).toEqual([]);

  await page.goto(`${server.url}/station/settings`);
  await expect(page.getByTestId('storage-persisted')).not.toHaveText('Checking…');
  expect(await seriousViolations(page)).toEqual([]);
});
