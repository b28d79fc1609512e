// A photographed packing slip, read with no model configured: Chromium's fake camera shows a photo of a printed slip
// (turned, lit unevenly, blurred, as tests/fixtures/slip-corpus.ts makes them); the shutter on the receiving page
// keeps it on the tablet while offline, it uploads when the network is back, the server reads it by local OCR, and
// the worker reviews its lines and receives them.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import jpeg from 'jpeg-js';
import { fakeCamera } from '../../playwright.config';
import { photoOf } from '../fixtures/slip-corpus';
import { slipFixtures } from '../fixtures/slips';
import { y4mVideo } from '../fixtures/y4m';
import { startServer, type TestServer } from './server';
import { waitForServiceWorker } from './station';

// Written before the browser starts (it is launched for the first test, after beforeAll).
const video = join(mkdtempSync(join(tmpdir(), 'slip-camera-')), 'slip.y4m');

test.use(fakeCamera(video));

let server: TestServer;
test.beforeAll(async () => {
  const classic = (await slipFixtures()).find((f) => f.name === 'classic')!;
  const photo = jpeg.decode(await photoOf(classic.bytes, 1, 3), { useTArray: true, maxMemoryUsageInMB: 128 });
  // 4:2:0 video needs even sizes: the photo loses its last row or column when it has an odd one.
  const width = photo.width & ~1;
  const height = photo.height & ~1;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++)
    data.set(photo.data.subarray(y * photo.width * 4, (y * photo.width + width) * 4), y * width * 4);
  writeFileSync(video, y4mVideo([{ width, height, data: new Uint8ClampedArray(data.buffer) }], { framesPerImage: 1 }));
  delete process.env.SLIP_MODEL_ENDPOINT; // no model: local OCR reads the photo
  server = await startServer();
  // The plant's items exist before the slip arrives: a tablet's scans bring them in.
  const events = ['P-1001', 'P-1002', 'P-1003'].map((item_id, i) => ({
    event_id: crypto.randomUUID(),
    device_seq: i + 1,
    event_type: 'INTAKE',
    item_id,
    qty: 5,
    location_id: 'LINE-1',
    source: 'manual',
    captured_at: new Date().toISOString()
  }));
  const res = await fetch(`${server.url}/api/sync/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ device_id: 'e2e-setup', events })
  });
  expect(res.status).toBe(200);
});
test.afterAll(async () => {
  await server?.stop();
});

test('a slip photographed offline is read by local OCR when online, reviewed and received', async ({
  page,
  context
}) => {
  await page.goto(`${server.url}/receive`);
  await waitForServiceWorker(page);
  await context.setOffline(true);
  await expect(page.getByTestId('receive-connection')).toHaveText('Offline');

  await page.getByTestId('slip-live-camera').click();
  const camera = page.getByTestId('slip-camera');
  await expect.poll(() => camera.evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(1000);
  await page.getByTestId('slip-shutter').click();
  await expect(page.getByTestId('receive-message')).toHaveText('Slip kept on this tablet (1 file).');
  const slip = page.getByTestId('local-slip');
  await expect(slip.getByTestId('slip-status')).toHaveText('Waiting to upload');

  await context.setOffline(false);
  await expect(slip.getByTestId('slip-status')).toHaveText('Ready to review', { timeout: 60_000 });
  const slipId = await slip.getAttribute('data-slip-id');
  await slip.getByTestId('slip-review').click();
  await expect(page).toHaveURL(new RegExp(`/receive/${slipId}$`));
  await expect(page.getByTestId('read-by')).toHaveAttribute('data-parser', 'ocr');

  // The photo's lines, as printed: part and quantity of each, for the worker to check against the items.
  const lines = page.getByTestId('slip-line');
  await expect(lines).toHaveCount(3);
  const read = await lines.evaluateAll((rows) =>
    rows.map((r) => [
      r.querySelector('td')?.textContent?.trim(),
      (r.querySelector('input[data-testid="line-qty"]') as HTMLInputElement).value
    ])
  );
  expect(read.map(([, qty]) => qty)).toEqual(['200', '400', '12']);
  expect(read.map(([part]) => part)).toEqual([
    expect.stringContaining('AF-100'),
    expect.stringContaining('AF-220'),
    expect.stringContaining('AF-310')
  ]);

  for (const [i, item] of ['P-1001', 'P-1002', 'P-1003'].entries())
    await lines.nth(i).getByTestId('line-item').fill(item);
  await page.getByTestId('receive-location').fill('LINE-1');
  await page.getByTestId('receive-button').click();
  await expect(page.getByTestId('review-message')).toHaveText('Received 3 lines (612 units) into LINE-1.');
  const events = await server.events(`slip:${slipId}`);
  expect(events.map((e) => [e.item_id, e.qty]).sort()).toEqual([
    ['P-1001', 200],
    ['P-1002', 400],
    ['P-1003', 12]
  ]);
});
