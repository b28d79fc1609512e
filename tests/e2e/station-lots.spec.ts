// Lots: a GS1 code's lot, serial and expiry go with the scan to the server; consuming a lot past its expiry is
// recorded (it happened) but warned about, never confirmed like a good scan. A lot- or serial-tracked part scanned
// without one is not recorded until the worker scans or types it, offline too (the cached item list says which).
import { expect, test, type Page } from '@playwright/test';
import {
  readTablet,
  recordManually,
  setUpStation,
  setUpStationOffline,
  waitForServiceWorker,
  wedgeOnly
} from './station';
import { startServer, type TestServer } from './server';
import { importItems, seriousViolations } from './supervisor';

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer();
  await importItems(
    server.url,
    'item_id,description,unit,gtin,tracking\nP-1003,Hex nut M8,ea,4006381333931,\n' +
      'RES-10,Resin,kg,012345678905,lot\nSEN-1,Pressure sensor,ea,,serial\nVALVE-1,Ball valve,ea,,\n'
  );
});
test.afterAll(async () => {
  await server?.stop();
});

test('keeps lot, serial and expiry with the scan and warns when an expired lot is consumed', async ({ page }) => {
  await setUpStation(page, server.url);
  await expect(page.getByTestId('stock-as-of')).toContainText('Stock as of');
  await page.getByTestId('mode-consume').click();
  await recordManually(page, '(01)04006381333931(17)250131(10)L7(21)SN1');
  await expect(page.getByTestId('scan-panel')).toHaveAttribute('data-kind', 'warn');
  await expect(page.getByTestId('scan-message')).toHaveText(
    'CONSUME P-1003 × 1 — recorded, but lot L7 expired on 2025-01-31'
  );
  await recordManually(page, '(01)04006381333931(17)301231(10)L8');
  await expect(page.getByTestId('scan-panel')).toHaveAttribute('data-kind', 'ok');

  const events = (await readTablet(page)).rows.map((r) => r.event as unknown as Record<string, unknown>);
  expect(events.map((e) => [e.lot, e.serial ?? null, e.expiry])).toEqual([
    ['L7', 'SN1', '2025-01-31'],
    ['L8', null, '2030-12-31']
  ]);
  await expect(page.getByTestId('pending-count')).toHaveText('0');
  const res = await fetch(`${server.url}/api/events?item_id=P-1003&order=captured`);
  // The server keeps all three with each scan, newest capture first.
  const rows = ((await res.json()) as { rows: { lot: string; serial: string | null; expiry: string | null }[] }).rows;
  expect(rows.map((r) => [r.lot, r.serial, r.expiry])).toEqual([
    ['L8', null, '2030-12-31'],
    ['L7', 'SN1', '2025-01-31']
  ]);
});

/** Buttons and fields of the question narrower or shorter than a finger (44 px). */
const smallTargets = (page: Page) =>
  page.getByTestId('track-ask').evaluate((form) =>
    [...form.querySelectorAll('button, input')]
      .map((e) => ({ e, r: e.getBoundingClientRect() }))
      .filter(({ r }) => r.height < 44 || r.width < 44)
      .map(({ e, r }) => `${e.tagName} ${Math.round(r.width)}×${Math.round(r.height)}`)
  );

test('asks for the lot or serial of a tracked part scanned without one, offline, and sends it with the scan', async ({
  page,
  context
}) => {
  await setUpStationOffline(page, context, server.url);
  await page.getByTestId('mode-intake').click();
  const panel = page.getByTestId('scan-panel');
  const message = page.getByTestId('scan-message');

  // A lot-tracked part by its GTIN, the code without (10): asked, nothing recorded yet.
  await wedgeOnly(page, '(01)00012345678905(17)301231');
  await expect(panel).toHaveAttribute('data-kind', 'ask');
  await expect(message).toHaveText('RES-10 is lot-tracked: scan or type its lot.');
  await expect(page.getByTestId('scan-detail')).toHaveText('Resin (kg) — not recorded until it has a lot.');
  expect(await smallTargets(page)).toEqual([]);
  expect((await readTablet(page)).rows).toHaveLength(0);
  // The lot label scanned next is the answer.
  await wedgeOnly(page, 'R-2026-11');
  await expect(panel).toHaveAttribute('data-kind', 'ok');
  await expect(message).toHaveText('INTAKE RES-10 × 1');
  await expect(page.getByTestId('track-ask')).toHaveCount(0);

  // A serial-tracked part: a location label is no answer (refused, still asked); the typed serial is.
  await wedgeOnly(page, 'SEN-1');
  await expect(message).toHaveText('SEN-1 is serial-tracked: scan or type its serial.');
  await wedgeOnly(page, 'LOC=LINE-2');
  await expect(panel).toHaveAttribute('data-kind', 'error');
  await expect(message).toHaveText('That is a location label, not a serial: scan or type the serial.');
  await expect(page.getByTestId('station-location')).toContainText('LINE-1');
  await page.getByTestId('track-value').fill('SN-0042');
  await page.getByTestId('track-submit').click();
  await expect(message).toHaveText('INTAKE SEN-1 × 1');

  // Asked and declined: nothing recorded. A code that carries the lot is not asked about; an untracked part neither.
  await wedgeOnly(page, 'RES-10');
  await expect(panel).toHaveAttribute('data-kind', 'ask');
  await page.getByTestId('track-cancel').click();
  await expect(message).toHaveText('Not recorded: RES-10 (no lot).');
  await wedgeOnly(page, '(01)00012345678905(10)R-9');
  await expect(message).toHaveText('INTAKE RES-10 × 1');
  await wedgeOnly(page, 'P-1003');
  await expect(message).toHaveText('INTAKE P-1003 × 1');

  const events = (await readTablet(page)).rows.map((r) => r.event as unknown as Record<string, unknown>);
  expect(events.map((e) => [e.item_id, e.lot ?? null, e.serial ?? null, e.expiry ?? null])).toEqual([
    ['RES-10', 'R-2026-11', null, '2030-12-31'],
    ['SEN-1', null, 'SN-0042', null],
    ['RES-10', 'R-9', null, null],
    ['P-1003', null, null, null]
  ]);
  await context.setOffline(false);
  await expect(page.getByTestId('pending-count')).toHaveText('0');
  const res = await fetch(`${server.url}/api/items/RES-10/lots`);
  expect(res.status).toBe(200);
  const lots = (await res.json()) as { rows: { lot: string | null; on_hand: number }[] };
  expect(lots.rows.map((r) => [r.lot, Number(r.on_hand)]).sort()).toEqual([
    ['R-2026-11', 1],
    ['R-9', 1]
  ]);

  // The item page shows that the part is lot-tracked and its stock per lot.
  await page.goto(`${server.url}/items/RES-10`);
  await expect(page.getByTestId('item-tracking')).toHaveText('By lot');
  const rows = page.getByTestId('item-lots').locator('tbody tr');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toHaveText(/R-2026-11\s*LINE-1\s*1\s*2030-12-31/);
  await expect(rows.nth(1)).toHaveText(/R-9\s*LINE-1\s*1\s*—/);
  expect(await seriousViolations(page)).toEqual([]);
});

test('refuses a serial-tracked part scanned as more than one piece; a serialised case of another is recorded', async ({
  page
}) => {
  await setUpStation(page, server.url);
  await expect(page.getByTestId('stock-as-of')).toContainText('Stock as of');
  await page.getByTestId('mode-intake').click();
  const panel = page.getByTestId('scan-panel');
  const message = page.getByTestId('scan-message');

  // A quantity typed for the next scan, then a serial-tracked part: refused with the error sound, the quantity cleared.
  await page.getByTestId('next-qty').fill('3');
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await wedgeOnly(page, 'SEN-1');
  await expect(panel).toHaveAttribute('data-kind', 'error');
  await expect(message).toHaveText(
    'SEN-1 × 3 refused: it is serial-tracked, and a serial is one piece. Nothing recorded — scan each piece on its own.'
  );
  await expect(page.getByTestId('scan-detail')).toHaveText('The quantity you typed is cleared: back to 1.');
  await expect(page.getByTestId('next-qty')).toHaveValue('');
  await expect(page.getByTestId('track-ask')).toHaveCount(0);

  // Its code's own quantity: refused too.
  await wedgeOnly(page, 'ITEM=SEN-1;QTY=2');
  await expect(panel).toHaveAttribute('data-kind', 'error');
  await expect(message).toHaveText(/^SEN-1 × 2 refused: it is serial-tracked/);
  expect((await readTablet(page)).rows).toHaveLength(0);
  // GS1 allows a serial with a count, (21) with (30): a serialised case of an untracked part is recorded as it says.
  await wedgeOnly(page, '(01)04006381333931(21)SN-7(30)2');
  await expect(message).toHaveText('INTAKE P-1003 × 2');

  // One piece is asked for its serial and recorded as usual.
  await wedgeOnly(page, 'SEN-1');
  await expect(panel).toHaveAttribute('data-kind', 'ask');
  await wedgeOnly(page, 'SN-0100');
  await expect(message).toHaveText('INTAKE SEN-1 × 1');
  const events = (await readTablet(page)).rows.map((r) => r.event as unknown as Record<string, unknown>);
  expect(events.map((e) => [e.item_id, e.qty, e.serial])).toEqual([
    ['P-1003', 2, 'SN-7'],
    ['SEN-1', 1, 'SN-0100']
  ]);
});

test('the item grid sets tracking; the station asks for the serial from its next snapshot', async ({ page }) => {
  await page.goto(`${server.url}/items`);
  await page.getByRole('searchbox').fill('VALVE-1');
  await page.getByRole('button', { name: 'Search' }).click();
  // The search's answer, not the first page's: an edit made before it lands would be replaced by it.
  await expect(page.getByTestId('item-row')).toHaveCount(1);
  const row = page.locator('[data-testid=item-row][data-item="VALVE-1"]');
  const tracking = row.locator('[data-field=tracking]');
  await expect(tracking).toHaveValue('none');
  await tracking.selectOption({ label: 'By serial' });
  await expect(row.locator('td.dirty')).toHaveCount(1);
  await page.getByTestId('save-items').click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved 1 item.' })).toBeVisible();
  await expect(tracking).toHaveValue('serial');
  expect(await seriousViolations(page)).toEqual([]);
  await page.goto(`${server.url}/items/VALVE-1`);
  await expect(page.getByTestId('item-tracking')).toHaveText('By serial');

  await setUpStation(page, server.url);
  await expect(page.getByTestId('stock-as-of')).toContainText('Stock as of');
  await wedgeOnly(page, 'VALVE-1');
  await expect(page.getByTestId('scan-panel')).toHaveAttribute('data-kind', 'ask');
  await expect(page.getByTestId('scan-message')).toHaveText('VALVE-1 is serial-tracked: scan or type its serial.');
});

test('consuming a lot past the date an earlier scan gave warns, offline, though its code carries no date', async ({
  page,
  context
}) => {
  await setUpStation(page, server.url);
  await waitForServiceWorker(page);
  await expect(page.getByTestId('stock-as-of')).toContainText('Stock as of');
  await page.getByTestId('mode-intake').click();
  // Taken in with its dates: an old lot and a good one. Synced, so the next snapshot knows both dates.
  await wedgeOnly(page, '(01)00012345678905(17)250630(10)R-OLD');
  await expect(page.getByTestId('scan-message')).toHaveText('INTAKE RES-10 × 1');
  await wedgeOnly(page, '(01)00012345678905(17)391231(10)R-GOOD');
  await expect(page.getByTestId('pending-count')).toHaveText('0');
  await page.getByTestId('sync-now').click();
  await expect
    .poll(() =>
      page.evaluate(
        () =>
          new Promise<number>((resolve) => {
            const open = indexedDB.open('linesync');
            open.onsuccess = () => {
              const get = open.result.transaction('snapshot').objectStore('snapshot').get('this');
              get.onsuccess = () => (open.result.close(), resolve(get.result?.lots?.length ?? 0));
            };
          })
      )
    )
    .toBeGreaterThanOrEqual(2);

  await context.setOffline(true);
  await page.getByTestId('mode-consume').click();
  const panel = page.getByTestId('scan-panel');
  const message = page.getByTestId('scan-message');
  // The lot typed at the question, and the lot on a code without (17): both warned, both recorded.
  await wedgeOnly(page, 'RES-10');
  await expect(panel).toHaveAttribute('data-kind', 'ask');
  await wedgeOnly(page, 'R-OLD');
  await expect(panel).toHaveAttribute('data-kind', 'warn');
  await expect(message).toHaveText('CONSUME RES-10 × 1 — recorded, but lot R-OLD expired on 2025-06-30');
  await wedgeOnly(page, '(01)00012345678905(10)R-OLD');
  await expect(message).toHaveText('CONSUME RES-10 × 1 — recorded, but lot R-OLD expired on 2025-06-30');
  // A good lot is confirmed as usual.
  await wedgeOnly(page, '(01)00012345678905(10)R-GOOD');
  await expect(panel).toHaveAttribute('data-kind', 'ok');
  await expect(message).toHaveText('CONSUME RES-10 × 1');
  const consumed = (await readTablet(page)).rows.filter((r) => r.event.event_type === 'CONSUME');
  expect(consumed.map((r) => (r.event as unknown as { lot: string }).lot)).toEqual(['R-OLD', 'R-OLD', 'R-GOOD']);
});
