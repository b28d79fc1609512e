// axe-core on EVERY page: the routes are read from src/routes, so a new page fails this spec until it is listed
// here (with the URL to open it at) or named as checked by another spec. No serious or critical violations.
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { pushScans, seriousViolations } from './supervisor';
import { startServer, type TestServer } from './server';

const ROUTES_DIR = resolve(import.meta.dirname, '../../src/routes');

/** Every page route, as SvelteKit names it: '/', '/items/[item_id]', … */
function pageRoutes(dir = ROUTES_DIR): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return pageRoutes(path);
    return name === '+page.svelte'
      ? ['/' + relative(ROUTES_DIR, dir).split('\\').join('/')].map((r) => (r === '/' ? r : r.replace(/\/$/, '')))
      : [];
  });
}

// Checked, with the data they need, by the specs named.
const ELSEWHERE: Record<string, string> = {
  '/station': 'a11y.spec.ts (scanning), rejected.spec.ts (needs attention, resolved by a supervisor)',
  '/station/setup': 'a11y.spec.ts',
  '/station/settings': 'a11y.spec.ts',
  '/receive': 'slips.spec.ts',
  '/receive/[slip_id]': 'slips.spec.ts (the review of a parsed slip)',
  '/rejected': 'rejected.spec.ts (waiting and resolved)'
};

// The URL each page is audited at, once the data below is in place.
const HERE: Record<string, string> = {
  '/': '/',
  '/inventory': '/inventory',
  '/items': '/items',
  '/items/[item_id]': '/items/A11Y-1',
  '/signals': '/signals',
  '/locations': '/locations',
  '/data': '/data',
  '/devices': '/devices',
  '/analytics': '/analytics',
  '/categories': '/categories',
  '/counts': '/counts',
  '/suppliers': '/suppliers',
  '/suppliers/[supplier_id]': '/suppliers/NO-SUCH-SUPPLIER',
  '/purchase-orders': '/purchase-orders',
  '/purchase-orders/[po_id]': '/purchase-orders/00000000-0000-4000-8000-000000000000'
};

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer();
  // Stock at two locations, a low item with an open signal, and a negative one: every state the pages draw.
  await pushScans(server.url, [
    { item_id: 'A11Y-1', qty: 40 },
    { item_id: 'A11Y-1', event_type: 'CONSUME', qty: 3 },
    { item_id: 'A11Y-2', location_id: 'DOCK-1', qty: 5 },
    { item_id: 'A11Y-3', event_type: 'CONSUME', qty: 2 }
  ]);
  const res = await fetch(`${server.url}/api/items`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      rows: [
        {
          item_id: 'A11Y-1',
          description: 'Bolt M8',
          unit: 'ea',
          reorder_point: 50,
          reorder_qty: 100,
          gtin: null,
          active: true,
          version: 1
        }
      ]
    })
  });
  expect(res.status).toBe(200);
  await pushScans(server.url, [{ item_id: 'A11Y-1', event_type: 'CONSUME', qty: 1 }]); // below the reorder point: a signal
});
test.afterAll(async () => {
  await server?.stop();
});

/** Opens a page and waits until it has drawn its data: a heading, and nothing still loading. */
async function open(page: Page, url: string) {
  await page.goto(server.url + url);
  await expect(page.locator('h1').first()).toBeVisible();
  await expect(page.getByText(/^(Loading|Checking)…/)).toHaveCount(0);
}

test('every page is audited here or by a named spec', () => {
  const missing = pageRoutes().filter((r) => !(r in HERE) && !(r in ELSEWHERE));
  expect(missing, 'add the new page to HERE in tests/e2e/a11y-pages.spec.ts').toEqual([]);
});

// Only the pages this tree has (a listed page may not exist yet in every checkout).
for (const route of pageRoutes().filter((r) => r in HERE))
  test(`${route}: no serious accessibility violations`, async ({ page }) => {
    await open(page, HERE[route]);
    expect(await seriousViolations(page)).toEqual([]);
  });
