// The live-camera shutter on the receiving page, with Chromium's fake camera: the frame becomes a slip, kept on the
// tablet and uploaded as a JPEG.
import { expect, test } from '@playwright/test';
import { CHROMIUM_ARGS } from '../../playwright.config';
import { startServer, type TestServer } from './server';

test.use({
  permissions: ['camera'],
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']
  }
});

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer();
});
test.afterAll(async () => {
  await server?.stop();
});

test('the shutter takes the camera frame as a slip and uploads it', async ({ page }) => {
  await page.goto(`${server.url}/receive`);
  await page.getByTestId('slip-live-camera').click();
  const video = page.getByTestId('slip-camera');
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0);
  await page.getByTestId('slip-shutter').click();
  await expect(page.getByTestId('receive-message')).toHaveText('Slip kept on this tablet (1 file).');
  const slip = page.getByTestId('local-slip');
  await expect(slip.getByTestId('slip-status')).toHaveText('Ready to review');
  const file = await fetch(`${server.url}/api/packing-slips/${await slip.getAttribute('data-slip-id')}/files/1`);
  expect(file.headers.get('content-type')).toBe('image/jpeg');
  const detail = await (
    await fetch(`${server.url}/api/packing-slips/${await slip.getAttribute('data-slip-id')}`)
  ).json();
  expect(detail).toMatchObject({ status: 'parsed', parser: 'manual', line_count: 0 });
});
