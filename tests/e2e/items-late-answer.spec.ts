// The item grid while a search's answer is on its way: what the supervisor edits meanwhile is never replaced by the
// answer, and an answer older than the latest search is not shown at all. The answers are held with a route.
import { expect, test, type Page, type Route } from '@playwright/test';
import { startServer, type TestServer } from './server';
import { pushScans } from './supervisor';

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer();
  await pushScans(server.url, [
    { item_id: 'LA-1', qty: 1 },
    { item_id: 'LA-2', qty: 2 },
    { item_id: 'LA-3', qty: 3 }
  ]);
});
test.afterAll(async () => {
  await server?.stop();
});

const row = (page: Page, item: string) => page.locator(`[data-testid="item-row"][data-item="${item}"]`);
const field = (page: Page, item: string, f: string) => row(page, item).locator(`[data-field="${f}"]`);

/** Holds the answer to the search for `q` until the returned function is called; resolves once it was asked. */
async function holdSearch(page: Page, q: string) {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let asked!: () => void;
  const wasAsked = new Promise<void>((r) => (asked = r));
  await page.route(
    (url) => url.pathname === '/api/items' && url.searchParams.get('q') === q,
    async (route: Route) => {
      asked();
      await released;
      await route.continue();
    }
  );
  return { wasAsked, release };
}

async function search(page: Page, q: string) {
  await page.getByRole('searchbox').fill(q);
  await page.getByRole('button', { name: 'Search' }).click();
}

test('edits made while a search is answered are kept, in the answer and beside it', async ({ page }) => {
  await page.goto(`${server.url}/items`);
  await expect(row(page, 'LA-3')).toBeVisible();
  const held = await holdSearch(page, 'LA-1');
  await search(page, 'LA-1');
  await held.wasAsked;
  // The supervisor goes on editing the rows on screen: one the answer has, one it has not.
  await field(page, 'LA-1', 'description').fill('Edited while searching');
  await field(page, 'LA-2', 'unit').fill('crate');
  held.release();

  await expect(row(page, 'LA-3')).toHaveCount(0); // the answer arrived: an untouched row not in it went
  await expect(field(page, 'LA-1', 'description')).toHaveValue('Edited while searching');
  await expect(field(page, 'LA-2', 'unit')).toHaveValue('crate');
  await expect(row(page, 'LA-2')).toHaveAttribute('data-kept', 'true');
  await expect(row(page, 'LA-1')).toHaveAttribute('data-kept', 'false');
  await expect(page.getByTestId('pending-count')).toHaveText('2 row(s) edited, not saved');

  await page.getByTestId('save-items').click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved 2 items.' })).toBeVisible();
  const item = async (id: string) => (await (await fetch(`${server.url}/api/items/${id}`)).json()) as object;
  expect(await item('LA-1')).toMatchObject({ description: 'Edited while searching' });
  expect(await item('LA-2')).toMatchObject({ unit: 'crate' });
});

test('a row kept only for its edits loses its tag once saved, and goes with the next search', async ({ page }) => {
  await page.goto(`${server.url}/items`);
  await expect(row(page, 'LA-3')).toBeVisible();
  await field(page, 'LA-2', 'unit').fill('box');
  await search(page, 'LA-1');
  await expect(row(page, 'LA-3')).toHaveCount(0);
  await expect(row(page, 'LA-2')).toHaveAttribute('data-kept', 'true');
  await expect(row(page, 'LA-2').getByTestId('kept-row')).toHaveText('edited, kept from before');

  await page.getByTestId('save-items').click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved 1 item.' })).toBeVisible();
  // Saved: nothing of it is unsaved any more, so the tag would tell the supervisor something false. The row itself
  // stays where it is (it was just saved, in sight) until the next search, which answers without it.
  await expect(field(page, 'LA-2', 'unit')).toHaveValue('box');
  await expect(row(page, 'LA-2')).toHaveAttribute('data-kept', 'false');
  await expect(row(page, 'LA-2').getByTestId('kept-row')).toHaveCount(0);
  await expect(page.getByTestId('pending-count')).toHaveText('No unsaved edits');
  await search(page, 'LA-1');
  await expect(row(page, 'LA-2')).toHaveCount(0);
  await expect(row(page, 'LA-1')).toBeVisible();
});

test("a search's answer arriving after a newer search's is not shown", async ({ page }) => {
  await page.goto(`${server.url}/items`);
  await expect(row(page, 'LA-3')).toBeVisible();
  const held = await holdSearch(page, 'LA-1');
  await search(page, 'LA-1');
  await held.wasAsked;
  await search(page, 'LA-3');
  await expect(row(page, 'LA-1')).toHaveCount(0);
  await expect(row(page, 'LA-3')).toBeVisible();

  const late = page.waitForResponse((r) => new URL(r.url()).searchParams.get('q') === 'LA-1');
  held.release();
  await late;
  // The late answer came and went: the grid still shows the latest search's rows.
  await expect(row(page, 'LA-3')).toBeVisible();
  await expect(row(page, 'LA-1')).toHaveCount(0);
  await expect(page.getByRole('searchbox')).toHaveValue('LA-3');
});
