// A carton label at the station: a wedge scanner in Ctrl+key mode types the MH10.8.2 DataMatrix of a reel that names
// only the supplier's part (1P); offline, the tablet maps it through the supplier items its snapshot carries and
// records an INTAKE of that item with the label's lot and quantity.
import { expect, test, type Page } from '@playwright/test';
import { readTablet, setUpStationOffline } from './station';
import { startServer, type TestServer } from './server';
import { addSupplierPart, importItems } from './supervisor';

let server: TestServer;

test.beforeAll(async () => {
  server = await startServer();
  await importItems(server.url, 'item_id,description,unit,gtin,tracking\nCAP-100N,Capacitor 100 nF,ea,,\n');
  await addSupplierPart(
    server.url,
    { supplier_id: 'DIGI', name: 'Digi Parts', lead_time_days: 2 },
    { supplier_part: '399-1096-1-ND', item_id: 'CAP-100N' }
  );
});
test.afterAll(async () => {
  await server?.stop();
});

/** A wedge burst: the label's text, Ctrl+] for each GS (RS and EOT dropped, as many scanners do), then Enter. */
async function wedgeLabel(page: Page, fields: string[]) {
  await page.evaluate((fields) => {
    const target = document.activeElement ?? document.body;
    const key = (init: KeyboardEventInit) =>
      target.dispatchEvent(new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init }));
    for (const k of '[)>06') key({ key: k });
    for (const f of fields) {
      key({ key: ']', code: 'BracketRight', ctrlKey: true });
      for (const k of f) key({ key: k });
    }
    key({ key: 'Enter' });
  }, fields);
}

test('a reel label naming only 1P is an INTAKE of the mapped item with lot and qty, offline', async ({
  page,
  context
}) => {
  await setUpStationOffline(page, context, server.url);
  await page.getByTestId('mode-intake').click();

  await wedgeLabel(page, ['1P399-1096-1-ND', 'Q4000', '1TLOT-2547A', '9D2547']);
  await expect(page.getByTestId('scan-panel')).toHaveAttribute('data-kind', 'ok');
  await expect(page.getByTestId('scan-message')).toContainText('CAP-100N × 4000');
  const events = (await readTablet(page)).rows.map((r) => r.event as unknown as Record<string, unknown>);
  expect(events.map((e) => [e.event_type, e.item_id, e.qty, e.lot, e.source])).toEqual([
    ['INTAKE', 'CAP-100N', 4000, 'LOT-2547A', 'wedge']
  ]);

  // A part no supplier item names: refused with the reason, nothing recorded.
  await wedgeLabel(page, ['1PNOPE-1', 'Q1']);
  await expect(page.getByTestId('scan-panel')).toHaveAttribute('data-kind', 'error');
  await expect(page.getByTestId('scan-message')).toContainText('Supplier part NOPE-1 is not linked');
  expect((await readTablet(page)).rows).toHaveLength(1);
});
