// Carton labels on the packing-slip review: a wedge scanner types the MH10.8.2 DataMatrix of a carton into "Scan a
// carton label" (its GS as Ctrl+], its RS/EOT dropped), the slip's line for that supplier part is filled with the
// item, the quantity and the lot; a label for another PO, and one whose part is unknown, are refused on screen and
// change no line.
import { expect, test, type Page } from '@playwright/test';
import { PNG } from 'pngjs';
import { addSupplierPart, pushScans, sendJson, seriousViolations } from './supervisor';
import { startServer, type TestServer } from './server';

let server: TestServer;
let poNumber: string;

const send = (method: string, path: string, body?: unknown) => sendJson(server.url, method, path, body);

test.beforeAll(async () => {
  server = await startServer();
  await pushScans(server.url, [{ item_id: 'P-200', qty: 1 }], 'e2e-label-setup');
  await addSupplierPart(
    server.url,
    { supplier_id: 'ACME', name: 'Acme Fasteners', lead_time_days: 3 },
    { supplier_part: 'AF-200', item_id: 'P-200' }
  );
  const po = await send('POST', '/api/purchase-orders', {
    supplier_id: 'ACME',
    lines: [{ item_id: 'P-200', qty_ordered: 300 }]
  });
  poNumber = po.po_number;
  await send('POST', `/api/purchase-orders/${po.po_id}/send`, { version: po.version });
});
test.afterAll(async () => {
  await server?.stop();
});

async function uploadSlip(): Promise<string> {
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
  return slipId;
}

/** What a wedge scanner in Ctrl+key mode types: the text, Ctrl+] for each GS, nothing for RS/EOT, then Enter. */
async function wedgeType(page: Page, fields: string[]) {
  const input = page.getByTestId('carton-label-input');
  await input.focus();
  await page.keyboard.type('[)>06', { delay: 2 });
  for (const f of fields) {
    await page.keyboard.press('Control+BracketRight');
    await page.keyboard.type(f, { delay: 2 });
  }
  await page.keyboard.press('Enter');
}

test('a carton label typed by a wedge fills the slip line; another PO and an unknown part are refused', async ({
  page
}) => {
  const slipId = await uploadSlip();
  // The slip as read: supplier, PO and one line for supplier part AF-200 with no item yet.
  await send('PUT', `/api/packing-slips/${slipId}/lines`, {
    supplier: 'Acme Fasteners',
    po_number: poNumber,
    lines: [{ supplier_part: 'AF-200', description: 'Hex bolt', qty: 300, confidence: 0.5 }]
  });
  await page.goto(`${server.url}/receive/${slipId}`);
  await expect(page.getByTestId('slip-po')).toContainText(`Against ${poNumber}`);
  const line = page.getByTestId('slip-line');
  await expect(line).toHaveCount(1);
  await expect(line.getByTestId('line-item')).toHaveValue('');

  await wedgeType(page, ['1PAF-200', 'Q120', '1TLOT-A7', `K${poNumber}`, '4K1']);
  await expect(page.getByTestId('label-message')).toHaveAttribute('data-kind', 'ok');
  await expect(page.getByTestId('label-message')).toContainText(
    'Line 1 filled from the label: P-200 × 120, lot LOT-A7 (the slip said 300).'
  );
  await expect(line.getByTestId('line-item')).toHaveValue('P-200');
  await expect(line.getByTestId('line-qty')).toHaveValue('120');
  await expect(line.getByLabel('Lot of line 1')).toHaveValue('LOT-A7');
  await expect(page.getByTestId('carton-label-input')).toHaveValue('');
  expect(await seriousViolations(page)).toEqual([]);

  // A carton of another order: loud, and the line stays as it was.
  await wedgeType(page, ['1PAF-200', 'Q50', 'KPO-999999']);
  const refusal = page.getByTestId('label-message');
  await expect(refusal).toHaveAttribute('role', 'alert');
  await expect(refusal).toContainText(`This carton is for PO PO-999999, but the slip is against ${poNumber}`);
  await expect(line).toHaveCount(1);
  await expect(line.getByTestId('line-qty')).toHaveValue('120');

  // A part the supplier's items do not know, pasted with control pictures: refused with the reason.
  await page.getByTestId('carton-label-input').fill('[)>␞06␝1PZZ-404␝Q5␞␄');
  await page.getByTestId('carton-label-input').press('Enter');
  await expect(refusal).toContainText('Supplier part ZZ-404 is not linked to any item');
  await expect(line).toHaveCount(1);

  // A second carton of the same lot adds to the line it filled; received, the PO counts both.
  await wedgeType(page, ['1PAF-200', 'Q180', '1TLOT-A7', `K${poNumber}`]);
  await expect(page.getByTestId('label-message')).toContainText(
    'Line 1: another carton, P-200 × 180, lot LOT-A7: now 300.'
  );
  await page.getByTestId('receive-location').fill('LINE-1');
  await page.getByTestId('receive-button').click();
  await expect(page.getByTestId('review-message')).toHaveText('Received 1 line (300 units) into LINE-1.');
  await expect(page.getByTestId('po-compare').filter({ hasText: 'P-200' }).locator('td')).toHaveText([
    'P-200',
    '300',
    '0',
    '300',
    '0'
  ]);
});
