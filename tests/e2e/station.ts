// Steps every station spec shares: set the tablet up, wait until the service worker controls the page, scan by hand.
import { expect, type Page } from '@playwright/test';
export { countStates, readTablet, seedPending, type StoredRow } from './tablet';

export async function setUpStation(page: Page, baseUrl: string, name = 'E2E tablet') {
  await page.goto(`${baseUrl}/station`);
  await expect(page).toHaveURL(/\/station\/setup$/);
  await page.getByTestId('setup-name').fill(name);
  await page.getByTestId('setup-station').fill('ST-E2E');
  await page.getByTestId('setup-location').fill('LINE-1');
  await page.getByTestId('setup-save').click();
  await expect(page).toHaveURL(/\/station$/);
  await expect(page.getByTestId('scan-message')).toHaveText('Ready: scan a code.');
}

/** Resolves once the service worker is active AND controls this page (so a reload offline is answered by it). */
export async function waitForServiceWorker(page: Page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (navigator.serviceWorker.controller) return;
    await new Promise<void>((r) =>
      navigator.serviceWorker.addEventListener('controllerchange', () => r(), { once: true })
    );
  });
}

/**
 * Types a code and submits it. A code naming a part the tablet's item list lacks is only recorded once the worker
 * says yes: this answers yes (the specs using it make parts up on purpose); data-flash counts every code handled.
 */
export async function recordManually(page: Page, code: string) {
  const panel = page.getByTestId('scan-panel');
  const before = Number(await panel.getAttribute('data-flash'));
  const input = page.getByTestId('manual-code');
  await input.fill(code);
  await input.press('Enter');
  await expect(panel).not.toHaveAttribute('data-flash', String(before));
  if ((await panel.getAttribute('data-kind')) === 'unknown') await page.getByTestId('unknown-confirm').click();
}
