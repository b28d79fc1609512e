// The promise of the station: scans made with no network, by scanner (wedge), camera and hand, are kept through a
// reload and reach the server exactly once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { fakeCamera } from '../../playwright.config';
import { BARCODES } from '../fixtures/barcodes';
import { barcodeVideo } from '../fixtures/y4m';
import { readTablet, recordManually, scanByWedge, setUpStationOffline } from './station';
import { startServer, type TestServer } from './server';

const dir = mkdtempSync(join(tmpdir(), 'linesync-camera-'));
const video = join(dir, 'camera.y4m');
const label = BARCODES.find((b) => b.name === 'seed-code128')!; // ITEM=P-1001;QTY=5

test.use(fakeCamera(video));

let server: TestServer;
test.beforeAll(async () => {
  await barcodeVideo(video, [label]);
  server = await startServer();
});
test.afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const pending = (page: Page) => page.getByTestId('pending-count');

test('50 scans offline by wedge, camera and hand survive a reload and reach the server exactly once', async ({
  page,
  context
}) => {
  await setUpStationOffline(page, context, server.url);
  await expect(page.getByTestId('connection')).toContainText('Offline');
  await page.getByTestId('mode-intake').click();

  let expected = 0;
  for (let i = 1; i <= 20; i++) {
    await scanByWedge(page, `ITEM=WEDGE-${i % 4};QTY=${i}`);
    await expect(pending(page)).toHaveText(String(++expected));
  }
  // Focus in the manual field: a wedge burst there is still a scan, and leaves the field empty.
  // Real keystrokes here, not a synthetic burst: what matters is that none of them stays in the field.
  await page.getByTestId('manual-code').focus();
  await page.keyboard.type('ITEM=WEDGE-IN-FIELD;QTY=7', { delay: 0 });
  await page.keyboard.press('Enter');
  const unknown = page.getByTestId('unknown-confirm');
  await expect(page.getByTestId('scan-message')).toContainText('WEDGE-IN-FIELD');
  if (await unknown.count()) await unknown.click();
  await expect(pending(page)).toHaveText(String(++expected));
  await expect(page.getByTestId('manual-code')).toHaveValue('');

  for (let i = 1; i <= 24; i++) {
    await recordManually(page, `ITEM=HAND-${i % 3};QTY=${i}`);
    await expect(pending(page)).toHaveText(String(++expected));
  }

  // The camera sees one label (the fake capture device plays the .y4m): counted once while in view, and once more
  // each time the worker taps "Again".
  await page.getByTestId('mode-consume').click();
  await page.getByTestId('camera-start').click();
  await expect(pending(page)).toHaveText(String(++expected), { timeout: 30_000 });
  await expect(page.getByTestId('scan-message')).toHaveText('CONSUME P-1001 × 5');
  for (let i = 0; i < 4; i++) {
    await page.getByTestId('camera-again').click();
    await expect(pending(page)).toHaveText(String(++expected), { timeout: 30_000 });
  }
  await page.getByTestId('camera-stop').click();
  expect(expected).toBe(50);

  // Offline stock: the last snapshot with this tablet's pending scans on top (WEDGE-1 came in 1+5+9+13+17).
  const wedge1 = page.locator('[data-testid=stock-table] tr[data-item="WEDGE-1"] [data-testid=on-hand]');
  await expect(wedge1).toHaveText('45 ea');

  await page.reload();
  await expect(page.getByTestId('mode-banner')).toContainText('CONSUME');
  await expect(wedge1).toHaveText('45 ea');
  await expect(pending(page)).toHaveText('50');
  await expect(page.getByTestId('connection')).toContainText('Offline');
  const offline = await readTablet(page);
  expect(offline.rows.filter((r) => r.state === 'pending')).toHaveLength(50);
  expect(offline.rows.map((r) => r.device_seq).sort((a, b) => a - b)).toEqual(
    Array.from({ length: 50 }, (_, i) => i + 1)
  );
  const bySource = (s: string) => offline.rows.filter((r) => r.event.source === s).length;
  expect([bySource('wedge'), bySource('manual'), bySource('camera')]).toEqual([21, 24, 5]);
  expect(
    offline.rows
      .filter((r) => r.event.source === 'camera')
      .every((r) => r.event.item_id === 'P-1001' && r.event.qty === 5)
  ).toBe(true);

  await context.setOffline(false);
  await expect(pending(page)).toHaveText('0', { timeout: 30_000 });
  const stored = await server.events(offline.device_id);
  expect(stored).toHaveLength(50);
  expect(new Set(stored.map((e) => e.event_id))).toEqual(new Set(offline.rows.map((r) => r.event_id)));
  expect(stored.map((e) => e.device_seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  expect(stored.filter((e) => e.source === 'camera')).toHaveLength(5);
});
