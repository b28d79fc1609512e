// Purchasing master data in the browser: the supplier grid (add, per-cell checks, an edit conflict between two
// supervisors), CSV import of suppliers and supplier items (a file with errors lists them all and writes nothing;
// the corrected file is applied), the supplier page's parts with the preferred supplier, the category tree and an
// item's category. axe-core on every new page.
import { expect, test, type Page } from '@playwright/test';
import { PNG } from 'pngjs';
import { startServer, type TestServer } from './server';
import { pushScans, seriousViolations } from './supervisor';

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer();
  await pushScans(server.url, [
    { item_id: 'SP-1', qty: 10 },
    { item_id: 'SP-2', qty: 4 }
  ]); // items, from scans
});
test.afterAll(async () => {
  await server?.stop();
});

const row = (page: Page, id: string) => page.locator(`[data-testid="supplier-row"][data-supplier="${id}"]`);
const field = (page: Page, id: string, f: string) => row(page, id).locator(`[data-field="${f}"]`);
const get = async <T>(path: string) => (await (await fetch(`${server.url}${path}`)).json()) as T;
type Supplier = { supplier_id: string; name: string; lead_time_days: number; contact: string; version: number };

test('the supplier grid: add a supplier, cells checked as typed, and a conflict between two supervisors', async ({
  browser
}) => {
  const alice = await (await browser.newContext()).newPage();
  await alice.goto(`${server.url}/suppliers`);
  await alice.getByTestId('add-supplier').click();
  const fresh = alice.locator('[data-testid="supplier-row"]').last();
  await fresh.locator('[data-field="supplier_id"]').fill('E2E-ACME');
  await fresh.locator('[data-field="name"]').fill('Acme E2E');
  await fresh.locator('[data-field="lead_time_days"]').fill('2.5');
  await expect(fresh.getByText('must be a whole number of days')).toBeVisible();
  await fresh.locator('[data-field="latitude"]').fill('52,1');
  await expect(fresh.getByText('give the longitude too, or clear the latitude')).toBeVisible();
  await expect(alice.getByTestId('save-suppliers')).toBeDisabled();
  expect(await seriousViolations(alice)).toEqual([]);
  await fresh.locator('[data-field="lead_time_days"]').fill('4');
  await fresh.locator('[data-field="longitude"]').fill('4.3');
  await alice.getByTestId('save-suppliers').click();
  await expect(alice.getByRole('status').filter({ hasText: 'Saved 1 supplier.' })).toBeVisible();
  expect(await get<Supplier>('/api/suppliers/E2E-ACME')).toMatchObject({
    name: 'Acme E2E',
    lead_time_days: 4,
    latitude: 52.1,
    longitude: 4.3,
    version: 1
  });

  // Bob opens the grid now; Alice saves a new lead time first.
  const bob = await (await browser.newContext()).newPage();
  await bob.goto(`${server.url}/suppliers?q=E2E`);
  await expect(row(bob, 'E2E-ACME')).toBeVisible();
  await alice.reload();
  await field(alice, 'E2E-ACME', 'lead_time_days').fill('6');
  await alice.getByTestId('save-suppliers').click();
  await expect(alice.getByRole('status').filter({ hasText: 'Saved 1 supplier.' })).toBeVisible();

  await field(bob, 'E2E-ACME', 'contact').fill('bob@acme.example');
  await bob.getByTestId('save-suppliers').click();
  await expect(bob.getByTestId('suppliers-error')).toContainText('Nothing was saved');
  await expect(row(bob, 'E2E-ACME').getByTestId('theirs-lead_time_days')).toHaveText('Now: 6');
  expect((await get<Supplier>('/api/suppliers/E2E-ACME')).contact).toBe('');
  expect(await seriousViolations(bob)).toEqual([]);
  await row(bob, 'E2E-ACME').getByTestId('keep-mine').click();
  await bob.getByTestId('save-suppliers').click();
  await expect(bob.getByRole('status').filter({ hasText: 'Saved 1 supplier.' })).toBeVisible();
  // His edited cell wins; the one he did not touch keeps Alice's value.
  expect(await get<Supplier>('/api/suppliers/E2E-ACME')).toMatchObject({
    contact: 'bob@acme.example',
    lead_time_days: 6,
    version: 3
  });
});

test('CSV import: errors listed by row and column with nothing written, then the corrected files applied', async ({
  page
}) => {
  await page.goto(`${server.url}/suppliers`);
  const count = async () => (await get<{ total: number }>('/api/suppliers?q=CSV-')).total;
  const bad = 'supplier_id;name;lead_time_days;latitude;longitude\nCSV-A;Alpha;3;;\nCSV-B;;x;10;\nCSV-A;Again;1;;\n';
  await page
    .getByTestId('supplier-import-file')
    .setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await page.getByTestId('supplier-import-submit').click();
  await expect(page.getByTestId('supplier-import-failure')).toContainText('4 error(s); nothing was written');
  const errors = page.getByTestId('supplier-import-errors').locator('tbody tr');
  await expect(errors).toHaveCount(4);
  await expect(errors.nth(0)).toHaveText(/3\s*name\s*must not be empty/);
  await expect(errors.nth(3)).toHaveText(/4\s*supplier_id\s*CSV-A is also on row 2/);
  expect(await count()).toBe(0);
  expect(await seriousViolations(page)).toEqual([]);

  const good =
    '\uFEFFsupplier_id;name;lead_time_days;latitude;longitude\nCSV-A;Alpha;3;;\nCSV-B;"Beta; Ltd";5;51,5;-0,1\n';
  await page
    .getByTestId('supplier-import-file')
    .setInputFiles({ name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
  await page.getByTestId('supplier-import-submit').click();
  await expect(page.getByTestId('supplier-import-result')).toHaveText(
    'Imported 2 rows: 2 created, 0 updated, 0 unchanged.'
  );
  await expect(page.getByTestId('supplier-import-errors')).toHaveCount(0);
  await expect(row(page, 'CSV-B')).toBeVisible(); // the grid reloaded
  expect(await count()).toBe(2);

  // Supplier items: an unknown item is found before anything is written; then SP-1 gets two sources.
  const items = page.getByTestId('supplier-item-import-file');
  await items.setInputFiles({
    name: 'bad.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('supplier_id,supplier_part,item_id,preferred\nCSV-A,A-1,SP-1,yes\nCSV-B,B-1,NOPE,no\n')
  });
  await page.getByTestId('supplier-item-import-submit').click();
  await expect(page.getByTestId('supplier-item-import-errors').locator('tbody tr')).toHaveText([
    /3\s*item_id\s*there is no item NOPE/
  ]);
  const good2 =
    'supplier_id,supplier_part,item_id,pack_size,price,preferred\nCSV-A,A-1,SP-1,10,0.25,yes\nCSV-B,B-1,SP-1,12,0.2,no\n';
  await items.setInputFiles({ name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from(good2) });
  await page.getByTestId('supplier-item-import-submit').click();
  await expect(page.getByTestId('supplier-item-import-result')).toHaveText(
    'Imported 2 rows: 2 created, 0 updated, 0 unchanged.'
  );

  // The supplier page: its parts; making CSV-B's part preferred takes the mark from CSV-A's.
  await page.goto(`${server.url}/suppliers/CSV-B`);
  await expect(page.getByTestId('supplier-details')).toContainText('5 days');
  const part = page.locator('[data-testid="part-row"][data-part="B-1"]');
  await expect(part.locator('[data-field="pack_size"]')).toHaveValue('12');
  await expect(page.getByTestId('supplier-purchasing')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await part.locator('[data-field="preferred"]').check();
  await page.getByTestId('save-parts').click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved 1 and removed 0 supplier item(s).' })).toBeVisible();
  const parts = await get<{ rows: { supplier_id: string; preferred: boolean }[] }>('/api/supplier-items?item_id=SP-1');
  expect(parts.rows.map((r) => [r.supplier_id, r.preferred])).toEqual([
    ['CSV-A', false],
    ['CSV-B', true]
  ]);
  await expect(page.getByTestId('supplier-audit')).toContainText('update B-1');
});

test('categories: a tree built, a move into its own subtree refused, an item given a category', async ({ page }) => {
  await page.goto(`${server.url}/categories`);
  const add = async (name: string, parent: string) => {
    await page.getByTestId('new-category-name').fill(name);
    await page.getByTestId('new-category-parent').selectOption({ label: parent });
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(page.getByRole('status').filter({ hasText: `Created ${name}.` })).toBeVisible();
  };
  await add('Tools', '(top level)');
  await add('Hand tools', 'Tools');
  await add('Wrenches', 'Tools › Hand tools');
  await expect(page.getByTestId('new-category-id')).toHaveValue('');
  const node = (id: string) => page.locator(`[data-testid="category"][data-category="${id}"]`);
  await expect(node('wrenches')).toContainText('Wrenches');
  expect(await seriousViolations(page)).toEqual([]);

  await node('tools').getByRole('button', { name: 'Rename or move Tools' }).click();
  await page.getByTestId('edit-parent').selectOption({ label: 'Tools › Hand tools › Wrenches' });
  await expect(page.getByTestId('edit-problem')).toContainText('wrenches is inside tools');
  await expect(page.getByTestId('edit-save')).toBeDisabled();
  await page.getByTestId('edit-parent').selectOption({ label: '(top level)' });
  await page.getByTestId('edit-name').fill('Tooling');
  await page.getByTestId('edit-save').click();
  await expect(node('tools')).toContainText('Tooling');
  // Moving Hand tools to the top level takes Wrenches with it.
  await node('hand-tools')
    .getByRole('button', { name: /Rename or move/ })
    .click();
  await page.getByTestId('edit-parent').selectOption({ label: '(top level)' });
  await page.getByTestId('edit-save').click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved Hand tools.' })).toBeVisible();
  const tree = await get<{ rows: { category_id: string; path: string }[] }>('/api/categories');
  expect(tree.rows.find((r) => r.category_id === 'wrenches')?.path).toBe('hand-tools/wrenches');

  await page.goto(`${server.url}/items/SP-2`);
  await page.getByTestId('item-category-select').selectOption({ label: 'Hand tools › Wrenches' });
  await page.getByTestId('item-category-save').click();
  await expect(page.getByTestId('item-category')).toHaveText('Hand tools › Wrenches');
  expect((await get<{ category_id: string }>('/api/items/SP-2')).category_id).toBe('wrenches');
  await expect(page.getByTestId('item-audit')).toContainText('category_id: — → wrenches');
  expect(await seriousViolations(page)).toEqual([]);
});

test('a supplier named on a received slip is offered for adding, and takes over the part numbers the slip taught', async ({
  page
}) => {
  // A slip from a supplier we do not know yet, received at the dock (as the receiving screen sends it).
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
  const json = (method: string, body: unknown) => ({
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body)
  });
  const review = {
    supplier: 'Gizmo Works',
    slip_number: 'GW-1',
    lines: [{ supplier_part: 'GZ-9', item_id: 'SP-1', qty: 3 }]
  };
  expect((await fetch(`${server.url}/api/packing-slips/${slipId}/lines`, json('PUT', review))).status).toBe(200);
  expect(
    (await fetch(`${server.url}/api/packing-slips/${slipId}/receive`, json('POST', { location_id: 'LINE-1' }))).status
  ).toBe(200);

  await page.goto(`${server.url}/suppliers`);
  const printed = page.getByTestId('printed-suppliers');
  await expect(printed).toContainText('"Gizmo Works" — 1 part number');
  expect(await seriousViolations(page)).toEqual([]);
  await printed.getByRole('button', { name: 'Add Gizmo Works as a supplier' }).click();
  const fresh = page.locator('[data-testid="supplier-row"]').last();
  await expect(fresh.locator('[data-field="supplier_id"]')).toHaveValue('GIZMO-WORKS');
  await expect(fresh.locator('[data-field="name"]')).toHaveValue('Gizmo Works');
  await page.getByTestId('save-suppliers').click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved 1 supplier.' })).toBeVisible();
  await expect(printed).toHaveCount(0);
  const parts = await get<{ rows: { supplier_part: string; item_id: string; confirmed: number }[] }>(
    '/api/supplier-items?supplier_id=GIZMO-WORKS'
  );
  expect(parts.rows).toEqual([expect.objectContaining({ supplier_part: 'GZ-9', item_id: 'SP-1', confirmed: 1 })]);

  // Its page lists the part; its link to the grid opens the grid on it alone.
  await page.goto(`${server.url}/suppliers/GIZMO-WORKS`);
  await expect(page.locator('[data-testid="part-row"][data-part="GZ-9"]')).toContainText('1');
  await page.getByRole('link', { name: 'suppliers grid' }).click();
  await expect(page.locator('[data-testid="supplier-row"]')).toHaveCount(1);
  await expect(row(page, 'GIZMO-WORKS')).toBeVisible();
});
