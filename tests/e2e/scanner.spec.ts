// The scanner modules in Debian's Chromium, on their own page (served by Vite from the sources): the camera reads a
// fake camera (a .y4m made from bwip-js labels, tests/fixtures/y4m.ts) through decoder.worker.ts, since Linux
// Chromium has no BarcodeDetector; the keyboard wedge gets real key events. The station page's own flows are in
// the other specs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, expect, test, type Browser, type Page } from '@playwright/test';
import { createServer, type ViteDevServer } from 'vite';
import { CHROMIUM_ARGS } from '../../playwright.config';
import { gtinLookup, parseBarcode } from '#domain/barcode';
import {
  BARCODES,
  cameraFrame,
  FIXTURE_ITEMS,
  FIXTURE_TODAY,
  renderBarcode,
  VARIANTS,
  type Rgba
} from '../fixtures/barcodes';
import { writeY4m } from '../fixtures/y4m';

const ROOT = resolve(import.meta.dirname, '../..');
const HARNESS = `<!doctype html><html><head><link rel="icon" href="data:,"></head><body>
<input id="field" type="text" aria-label="field"><input id="qty" type="number" aria-label="qty" value="5"><video id="video" width="320" height="240"></video>
<script type="module">
  import { createCamera } from '/src/lib/client/camera.ts';
  import { listenForWedge } from '/src/lib/client/wedge.ts';
  const w = window;
  w.scans = []; w.errors = []; w.wedgeScans = [];
  w.camera = createCamera({
    video: document.getElementById('video'),
    onScan: (s) => w.scans.push({ ...s, at: performance.now() }),
    onError: (m) => w.errors.push(m)
  });
  listenForWedge({ onScan: (code) => w.wedgeScans.push(code) });
  w.ready = true;
</script></body></html>`;

interface Harness {
  scans: { text: string; format: string; via: string; at: number }[];
  errors: string[];
  wedgeScans: string[];
  camera: {
    start(): Promise<void>;
    stop(): void;
    again(): void;
    running: boolean;
    torchAvailable: boolean;
    setTorch(on: boolean): Promise<boolean>;
    listCameras(): Promise<MediaDeviceInfo[]>;
    chooseCamera(id: string): Promise<void>;
  };
}

let vite: ViteDevServer;
let dir: string;
const spec = (name: string) => BARCODES.find((b) => b.name === name)!;
const paper = (width: number, height: number): Rgba => ({
  data: new Uint8ClampedArray(width * height * 4).fill(235),
  width,
  height
});

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'linesync-scanner-'));
  vite = await createServer({
    configFile: false,
    root: ROOT,
    logLevel: 'silent',
    server: { port: 0, host: '127.0.0.1', hmr: false, watch: null },
    // Bundled before the page asks, so Vite never reloads the page halfway through a test.
    optimizeDeps: { entries: [], include: ['@zxing/library'] },
    plugins: [
      {
        name: 'scanner-harness',
        configureServer(server) {
          server.middlewares.use('/scanner.html', async (_req, res) => {
            res.setHeader('content-type', 'text/html');
            res.end(await server.transformIndexHtml('/scanner.html', HARNESS));
          });
        }
      }
    ]
  });
  await vite.listen();
});

test.afterAll(async () => {
  await vite?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function withCamera(video: string, run: (page: Page, consoleErrors: string[]) => Promise<void>) {
  const browser: Browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      ...CHROMIUM_ARGS,
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`
    ]
  });
  try {
    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(new URL('/scanner.html', vite.resolvedUrls!.local[0]).href);
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true, null, {
      timeout: 60_000
    });
    await run(page, consoleErrors);
  } finally {
    await browser.close();
  }
}

test('the camera reads the fake camera through the ZXing worker, each code once while it stays in view', async () => {
  test.setTimeout(120_000);
  const seed = spec('seed-code128');
  const gs1 = spec('gs1-datamatrix');
  const clean = VARIANTS[0];
  // 5 s of each label, then 1 s of paper; Chromium loops the file.
  const video = writeY4m(
    join(dir, 'labels.y4m'),
    [
      cameraFrame(await renderBarcode(seed), clean, 1),
      cameraFrame(await renderBarcode(gs1), clean, 2),
      paper(640, 480)
    ],
    { fps: 5, framesPerImage: 25 }
  );
  await withCamera(video, async (page, consoleErrors) => {
    await page.evaluate(() => (window as unknown as Harness).camera.start());
    expect(await page.evaluate(() => (window as unknown as Harness).camera.running)).toBe(true);
    expect(await page.evaluate(() => 'BarcodeDetector' in window)).toBe(false);

    await page.waitForFunction(
      () => (window as unknown as Harness).scans.some((s) => s.format === 'data_matrix'),
      null,
      { timeout: 60_000 }
    );
    // Straight away, while the DataMatrix is still in view: again() counts it once more.
    await page.evaluate(() => (window as unknown as Harness).camera.again());
    await page.waitForFunction(
      () => (window as unknown as Harness).scans.filter((s) => s.format === 'data_matrix').length >= 2,
      null,
      { timeout: 4_000 }
    );
    await page.waitForFunction(() => (window as unknown as Harness).scans.some((s) => s.format === 'code_128'), null, {
      timeout: 30_000
    });
    await page.waitForTimeout(2_000);
    const { scans, errors } = await page.evaluate(() => ({
      scans: (window as unknown as Harness).scans,
      errors: (window as unknown as Harness).errors
    }));

    expect(errors).toEqual([]);
    expect(scans.every((s) => s.via === 'zxing')).toBe(true);
    const lookup = gtinLookup(FIXTURE_ITEMS);
    for (const s of scans) {
      const label = s.format === 'code_128' ? seed : gs1;
      expect(parseBarcode(s.text, { gtinToItem: lookup, today: FIXTURE_TODAY })).toEqual({ ok: true, ...label.expect });
    }
    // Held in view for 5 s at several decodes a second, a code still counts once; only again() made the second
    // DataMatrix scan, within the same 5 s.
    const dm = scans.filter((s) => s.format === 'data_matrix');
    expect(dm[1].at - dm[0].at).toBeLessThan(5_000);
    for (const text of new Set(scans.map((s) => s.text))) {
      const times = scans.filter((s) => s.text === text).map((s) => s.at);
      const gaps = times.slice(1).map((t, i) => t - times[i]);
      const forced = text === dm[0].text ? 1 : 0;
      expect(gaps.filter((g) => g < 4_000).length).toBeLessThanOrEqual(forced);
    }

    // The fake camera has no torch: the control says so instead of pretending.
    expect(await page.evaluate(() => (window as unknown as Harness).camera.torchAvailable)).toBe(false);
    expect(await page.evaluate(() => (window as unknown as Harness).camera.setTorch(true))).toBe(false);

    // Hidden page: the camera stops; shown again: it starts again.
    const setVisibility = (state: string) =>
      page.evaluate((s) => {
        Object.defineProperty(document, 'visibilityState', { value: s, configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
      }, state);
    await setVisibility('hidden');
    expect(await page.evaluate(() => (window as unknown as Harness).camera.running)).toBe(false);
    expect(await page.evaluate(() => (document.getElementById('video') as HTMLVideoElement).srcObject)).toBeNull();
    await setVisibility('visible');
    await page.waitForFunction(() => (window as unknown as Harness).camera.running, null, { timeout: 10_000 });

    // The chosen camera is remembered and used on the next start.
    const deviceId = await page.evaluate(
      async () => (await (window as unknown as Harness).camera.listCameras())[0].deviceId
    );
    await page.evaluate((id) => (window as unknown as Harness).camera.chooseCamera(id), deviceId);
    expect(await page.evaluate(() => localStorage.getItem('linesync.camera'))).toBe(deviceId);
    await page.evaluate(async () => {
      (window as unknown as Harness).camera.stop();
      await (window as unknown as Harness).camera.start();
    });
    const used = await page.evaluate(
      () =>
        ((document.getElementById('video') as HTMLVideoElement).srcObject as MediaStream)
          .getVideoTracks()[0]
          .getSettings().deviceId
    );
    expect(used).toBe(deviceId);

    // @zxing/library's failed attempts never reach the console.
    expect(consoleErrors).toEqual([]);
  });
});

test('a dense GS1-128 too fine for a 640×480 frame is read from the centre crop of a 1280×720 camera', async () => {
  test.setTimeout(90_000);
  const label = spec('gs1-128-lot-expiry');
  const frame = cameraFrame(await renderBarcode(label), { ...VARIANTS[0], fill: 0.42 }, 3, {
    width: 1280,
    height: 720
  });
  const video = writeY4m(join(dir, 'dense.y4m'), [frame], { fps: 5, framesPerImage: 5 });
  await withCamera(video, async (page) => {
    await page.evaluate(() => (window as unknown as Harness).camera.start());
    await page.waitForFunction(() => (window as unknown as Harness).scans.length > 0, null, { timeout: 60_000 });
    const [scan] = await page.evaluate(() => (window as unknown as Harness).scans);
    expect(parseBarcode(scan.text, { gtinToItem: gtinLookup(FIXTURE_ITEMS), today: FIXTURE_TODAY })).toEqual({
      ok: true,
      ...label.expect
    });
  });
});

test('keyboard wedge: a fast burst ending in Enter is a scan wherever focus is; a person typing is text', async () => {
  const video = writeY4m(join(dir, 'paper.y4m'), [paper(640, 480)], { framesPerImage: 1 });
  await withCamera(video, async (page) => {
    const field = page.getByLabel('field');
    await field.focus();
    await page.keyboard.type('ITEM=P-1001;QTY=5', { delay: 5 });
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.evaluate(() => (window as unknown as Harness).wedgeScans))
      .toEqual(['ITEM=P-1001;QTY=5']);
    await expect(field).toHaveValue('');

    await page.keyboard.type('note', { delay: 160 });
    await page.keyboard.press('Enter');
    await expect(field).toHaveValue('note');

    await field.blur();
    await page.keyboard.type('P-1002', { delay: 2 });
    await page.keyboard.press('Tab');
    await expect
      .poll(() => page.evaluate(() => (window as unknown as Harness).wedgeScans))
      .toEqual(['ITEM=P-1001;QTY=5', 'P-1002']);

    // A quantity field keeps its value when an EAN-13 is scanned while it has focus.
    const qty = page.getByLabel('qty');
    await qty.focus();
    await page.keyboard.type(FIXTURE_ITEMS[0].gtin, { delay: 3 });
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => (window as unknown as Harness).wedgeScans.length)).toBe(3);
    expect(await page.evaluate(() => (window as unknown as Harness).wedgeScans[2])).toBe(FIXTURE_ITEMS[0].gtin);
    await expect(qty).toHaveValue('5');
  });
});
