// The purchasing loop in the browser: a consume opens a signal, the board drafts a PO for the item's preferred
// supplier (reorder qty rounded up to the pack), the PO is sent, a packing slip naming it is reviewed (ordered vs
// shipped) and received, and stock rises, the PO is RECEIVED and the signal fulfilled. axe on every new page.
import { expect, test } from '@playwright/test';
import { PNG } from 'pngjs';
import { addSupplierPart, pushScans, sendJson, seriousViolations } from './supervisor';
import { startServer, type TestServer } from './server';

let server: TestServer;

const send = (method: string, path: string, body?: unknown) => sendJson(server.url, method, path, body);

const onHand = async (item: string, location: string) => {
  const snapshot = await (await fetch(`${server.url}/api/sync/snapshot`)).json();
  return Number(
    (snapshot.stock as { item_id: string; location_id: string; on_hand: number }[]).find(
      (s) => s.item_id === item && s.location_id === location
    )?.on_hand ?? 0
  );
};

test.beforeAll(async () => {
  server = await startServer();
  // The plant: a bolt replenished at 20 (order 100), bought from Acme in boxes of 24 at 0.50.
  await pushScans(server.url, [{ item_id: 'P-100', qty: 50 }], 'e2e-po-setup');
  await send('PATCH', '/api/items', {
    rows: [
      {
        item_id: 'P-100',
        description: 'Hex bolt M8',
        unit: 'ea',
        reorder_point: 20,
        reorder_qty: 100,
        gtin: null,
        active: true,
        version: 1
      }
    ]
  });
  await addSupplierPart(
    server.url,
    { supplier_id: 'ACME', name: 'Acme Fasteners', lead_time_days: 3, contact: 'orders@acme.example' },
    { supplier_part: 'AF-100', item_id: 'P-100', pack_size: 24, price: 0.5 }
  );
  // A consume to 15, at or below 20: the signal opens.
  await pushScans(server.url, [{ item_id: 'P-100', qty: 35, event_type: 'CONSUME' }], 'e2e-po-line');
});
test.afterAll(async () => {
  await server?.stop();
});

test('signal → Create PO → send → slip naming the PO received → stock up, PO received, signal fulfilled', async ({
  page
}) => {
  // The board: tick the signal, one "Create PO" per supplier.
  await page.goto(`${server.url}/signals`);
  const card = page.getByTestId('column-OPEN').getByTestId('signal-card').filter({ hasText: 'P-100' });
  await expect(card).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  // The card says what the part is, and "Order from" is a target a finger hits (≥ 44 px, the label is the target).
  await expect(card.getByTestId('signal-description')).toHaveText('Hex bolt M8');
  const pick = await card.getByTestId('order-from').boundingBox();
  expect(pick!.height).toBeGreaterThanOrEqual(44);
  await card.getByLabel('Order from Acme Fasteners').check();
  await page.getByTestId('create-po').filter({ hasText: 'Create PO for Acme Fasteners (1 signal)' }).click();

  // The draft: 100 rounded up to boxes of 24 is 120, at the catalogue price.
  await expect(page).toHaveURL(/\/purchase-orders\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('po-status')).toHaveText('Draft');
  const poNumber = (await page.locator('h1').textContent())!.trim();
  expect(poNumber).toMatch(/^PO-\d{6}$/);
  const line = page.getByTestId('po-line');
  await expect(line).toHaveCount(1);
  await expect(line.getByLabel('Quantity ordered, line 1')).toHaveValue('120');
  await expect(line.getByLabel('Unit price, line 1')).toHaveValue('0.5');
  // Expected after the supplier's 3-day lead time, counted from the database's today (UTC here, as this clock).
  const inLeadTime = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  await expect(page.getByLabel('Expected delivery')).toHaveValue(inLeadTime);
  expect(await seriousViolations(page)).toEqual([]);

  // Validation in the form, by the server's own schema: a zero quantity is marked and nothing is saved.
  await line.getByLabel('Quantity ordered, line 1').fill('0');
  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(page.getByRole('alert')).toHaveText('Correct the marked fields.');
  await expect(line.getByLabel('Quantity ordered, line 1')).toHaveAttribute('aria-invalid', 'true');
  await line.getByLabel('Quantity ordered, line 1').fill('120');
  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(page.getByRole('status')).toHaveText('Saved.');

  // Only the actions the rules allow: a draft can be sent or cancelled.
  await expect(page.getByRole('button', { name: 'Send to supplier' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Cancel order' })).toBeVisible();
  await page.getByRole('button', { name: 'Send to supplier' }).click();
  await expect(page.getByTestId('po-status')).toHaveText('Sent');
  await expect(page.getByRole('button', { name: 'Send to supplier' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Cancel order' })).toBeVisible();
  await expect(page.getByTestId('po-history').locator('li')).toHaveCount(2);
  await expect(page.getByTestId('po-history')).toContainText('Draft → Sent');

  // The list, filtered to sent orders.
  await page.goto(`${server.url}/purchase-orders?status=SENT`);
  await expect(page.getByTestId('po-row')).toHaveCount(1);
  await expect(page.getByTestId('po-row')).toContainText(poNumber);
  await expect(page.getByTestId('po-row')).toContainText('0 / 120');
  expect(await seriousViolations(page)).toEqual([]);

  // The board shows the signal answered by the PO.
  await page.goto(`${server.url}/signals`);
  await expect(page.getByTestId('signal-card').filter({ hasText: 'P-100' }).getByTestId('signal-po')).toHaveText(
    `On ${poNumber} (Sent)`
  );

  // A packing slip photographed at the dock, its PO number typed on the review screen.
  const photo = new PNG({ width: 8, height: 8 });
  photo.data.fill(255);
  const slipId = crypto.randomUUID();
  const form = new FormData();
  form.set('slip_id', slipId);
  form.set('device_id', 'e2e-dock');
  form.append('files', new Blob([new Uint8Array(PNG.sync.write(photo))], { type: 'image/png' }), 'slip.png');
  expect(
    (
      await fetch(`${server.url}/api/packing-slips`, {
        method: 'POST',
        headers: { 'x-linesync-client': '1' },
        body: form
      })
    ).status
  ).toBe(201);

  const before = await onHand('P-100', 'LINE-1');
  await page.goto(`${server.url}/receive/${slipId}`);
  await page.getByTestId('slip-po-number').fill(poNumber.replace('PO-', 'PO ')); // typed as people do
  await page.getByTestId('slip-po-number').blur();
  await expect(page.getByTestId('slip-po')).toContainText(`Against ${poNumber}`);
  await page.getByRole('button', { name: 'Add line' }).click();
  const slipLine = page.getByTestId('slip-line').first();
  await slipLine.getByTestId('line-item').fill('P-100');
  await slipLine.getByTestId('line-qty').fill('120');
  const compare = page.getByTestId('po-compare').filter({ hasText: 'P-100' });
  await expect(compare.locator('td')).toHaveText(['P-100', '120', '0', '120', '0']);
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByTestId('receive-location').fill('LINE-1');
  await page.getByTestId('receive-button').click();
  await expect(page.getByTestId('review-message')).toHaveText('Received 1 line (120 units) into LINE-1.');

  // Stock up by the slip, the PO received, the signal fulfilled and still showing its PO.
  expect(await onHand('P-100', 'LINE-1')).toBe(before + 120);
  await page.goto(`${server.url}/purchase-orders`);
  const row = page.getByTestId('po-row').filter({ hasText: poNumber });
  await expect(row).toContainText('Received');
  await expect(row).toContainText('120 / 120');
  await row.getByRole('link', { name: poNumber }).click();
  await expect(page.getByTestId('po-status')).toHaveText('Received');
  await expect(page.getByTestId('po-line-received')).toHaveText('120');
  await expect(page.getByTestId('po-history')).toContainText('Sent → Received');
  await expect(page.getByTestId('po-slips')).toContainText('120 units, received');
  await expect(page.getByRole('button', { name: 'Cancel order' })).toHaveCount(0);
  expect(await seriousViolations(page)).toEqual([]);
  await page.goto(`${server.url}/signals`);
  const fulfilled = page.getByTestId('column-FULFILLED').getByTestId('signal-card').filter({ hasText: 'P-100' });
  await expect(fulfilled.getByTestId('signal-po')).toHaveText(`On ${poNumber} (Received)`);

  // The supplier's page: expected after its 3-day lead time, received today, so on time; nothing left open.
  await page.goto(`${server.url}/suppliers/ACME`);
  const purchasing = page.getByTestId('supplier-purchasing');
  await expect(purchasing.getByTestId('on-time-rate')).toContainText(
    '100% (1 of 1 received orders by their expected date)'
  );
  await expect(purchasing).toContainText('No open orders.');
  expect(await seriousViolations(page)).toEqual([]);
});

test('a purchase order drafted by hand: validated lines, created, then cancelled with nothing left to do', async ({
  page
}) => {
  await page.goto(`${server.url}/purchase-orders/new`);
  await expect(page.locator('h1')).toHaveText('New purchase order');
  await page.getByLabel('Supplier').selectOption('ACME');
  await page.getByRole('button', { name: 'Add line' }).click();
  await page.getByLabel('Item, line 1').fill('NO-SUCH-PART');
  await page.getByLabel('Quantity ordered, line 1').fill('2.5');
  await page.getByRole('button', { name: 'Create draft' }).click();
  await expect(page.getByRole('alert')).toHaveText('Correct the marked fields.');
  await expect(page.getByTestId('po-line')).toContainText('is not a known item');
  await expect(page.getByTestId('po-line')).toContainText('must be a whole number');
  expect(await seriousViolations(page)).toEqual([]);

  await page.getByLabel('Item, line 1').fill('P-100');
  await page.getByLabel('Quantity ordered, line 1').fill('48');
  await page.getByLabel('Expected delivery').fill('2030-06-30');
  await page.getByRole('button', { name: 'Create draft' }).click();
  await expect(page).toHaveURL(/\/purchase-orders\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('po-status')).toHaveText('Draft');
  await expect(page.getByLabel('Quantity ordered, line 1')).toHaveValue('48');
  await expect(page.getByLabel('Unit price, line 1')).toHaveValue('0.5'); // the catalogue price, filled by the server

  await page.getByRole('button', { name: 'Cancel order' }).click();
  await expect(page.getByTestId('po-status')).toHaveText('Cancelled');
  await expect(page.getByText('No further status changes are possible.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Save draft' })).toHaveCount(0);
  await expect(page.getByTestId('po-history')).toContainText('Draft → Cancelled');
});
