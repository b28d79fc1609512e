// Mistakes at the station are loud: a misread GTIN is refused, an unknown part waits for the worker's word (offline
// too, from the cached item list), a quantity typed for the next scan is used once, every scan shows its running
// count and description, and being offline is unmistakable. Driven as a worker would: keyboard-wedge bursts.
import { expect, test, type Page } from '@playwright/test';
import { readTablet, setUpStation, waitForServiceWorker, wedgeOnly } from './station';
import { startServer, type TestServer } from './server';
import { importItems } from './supervisor';

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer();
  // The plant's item master: two named parts, one with a GTIN (EAN-13 4006381333931, check digit 1).
  const csv = 'item_id,description,unit,gtin\nP-1003,Hex nut M8,ea,4006381333931\nP-2000,PU tube 8mm,m,\n';
  await importItems(server.url, csv);
});
test.afterAll(async () => {
  await server?.stop();
});

// Every tone the station plays, as (frequency, waveform): the sound a worker hears, without speakers.
test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => {
    const w = window as unknown as { tones: string[] };
    w.tones = [];
    const start = OscillatorNode.prototype.start;
    OscillatorNode.prototype.start = function (this: OscillatorNode, ...args: [number?]) {
      w.tones.push(`${this.type}:${this.frequency.value}`);
      return start.apply(this, args);
    };
  });
});

const wedge = wedgeOnly;

/** The tones played by what `act` does, joined: one sound. */
async function soundOf(page: Page, act: () => Promise<void>): Promise<string> {
  const before = await page.evaluate(() => (window as unknown as { tones: string[] }).tones.length);
  await act();
  await expect
    .poll(() => page.evaluate((n) => (window as unknown as { tones: string[] }).tones.length > n, before))
    .toBe(true);
  return page.evaluate((n) => (window as unknown as { tones: string[] }).tones.slice(n).join(' '), before);
}

const message = (page: Page) => page.getByTestId('scan-message');
const detail = (page: Page) => page.getByTestId('scan-detail');
const pending = (page: Page) => page.getByTestId('pending-count');

async function ready(page: Page) {
  await setUpStation(page, server.url);
  await waitForServiceWorker(page);
  await expect(page.getByTestId('stock-as-of')).toContainText('Stock as of');
}

test('offline: a misread GTIN is refused, an unknown part waits for a yes, each with its own sound', async ({
  page,
  context
}) => {
  await ready(page);
  await context.setOffline(true);
  await expect(page.getByTestId('connection')).toContainText('Offline');

  const misread = await soundOf(page, () => wedge(page, '4006381333932'));
  await expect(message(page)).toContainText('Misread');
  await expect(message(page)).toContainText('4006381333932');
  await expect(page.getByTestId('scan-panel')).toHaveAttribute('data-kind', 'error');
  await expect(pending(page)).toHaveText('0');

  const ok = await soundOf(page, () => wedge(page, '4006381333931'));
  await expect(message(page)).toHaveText('CONSUME P-1003 × 1');
  await expect(detail(page)).toContainText('Hex nut M8');
  await expect(pending(page)).toHaveText('1');

  const unknown = await soundOf(page, () => wedge(page, 'TYPO-1OO1'));
  await expect(message(page)).toHaveText('Record unknown part TYPO-1OO1?');
  await expect(page.getByTestId('scan-panel')).toHaveAttribute('data-kind', 'unknown');
  await page.getByTestId('unknown-cancel').click();
  await expect(message(page)).toContainText('Not recorded');
  await expect(pending(page)).toHaveText('1');

  await wedge(page, 'TYPO-1OO1');
  await expect(message(page)).toHaveText('Record unknown part TYPO-1OO1?');
  await page.getByTestId('unknown-confirm').click();
  await expect(message(page)).toHaveText('CONSUME TYPO-1OO1 × 1');
  await expect(detail(page)).toContainText('unknown part');
  await expect(pending(page)).toHaveText('2');

  expect(new Set([misread, ok, unknown]).size, `${misread} | ${ok} | ${unknown}`).toBe(3);
  const { rows } = await readTablet(page);
  expect(rows.map((r) => [r.event.item_id, r.event.qty]).sort()).toEqual([
    ['P-1003', 1],
    ['TYPO-1OO1', 1]
  ]);

  // Back online: the confirmed unknown becomes a placeholder on the server, as before.
  await context.setOffline(false);
  await expect(pending(page)).toHaveText('0', { timeout: 30_000 });
  const items = await (await fetch(`${server.url}/api/sync/snapshot`)).json();
  expect(items.items.find((i: { item_id: string }) => i.item_id === 'TYPO-1OO1')).toMatchObject({ placeholder: true });
});

test('the quantity for the next scan is used once; each scan shows its running count, a flash and the part', async ({
  page
}) => {
  await ready(page);
  await page.getByTestId('mode-intake').click();
  await page.getByTestId('next-qty').fill('5');
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  const flash = async () => Number(await page.getByTestId('scan-panel').getAttribute('data-flash'));

  await wedge(page, 'P-1003');
  await expect(message(page)).toHaveText('INTAKE P-1003 × 5');
  await expect(detail(page)).toHaveText('Hex nut M8 (ea) — 1st scan, 1 today');
  await expect(page.getByTestId('next-qty')).toHaveValue('');
  const first = await flash();

  await wedge(page, 'P-1003');
  await expect(message(page)).toHaveText('INTAKE P-1003 × 1');
  await expect(detail(page)).toHaveText('Hex nut M8 (ea) — 2nd scan, 2 today');
  expect(await flash()).toBe(first + 1);

  await wedge(page, 'ITEM=P-2000;QTY=3');
  await expect(message(page)).toHaveText('INTAKE P-2000 × 3');
  await expect(detail(page)).toHaveText('PU tube 8mm (m) — 1st scan, 1 today');

  await wedge(page, 'P-1003');
  await expect(detail(page)).toHaveText('Hex nut M8 (ea) — 3rd scan, 3 today');
  expect(await flash()).toBe(first + 3);

  // The last scans and the stock panel name the part, with its unit.
  const recent = page.getByTestId('recent-scans').locator('li');
  await expect(recent.first()).toContainText('Hex nut M8');
  await expect(recent.nth(1)).toContainText('PU tube 8mm');
  await expect(recent.nth(1)).toContainText('× 3 m');
  await expect(page.locator('[data-testid=stock-table] tr[data-item="P-2000"]')).toContainText('PU tube 8mm');

  // A new session: the session count starts again, today's goes on.
  await page.reload();
  await expect(message(page)).toHaveText('Ready: scan a code.');
  await wedge(page, 'P-1003');
  await expect(detail(page)).toHaveText('Hex nut M8 (ea) — 1st scan, 4 today');
  const { rows } = await readTablet(page);
  expect(rows.filter((r) => r.event.item_id === 'P-1003').map((r) => r.event.qty)).toEqual([5, 1, 1, 1]);
});

test('offline is unmistakable, and the last error goes with the next good sync', async ({ page, context }) => {
  await ready(page);
  await expect(page.getByTestId('offline-banner')).toHaveCount(0);
  await context.setOffline(true);
  await expect(page.getByTestId('offline-banner')).toBeVisible();
  await expect(page.getByTestId('status-header')).toHaveClass(/offline/);
  await wedge(page, 'P-1003');
  await expect(page.getByTestId('offline-banner')).toContainText('1 scan waiting');
  await wedge(page, 'P-1003');
  await expect(page.getByTestId('offline-banner')).toContainText('2 scans waiting');

  await context.setOffline(false);
  await expect(page.getByTestId('offline-banner')).toHaveCount(0);
  await expect(pending(page)).toHaveText('0', { timeout: 30_000 });
  // A failing server, then a good sync: the error is shown, then gone.
  await page.route('**/api/sync/snapshot', (r) => r.fulfill({ status: 503, body: 'down' }));
  await page.getByTestId('sync-now').click();
  await expect(page.getByTestId('last-error')).not.toHaveText('none');
  await page.unroute('**/api/sync/snapshot');
  await page.getByTestId('sync-now').click();
  await expect(page.getByTestId('last-error')).toHaveText('none');
});

test('station and receiving link to each other, the console reaches both, and touch targets are at least 44 px', async ({
  page
}) => {
  await ready(page);
  await page.getByRole('link', { name: 'Receiving' }).click();
  await expect(page).toHaveURL(/\/receive$/);
  await page.getByRole('link', { name: 'Station' }).first().click();
  await expect(page).toHaveURL(/\/station$/);
  await page.goto(`${server.url}/inventory`);
  const nav = page.getByRole('navigation', { name: 'Supervisor console' });
  await expect(nav.getByRole('link', { name: 'Station' })).toHaveAttribute('href', '/station');
  await expect(nav.getByRole('link', { name: 'Receiving' })).toHaveAttribute('href', '/receive');

  for (const path of ['/station', '/station/settings', '/receive']) {
    await page.goto(`${server.url}${path}`);
    await page.waitForLoadState('networkidle');
    const small = await page.evaluate(() =>
      [
        ...document.querySelectorAll(
          'main button, main a, main input:not([type=hidden]), main select, header button, header a'
        )
      ]
        .filter((e) => (e as HTMLElement).offsetParent !== null)
        // A file input hidden inside its label: the label is what the finger hits.
        .map((e) => ({
          e,
          r: (getComputedStyle(e).opacity === '0' ? (e.closest('label') ?? e) : e).getBoundingClientRect()
        }))
        .filter(({ r }) => r.height < 44 || (r.width < 44 && r.width > 0))
        .map(
          ({ e, r }) =>
            `${e.tagName} "${(e.textContent || (e as HTMLInputElement).name || e.id).trim().slice(0, 30)}" ${Math.round(r.width)}×${Math.round(r.height)}`
        )
    );
    expect(small, path).toEqual([]);
  }
});
