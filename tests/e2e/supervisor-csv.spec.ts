// CSV import in the browser: a file with errors lists them all and writes nothing; the corrected file is applied.
// The template downloads; the items export comes back as CSV.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { startServer, type TestServer } from './server';
import { seriousViolations } from './supervisor';

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer();
});
test.afterAll(async () => {
  await server?.stop();
});

const items = async () => ((await (await fetch(`${server.url}/api/items?q=CSV-`)).json()) as { total: number }).total;

test('an import with errors writes nothing and lists them; the corrected file is applied', async ({ page }) => {
  await page.goto(`${server.url}/data`);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download the template' }).click();
  const template = readFileSync(await (await download).path(), 'utf8');
  expect(template.split('\r\n')[0]).toBe(
    '\uFEFFitem_id,description,unit,reorder_point,reorder_qty,gtin,active,tracking'
  );

  const bad = 'item_id;description;reorder_point;gtin\nCSV-1;Bolt;5;\nCSV-2;Nut;-1;\nCSV-3;Washer;x;4006381333932\n';
  await page
    .getByTestId('import-file')
    .setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await page.getByTestId('import-submit').click();
  await expect(page.getByTestId('import-failure')).toContainText('3 error(s); nothing was written');
  const rows = page.getByTestId('import-errors').locator('tbody tr');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toHaveText(/3\s*reorder_point\s*must be 0 or more/);
  await expect(rows.nth(2)).toContainText('gtin');
  expect(await items()).toBe(0);
  expect(await seriousViolations(page)).toEqual([]);

  const good =
    '\uFEFFitem_id;description;reorder_point;gtin\nCSV-1;Bolt;5;\nCSV-2;"Nut; M8";1;\nCSV-3;<b>Washer</b>;0;4006381333931\n';
  await page
    .getByTestId('import-file')
    .setInputFiles({ name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
  await page.getByTestId('import-submit').click();
  await expect(page.getByTestId('import-result')).toHaveText('Imported 3 rows: 3 created, 0 updated, 0 unchanged.');
  await expect(page.getByTestId('import-errors')).toHaveCount(0);
  expect(await items()).toBe(3);

  const exported = await (await fetch(`${server.url}/api/export/items.csv`)).text();
  expect(exported).toContain('CSV-2,Nut; M8,ea,1,,,true'.replace('Nut; M8', '"Nut; M8"'));
  await page.goto(`${server.url}/items/CSV-3`);
  await expect(page.locator('.desc')).toHaveText('<b>Washer</b>');
});
