// The item master grid and the replenishment board in the browser: an edit conflict between two supervisors,
// per-cell validation, the audit on the item page, and acknowledge / fulfil with one click each.
import { expect, test, type Page } from '@playwright/test';
import { startServer, type TestServer } from './server';
import { pushScans, seriousViolations } from './supervisor';

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer();
  await pushScans(server.url, [
    { item_id: 'M-1', qty: 30 },
    { item_id: 'M-2', qty: 5 }
  ]); // placeholders, from scans
});
test.afterAll(async () => {
  await server?.stop();
});

const row = (page: Page, item: string) => page.locator(`[data-testid="item-row"][data-item="${item}"]`);
const field = (page: Page, item: string, f: string) => row(page, item).locator(`[data-field="${f}"]`);

test("two supervisors edit the same item: the second sees the first one's value and nothing of hers is written", async ({
  browser
}) => {
  const alice = await (await browser.newContext()).newPage();
  const bob = await (await browser.newContext()).newPage();
  for (const p of [alice, bob]) {
    await p.goto(`${server.url}/items`);
    await expect(row(p, 'M-1')).toBeVisible();
  }
  expect(await seriousViolations(alice)).toEqual([]);

  await field(alice, 'M-1', 'description').fill('Bolt from Alice');
  await field(alice, 'M-1', 'reorder_point').fill('10');
  await expect(row(alice, 'M-1').locator('td.dirty')).toHaveCount(2);
  await alice.getByTestId('save-items').click();
  await expect(alice.getByRole('status').filter({ hasText: 'Saved 1 item.' })).toBeVisible();
  await expect(row(alice, 'M-1').locator('td.dirty')).toHaveCount(0);

  await field(bob, 'M-1', 'description').fill('Bolt from Bob');
  await field(bob, 'M-2', 'unit').fill('box');
  // A bad cell blocks the save and says why, beside the cell.
  await field(bob, 'M-2', 'reorder_qty').fill('-3');
  await expect(row(bob, 'M-2').getByText('must be 0 or more')).toBeVisible();
  await expect(bob.getByTestId('save-items')).toBeDisabled();
  await field(bob, 'M-2', 'reorder_qty').fill('20');
  await bob.getByTestId('save-items').click();
  await expect(bob.getByTestId('items-error')).toContainText('Nothing was saved');
  await expect(row(bob, 'M-1').getByTestId('theirs-description')).toHaveText('Now: Bolt from Alice');
  await expect(row(bob, 'M-1').getByTestId('theirs-reorder_point')).toHaveText('Now: 10');
  expect(await seriousViolations(bob)).toEqual([]);

  const current = async (id: string) =>
    (await (await fetch(`${server.url}/api/items/${id}`)).json()) as {
      description: string;
      unit: string;
      reorder_point: number | null;
      version: number;
    };
  expect(await current('M-1')).toMatchObject({ description: 'Bolt from Alice', version: 2 });
  expect((await current('M-2')).unit).toBe('ea'); // M-2 was not stale, but the save is all or nothing

  await row(bob, 'M-1').getByTestId('keep-mine').click();
  await bob.getByTestId('save-items').click();
  await expect(bob.getByRole('status').filter({ hasText: 'Saved 2 items.' })).toBeVisible();
  // His edited cell wins; the cell he did not touch keeps Alice's value.
  expect(await current('M-1')).toMatchObject({ description: 'Bolt from Bob', reorder_point: 10, version: 3 });
  expect((await current('M-2')).unit).toBe('box');

  // Every change is on the item's page: who, and what moved.
  await bob.goto(`${server.url}/items/M-1`);
  const audit = bob.getByTestId('item-audit');
  await expect(audit.locator('tbody tr')).toHaveCount(3); // created by a scan, Alice's save, Bob's save
  await expect(audit).toContainText('description: Bolt from Alice → Bolt from Bob');
  await expect(audit).toContainText('supervisor@localhost');
});

test('the item grid asks before a link leaves unsaved edits behind, and lets a saved grid go', async ({ page }) => {
  await page.goto(`${server.url}/items`);
  await expect(row(page, 'M-2')).toBeVisible();
  await field(page, 'M-2', 'unit').fill('crate');
  const asked: string[] = [];
  page.once('dialog', (d) => (asked.push(d.message()), d.dismiss()));
  await page.getByRole('navigation', { name: 'Supervisor console' }).getByRole('link', { name: 'Inventory' }).click();
  await expect.poll(() => asked.length).toBe(1);
  expect(asked[0]).toContain('1 edited row');
  await expect(page).toHaveURL(/\/items$/);
  await expect(field(page, 'M-2', 'unit')).toHaveValue('crate'); // the edit is still there
  await page.getByRole('button', { name: 'Discard edits' }).click();
  page.once('dialog', (d) => (asked.push(d.message()), d.dismiss()));
  await page.getByRole('navigation', { name: 'Supervisor console' }).getByRole('link', { name: 'Inventory' }).click();
  await expect(page).toHaveURL(/\/inventory$/);
  expect(asked).toHaveLength(1); // nothing to lose: no question
});

test('the item grid asks before a reload or a closed tab leaves unsaved edits behind', async ({ page }) => {
  await page.goto(`${server.url}/items`);
  await expect(row(page, 'M-2')).toBeVisible();
  await field(page, 'M-2', 'unit').fill('sack');
  // Closing the tab (or reloading) unloads the page: the browser asks, with its own words, and staying keeps the edit.
  const asked: string[] = [];
  page.once('dialog', (d) => (asked.push(d.type()), d.dismiss()));
  await page.close({ runBeforeUnload: true });
  await expect.poll(() => asked).toEqual(['beforeunload']);
  expect(page.isClosed()).toBe(false);
  await expect(field(page, 'M-2', 'unit')).toHaveValue('sack');
});

test('the board: a consume opens a signal live, acknowledge and fulfil take one click each', async ({ page }) => {
  await page.goto(`${server.url}/signals`);
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-status', 'live');
  await pushScans(server.url, [{ item_id: 'M-1', event_type: 'CONSUME', qty: 25 }]); // 30 - 25 = 5 <= 10
  const open = page.getByTestId('column-OPEN').getByTestId('signal-card');
  await expect(open).toHaveCount(1);
  await expect(open.getByTestId('signal-on-hand')).toHaveText('5');
  expect(await seriousViolations(page)).toEqual([]);

  await pushScans(server.url, [{ item_id: 'M-1', event_type: 'CONSUME', qty: 1 }]);
  await expect(open.getByTestId('signal-on-hand')).toHaveText('4'); // live on hand beside the triggered qty

  await page.getByRole('button', { name: 'Acknowledge M-1 at LINE-1' }).click();
  const acked = page.getByTestId('column-ACKNOWLEDGED').getByTestId('signal-card');
  await expect(acked).toHaveCount(1);
  await expect(acked).toContainText('supervisor@localhost');
  await page.getByRole('button', { name: 'Fulfil M-1 at LINE-1' }).click();
  await expect(page.getByTestId('column-FULFILLED').getByTestId('signal-card')).toHaveCount(1);
  await expect(page.getByTestId('column-OPEN').getByTestId('signal-card')).toHaveCount(0);
  await expect(page.getByTestId('signal-weeks').locator('tbody tr').first()).toContainText('1');
  expect(await seriousViolations(page)).toEqual([]);
});
