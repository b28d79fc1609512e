// Steps every station spec shares: set the tablet up, wait until the service worker controls the page, scan by hand.
import { expect, type BrowserContext, type Page } from '@playwright/test';
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

/** A set-up station, controlled by its service worker and holding the server's stock, then cut off the network. */
export async function setUpStationOffline(page: Page, context: BrowserContext, baseUrl: string) {
  await setUpStation(page, baseUrl);
  await waitForServiceWorker(page);
  await expect(page.getByTestId('stock-as-of')).toContainText('Stock as of');
  await context.setOffline(true);
}

/**
 * Types a code and submits it. A code naming a part the tablet's item list lacks is only recorded once the worker
 * says yes: this answers yes (the specs using it make parts up on purpose); data-flash counts every code handled.
 */
export async function recordManually(page: Page, code: string) {
  await handled(page, async () => {
    const input = page.getByTestId('manual-code');
    await input.fill(code);
    await input.press('Enter');
  });
}

/** Types a code as a keyboard-wedge scanner does (fast keys, then Enter, wherever focus is) and, like
 *  recordManually, says yes to an unknown part: the station asks once its item list is loaded, which may be a
 *  moment after the page shows its stock, so a spec cannot know beforehand whether it will ask. */
export async function scanByWedge(page: Page, code: string) {
  await handled(page, () => burst(page, code));
}

/** The keys of one scan, sent as a scanner sends them: all within a millisecond, then Enter, at whatever has focus.
 *  Not page.keyboard.type: on a loaded machine the driver's own keystrokes arrive over 120 ms apart now and then,
 *  which the station rightly takes for a person typing (the first keys of "ITEM=…" went astray that way). */
async function burst(page: Page, code: string) {
  await page.evaluate(
    (keys) => {
      const target = document.activeElement ?? document.body;
      for (const key of keys)
        target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
    },
    [...code, 'Enter']
  );
}

/** Does `act`, waits until the station has handled the code (data-flash counts every code), confirms an unknown. */
async function handled(page: Page, act: () => Promise<void>, confirmUnknown = true) {
  const panel = page.getByTestId('scan-panel');
  const before = Number(await panel.getAttribute('data-flash'));
  await act();
  await expect(panel).not.toHaveAttribute('data-flash', String(before));
  if (confirmUnknown && (await panel.getAttribute('data-kind')) === 'unknown')
    await page.getByTestId('unknown-confirm').click();
}

/** A wedge scan that leaves any question the station asks open (for specs about the question itself). */
export async function wedgeOnly(page: Page, code: string) {
  await handled(page, () => burst(page, code), false);
}
