// End-to-end tests: the built app served by the real server (server/main.ts) on a fresh database, driven in
// Debian's Chromium. Each spec starts its own server (tests/e2e/server.ts), so it can stop and restart it.
import { defineConfig } from '@playwright/test';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run'
];

/** For test.use(): a browser whose camera plays `video` (.y4m or .mjpeg) to getUserMedia, the permission granted. */
export function fakeCamera(video: string) {
  return {
    permissions: ['camera'],
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        ...CHROMIUM_ARGS,
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
        `--use-file-for-fake-video-capture=${video}`
      ]
    }
  };
}

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  fullyParallel: false,
  workers: 1, // two cores, shared: one browser and one server at a time
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? 'line' : 'list',
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS },
    viewport: { width: 1024, height: 768 },
    serviceWorkers: 'allow',
    trace: 'retain-on-failure'
  }
});
