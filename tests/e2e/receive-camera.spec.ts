// A carton label on the packing-slip review read by the tablet's camera (the station's camera panel) instead of a
// wedge scanner: the MH10.8.2 DataMatrix, GS and RS as the symbol carries them, fills the slip's line for that
// supplier part. The fake camera plays a .y4m of the rendered label (tests/fixtures/y4m.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { PNG } from 'pngjs';
import { fakeCamera } from '../../playwright.config';
import { cameraFrame, renderBarcode, VARIANTS } from '../fixtures/barcodes';
import { writeY4m } from '../fixtures/y4m';
import { addSupplierPart, pushScans, sendJson, seriousViolations } from './supervisor';
import { startServer, type TestServer } from './server';

const dir = mkdtempSync(join(tmpdir(), 'linesync-receive-camera-'));
const video = join(dir, 'camera.y4m');

test.use(fakeCamera(video));

let server: TestServer;
const send = (method: string, path: string, body?: unknown) => sendJson(server.url, method, path, body);

test.beforeAll(async () => {
  const label = '[)>\x1e06\x1d1PAF-200\x1dQ120\x1d1TLOT-A7\x1e\x04';
  writeY4m(video, [cameraFrame(await renderBarcode({ bcid: 'datamatrix', data: label, scale: 6 }), VARIANTS[0])]);
  server = await startServer();
  await pushScans(server.url, [{ item_id: 'P-200', qty: 1 }], 'e2e-camera-setup');
  await addSupplierPart(
    server.url,
    { supplier_id: 'ACME', name: 'Acme Fasteners', lead_time_days: 3 },
    { supplier_part: 'AF-200', item_id: 'P-200' }
  );
});
test.afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("the review page's camera reads a carton label into the slip's line", async ({ page }) => {
  const photo = new PNG({ width: 8, height: 8 });
  photo.data.fill(255);
  const slipId = crypto.randomUUID();
  const form = new FormData();
  form.set('slip_id', slipId);
  form.set('device_id', 'e2e-dock');
  form.append('files', new Blob([new Uint8Array(PNG.sync.write(photo))], { type: 'image/png' }), 'slip.png');
  const res = await fetch(`${server.url}/api/packing-slips`, {
    method: 'POST',
    headers: { 'x-linesync-client': '1' },
    body: form
  });
  expect(res.status).toBe(201);
  await send('PUT', `/api/packing-slips/${slipId}/lines`, {
    supplier: 'Acme Fasteners',
    lines: [{ supplier_part: 'AF-200', description: 'Hex bolt', qty: 300, confidence: 0.5 }]
  });

  await page.goto(`${server.url}/receive/${slipId}`);
  const line = page.getByTestId('slip-line');
  await expect(line.getByTestId('line-item')).toHaveValue('');
  const start = page.getByTestId('camera-start');
  // A gloved thumb's target, like the station's.
  expect((await start.boundingBox())!.height).toBeGreaterThanOrEqual(44);
  await start.click();
  await expect(page.getByTestId('label-message')).toHaveAttribute('data-kind', 'ok', { timeout: 30_000 });
  await expect(page.getByTestId('label-message')).toContainText(
    'Line 1 filled from the label: P-200 × 120, lot LOT-A7 (the slip said 300).'
  );
  await expect(line.getByTestId('line-item')).toHaveValue('P-200');
  await expect(line.getByTestId('line-qty')).toHaveValue('120');
  await page.getByTestId('camera-stop').click();
  expect(await seriousViolations(page)).toEqual([]);
});
