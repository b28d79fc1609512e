// Receiving a packing slip: a PDF captured with no network is kept on the tablet, uploads when the network is back,
// is read into lines, reviewed (items picked) and received; stock moves by exactly the slip's quantities, once.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect, test, type Page } from '@playwright/test';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { slipFixtures } from '../fixtures/slips';
import { waitForServiceWorker } from './station';
import { startServer, type TestServer } from './server';

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer();
  // The plant's items exist before the slip arrives: a tablet's scans bring them (and some stock) in.
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
  expect((await res.json()).results.map((r: { status: string }) => r.status)).toEqual([
    'applied',
    'applied',
    'applied'
  ]);
});
test.afterAll(async () => {
  await server?.stop();
});

async function onHand(location: string): Promise<Map<string, number>> {
  const snapshot = await (await fetch(`${server.url}/api/sync/snapshot`)).json();
  return new Map(
    (snapshot.stock as { item_id: string; location_id: string; on_hand: number }[])
      .filter((s) => s.location_id === location)
      .map((s) => [s.item_id, Number(s.on_hand)])
  );
}

// axe-core through the DevTools protocol (the app's CSP allows no inline script), as tests/e2e/a11y.spec.ts does.
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
async function seriousViolations(page: Page) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() =>
    (
      window as unknown as {
        axe: {
          run(ctx: Document): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe.run(document)
  );
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** What the tablet holds for its slips, read straight from IndexedDB. */
function storedSlips(page: Page) {
  return page.evaluate(
    () =>
      new Promise<{ status: string; originals: number; bytes: number }[]>((resolve, reject) => {
        const open = indexedDB.open('linesync-slips');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('slips').objectStore('slips').getAll();
          all.onsuccess = () => {
            resolve(
              all.result.map((r) => ({
                status: r.status,
                originals: r.originals.length,
                bytes: r.originals.reduce((s: number, f: { blob: Blob }) => s + f.blob.size, 0)
              }))
            );
            open.result.close();
          };
        };
      })
  );
}

test('a PDF slip captured offline uploads when online, is reviewed and received once into stock', async ({
  page,
  context
}) => {
  const classic = (await slipFixtures()).find((f) => f.name === 'classic')!;
  await page.goto(`${server.url}/receive`);
  await waitForServiceWorker(page);
  await expect(page.getByTestId('receive-connection')).toHaveText('Online');

  await context.setOffline(true);
  await expect(page.getByTestId('receive-connection')).toHaveText('Offline');
  await page
    .getByTestId('slip-file')
    .setInputFiles({ name: 'acme-ps-1001.pdf', mimeType: 'application/pdf', buffer: Buffer.from(classic.bytes) });
  await expect(page.getByTestId('receive-message')).toContainText('Slip kept on this tablet');
  const slip = page.getByTestId('local-slip');
  await expect(slip.getByTestId('slip-status')).toHaveText('Waiting to upload');
  expect(await storedSlips(page)).toEqual([{ status: 'captured', originals: 1, bytes: classic.bytes.length }]);
  const slipId = await slip.getAttribute('data-slip-id');

  const before = await onHand('LINE-1');
  await context.setOffline(false);
  await expect(slip.getByTestId('slip-status')).toHaveText('Ready to review');
  await expect(slip).toContainText('Acme Fasteners Ltd · PS-1001');
  await expect(page.getByTestId('server-slips')).toContainText('PS-1001');
  expect(await seriousViolations(page)).toEqual([]);

  await slip.getByTestId('slip-review').click();
  await expect(page).toHaveURL(new RegExp(`/receive/${slipId}$`));
  const lines = page.getByTestId('slip-line');
  await expect(lines).toHaveCount(3);
  // The page drawn by pdf.js in the browser at 2x (a US Letter page is 612 pt wide).
  const pageImage = page.locator('img[alt="Page 1 of the packing slip"]');
  await expect.poll(() => pageImage.evaluate((i: HTMLImageElement) => i.naturalWidth)).toBe(1224);
  expect(await seriousViolations(page)).toEqual([]);
  // None of the supplier's part numbers is known yet: every line is marked for checking.
  await expect(page.getByTestId('slip-totals')).toHaveText('3 lines · 3 to check');
  await expect(lines.nth(0).getByTestId('line-qty')).toHaveValue('200');

  for (const [i, item] of ['P-1001', 'P-1003', 'P-1002'].entries())
    await lines.nth(i).getByTestId('line-item').fill(item);
  await expect(page.getByTestId('slip-totals')).toHaveText('3 lines · 0 to check');
  await lines.nth(2).getByTestId('line-qty').fill('10'); // counted at the dock: two short
  await page.getByTestId('receive-location').fill('LINE-1');
  await page.getByTestId('receive-button').click();
  await expect(page.getByTestId('review-message')).toHaveText('Received 3 lines (610 units) into LINE-1.');
  await expect(page.getByTestId('review-status')).toHaveText('received');

  const after = await onHand('LINE-1');
  const delta = (item: string) => (after.get(item) ?? 0) - (before.get(item) ?? 0);
  expect([delta('P-1001'), delta('P-1003'), delta('P-1002')]).toEqual([200, 400, 10]);
  const events = await server.events(`slip:${slipId}`);
  expect(
    events.sort((a, b) => a.device_seq - b.device_seq).map((e) => [e.event_type, e.item_id, e.qty, e.source])
  ).toEqual([
    ['INTAKE', 'P-1001', 200, 'packing_slip'],
    ['INTAKE', 'P-1003', 400, 'packing_slip'],
    ['INTAKE', 'P-1002', 10, 'packing_slip']
  ]);

  // A second receive is refused and moves nothing; the tablet let go of the original.
  const again = await fetch(`${server.url}/api/packing-slips/${slipId}/receive`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ location_id: 'LINE-1' })
  });
  expect(again.status).toBe(409);
  expect(await onHand('LINE-1')).toEqual(after);
  expect(await storedSlips(page)).toEqual([{ status: 'received', originals: 0, bytes: 0 }]);
  await page.goto(`${server.url}/receive`);
  await expect(page.getByTestId('local-slip').getByTestId('slip-status')).toHaveText('Received');
  await expect(page.getByTestId('server-slips').getByTestId('server-slip-status')).toHaveText(
    'received by supervisor@localhost'
  );
});

test('a photo is downscaled to 2,000 px JPEG before upload; with no model its lines are entered by hand', async ({
  page
}) => {
  const photo = new PNG({ width: 3000, height: 2250 });
  for (let i = 0; i < photo.data.length; i += 4) photo.data.set([(i >> 4) & 255, 200, 180, 255], i);
  await page.goto(`${server.url}/receive`);
  await page
    .getByTestId('slip-photo')
    .setInputFiles({ name: 'IMG_0001.png', mimeType: 'image/png', buffer: PNG.sync.write(photo) });
  const slip = page.locator('[data-testid="local-slip"]', { hasText: 'IMG_0001' });
  await expect(slip.getByTestId('slip-status')).toHaveText('Ready to review');
  const slipId = await slip.getAttribute('data-slip-id');

  const file = await fetch(`${server.url}/api/packing-slips/${slipId}/files/1`);
  expect(file.headers.get('content-type')).toBe('image/jpeg');
  const { width, height } = jpeg.decode(new Uint8Array(await file.arrayBuffer()), { maxMemoryUsageInMB: 64 });
  expect([width, height]).toEqual([2000, 1500]);

  await slip.getByTestId('slip-review').click();
  await expect(page.getByTestId('parse-error')).toContainText('enter them by hand');
  await expect(page.getByTestId('slip-line')).toHaveCount(0);
  await page.getByRole('button', { name: 'Add line' }).click();
  const line = page.getByTestId('slip-line').first();
  await expect(line).toHaveAttribute('data-unsure', 'true');
  await line.getByTestId('line-item').fill('P-1002');
  await line.getByTestId('line-qty').fill('7');
  await expect(line).toHaveAttribute('data-unsure', 'false');
  const before = await onHand('LINE-1');
  await page.getByTestId('receive-location').fill('LINE-1');
  await page.getByTestId('receive-button').click();
  await expect(page.getByTestId('review-message')).toHaveText('Received 1 line (7 units) into LINE-1.');
  expect((await onHand('LINE-1')).get('P-1002')).toBe((before.get('P-1002') ?? 0) + 7);
});
