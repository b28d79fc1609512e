// Security in the browser: every page runs under the server's Content-Security-Policy with no violation, HTML in item
// ids and descriptions is shown as text on every page, and the service worker never keeps an /api response.
import { expect, test, type Page } from '@playwright/test';
import { startServer, type TestServer } from './server';
import { recordManually, setUpStation, waitForServiceWorker } from './station';
import { pushScans } from './supervisor';

const HOSTILE_ID = '<img src=x onerror="window.__xss=1">';
const HOSTILE_DESCRIPTION = '<b id="xss-b">bold</b><script>window.__xss=2</script>';

// Every page of the app (src/routes/**/+page.svelte), the item page for the hostile item among them.
const PAGES = [
  '/',
  '/station/setup',
  '/station',
  '/station/settings',
  '/inventory',
  '/signals',
  '/items',
  `/items/${encodeURIComponent(HOSTILE_ID)}`,
  '/devices',
  '/locations',
  '/receive',
  '/data'
];
const SHOWS_ITEMS = new Set(['/inventory', '/signals', '/items', `/items/${encodeURIComponent(HOSTILE_ID)}`]);

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer();
  // A placeholder item from a scan, given a hostile description and a reorder point, then consumed below it so a
  // signal opens and the item appears on every supervisor page.
  await pushScans(server.url, [{ item_id: HOSTILE_ID, qty: 10 }]);
  const item = (await (await fetch(`${server.url}/api/items/${encodeURIComponent(HOSTILE_ID)}`)).json()) as {
    version: number;
  };
  const saved = await fetch(`${server.url}/api/items`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      rows: [
        {
          item_id: HOSTILE_ID,
          description: HOSTILE_DESCRIPTION,
          unit: 'ea',
          reorder_point: 5,
          reorder_qty: 20,
          gtin: null,
          active: true,
          version: item.version
        }
      ]
    })
  });
  expect(saved.status).toBe(200);
  await pushScans(server.url, [{ item_id: HOSTILE_ID, event_type: 'CONSUME', qty: 6 }]);
});
test.afterAll(async () => {
  await server?.stop();
});

/** Records every CSP violation the page reports, from the event and from the console. */
async function watchCsp(page: Page): Promise<string[]> {
  const seen: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (load|execute|apply|connect|frame|create)/i.test(m.text()))
      seen.push(`${page.url()}: ${m.text()}`);
  });
  await page.exposeFunction('__cspViolation', (s: string) => seen.push(s));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { __cspViolation(s: string): void }).__cspViolation(
        `${location.pathname}: ${e.violatedDirective} ${e.blockedURI}`
      )
    );
  });
  return seen;
}

test('every page runs under the CSP with no violation, and shows HTML in item data as text', async ({ page }) => {
  const violations = await watchCsp(page);
  const home = await page.goto(`${server.url}/`);
  const csp = home!.headers()['content-security-policy'];
  expect(csp).toMatch(/script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')+;/);
  expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(home!.headers()['x-content-type-options']).toBe('nosniff');
  expect(home!.headers()['referrer-policy']).toBe('no-referrer');
  const api = await fetch(`${server.url}/api/health`);
  expect(api.headers.get('x-content-type-options')).toBe('nosniff');

  await setUpStation(page, server.url, 'CSP tablet');
  for (const path of PAGES) {
    await page.goto(`${server.url}${path}`);
    await page.waitForLoadState('networkidle');
    await expect(page.locator('main, body').first()).toBeVisible();
    if (SHOWS_ITEMS.has(path)) await expect(page.getByText(HOSTILE_ID).first(), path).toBeVisible();
    expect(await page.locator('#xss-b').count(), path).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), path).toBeUndefined();
  }
  await page.goto(`${server.url}/items`);
  await expect(page.getByRole('textbox', { name: `Description of ${HOSTILE_ID}` })).toHaveValue(HOSTILE_DESCRIPTION);
  expect(violations).toEqual([]);
});

test('after scanning and syncing, Cache Storage holds no /api response', async ({ page }) => {
  const violations = await watchCsp(page);
  await setUpStation(page, server.url, 'Cache tablet');
  await waitForServiceWorker(page);
  await recordManually(page, 'E2E-CACHE');
  await expect(page.getByTestId('scan-message')).toContainText('E2E-CACHE');
  await page.reload();
  for (const path of ['/inventory', '/signals', '/items', '/devices', '/station']) {
    await page.goto(`${server.url}${path}`);
    await page.waitForLoadState('networkidle');
  }
  const cached = await page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys())
      for (const req of await (await caches.open(name)).keys()) urls.push(req.url);
    return urls;
  });
  expect(cached.length).toBeGreaterThan(0); // the app shell is there: the check looked at a real cache
  expect(cached.filter((u) => new URL(u).pathname.startsWith('/api'))).toEqual([]);
  expect(violations).toEqual([]);
});
