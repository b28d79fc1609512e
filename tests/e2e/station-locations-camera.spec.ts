// The location rule through the camera, as a worker without a wedge scanner meets it: with "require a location scan
// before each part" on, a part the camera reads with no location label read before it is refused, a location label
// read by the camera switches the station's location, and the part read next is recorded there. The fake camera
// plays a .y4m of rendered labels (tests/fixtures/y4m.ts) on a loop: part, blank, location, blank, part, blank.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { fakeCamera } from '../../playwright.config';
import { cameraFrame, FRAME, renderBarcode, VARIANTS, type Rgba } from '../fixtures/barcodes';
import { writeY4m } from '../fixtures/y4m';
import { readTablet, setUpStationOffline } from './station';
import { startServer, type TestServer } from './server';
import { importItems } from './supervisor';

const dir = mkdtempSync(join(tmpdir(), 'linesync-location-camera-'));
const video = join(dir, 'camera.y4m');

test.use(fakeCamera(video));

let server: TestServer;
test.beforeAll(async () => {
  const frame = async (data: string) => cameraFrame(await renderBarcode({ bcid: 'code128', data }), VARIANTS[0]);
  const blank: Rgba = {
    data: new Uint8ClampedArray(FRAME.width * FRAME.height * 4).fill(235),
    width: FRAME.width,
    height: FRAME.height
  };
  const part = await frame('P-1003');
  // 1 s per image. Two blank seconds between labels: longer than the camera's 1.5 s "same code" window, so the
  // part is read afresh each time it comes round, as when a worker shows the next part's label.
  writeY4m(video, [part, blank, blank, await frame('LOC=LINE-2'), blank, blank, part, blank, blank]);
  server = await startServer();
  await importItems(server.url, 'item_id,description,unit\nP-1003,Hex nut M8,ea\n');
});
test.afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('by camera: a part before a location label is refused, the label switches, the part after it counts', async ({
  page,
  context
}) => {
  await setUpStationOffline(page, context, server.url);
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByTestId('require-location').check();
  await page.getByRole('link', { name: '← Back to scanning' }).click();
  const where = page.getByTestId('station-location');
  await expect(where).toContainText('scan a location label first');

  await page.getByTestId('mode-consume').click();
  await page.getByTestId('camera-start').click();
  // Wherever in its loop the video starts, a part without a location before it comes round within one loop.
  await expect(page.getByTestId('scan-message')).toContainText('Scan the location label first', { timeout: 30_000 });
  await expect(page.getByTestId('scan-message')).toHaveText('CONSUME P-1003 × 1', { timeout: 30_000 });
  await expect(where.locator('strong')).toHaveText('LINE-2');
  await page.getByTestId('camera-stop').click();

  // Only parts read after a location label were recorded, each at that location, from the camera.
  const events = (await readTablet(page)).rows.map((r) => r.event as unknown as Record<string, unknown>);
  expect(events.length).toBeGreaterThan(0);
  for (const e of events) expect([e.item_id, e.location_id, e.source]).toEqual(['P-1003', 'LINE-2', 'camera']);
});
