// The analytics page and the item page's forecast on the real server: charts from the gold views with the figures
// pushed through the API, the AI/BI dashboard framed only when DASHBOARD_EMBED_URL is set (and the CSP allowing
// exactly its origin then, nothing otherwise), the suggested reorder point applied through the item master's save,
// and no serious accessibility violations.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { startServer, type TestServer } from './server';
import { pushScans, seriousViolations } from './supervisor';

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer();
});
test.afterAll(async () => {
  await server?.stop();
});

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${server.url}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...(init.headers ?? {}) }
  });
  expect(res.status, `${init.method ?? 'GET'} ${path}: ${res.status}`).toBeLessThan(300);
  return (await res.json()) as T;
}

test('the analytics page charts consumption, signals and throughput; no dashboard frame without DASHBOARD_EMBED_URL', async ({
  page
}) => {
  await pushScans(server.url, [
    { item_id: 'E2E-AN-1', qty: 50 },
    { item_id: 'E2E-AN-2', qty: 10 },
    { item_id: 'E2E-AN-2', event_type: 'CONSUME', qty: 2 }
  ]);
  // A reorder point of 45, then a consume to 42 opens a signal; fulfilling it closes the week's loop.
  const item = await api<Record<string, unknown>>('/api/items/E2E-AN-1');
  const { item_id, description, unit, reorder_qty, gtin, active, version } = item;
  await api('/api/items', {
    method: 'PATCH',
    body: JSON.stringify({
      rows: [{ item_id, description, unit, reorder_point: 45, reorder_qty, gtin, active, version }]
    })
  });
  await pushScans(server.url, [
    { item_id: 'E2E-AN-1', event_type: 'CONSUME', qty: 5 },
    { item_id: 'E2E-AN-1', event_type: 'CONSUME', qty: 3 }
  ]);
  const { rows } = await api<{ rows: { signal_id: string; item_id: string }[] }>('/api/signals');
  const signal = rows.find((r) => r.item_id === 'E2E-AN-1')!;
  await api(`/api/signals/${signal.signal_id}/fulfill`, { method: 'POST', body: '{}' });

  const response = await page.goto(`${server.url}/analytics`);
  expect(response!.headers()['content-security-policy']).toContain("frame-src 'none'");
  await expect(page.getByRole('heading', { level: 1, name: 'Analytics' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Analytics' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('consumption-chart').locator('figcaption')).toContainText(
    '10 in all; most used E2E-AN-1 (8), E2E-AN-2 (2)'
  );
  await expect(page.getByTestId('signals-chart').locator('figcaption')).toContainText('1 opened, 1 fulfilled');
  await expect(page.getByTestId('throughput-chart').locator('figcaption')).toContainText(
    'ST-API 5 scans, 70 units, 0 undone'
  );
  // The numbers behind a chart, as a table.
  const consumption = page.getByTestId('consumption-chart');
  await consumption.getByText('The numbers').click();
  const lastRow = consumption.locator('tbody tr').last();
  await expect(lastRow.locator('td')).toHaveText(['8', '2', '10']);
  await expect(page.getByTestId('dashboard-embed')).toHaveCount(0);
  expect(await seriousViolations(page)).toEqual([]);

  // A longer window asks the API again.
  await page.getByTestId('throughput-hours').selectOption('48');
  await expect(page.getByTestId('throughput-chart').locator('figcaption')).toContainText('over the last 48 hours');
});

test('with DASHBOARD_EMBED_URL the page frames the dashboard, and the CSP allows that origin only', async ({
  page
}) => {
  const embed = 'https://127.0.0.1:9/embed/dashboardsv3/01e2e?o=1';
  await server.kill();
  await server.start({ DASHBOARD_EMBED_URL: embed });
  try {
    const response = await page.goto(`${server.url}/analytics`);
    const csp = response!.headers()['content-security-policy'];
    expect(csp).toContain('frame-src https://127.0.0.1:9;');
    expect(csp).toContain("frame-ancestors 'none'");
    const frame = page.getByTestId('dashboard-embed');
    await expect(frame).toHaveAttribute('src', embed);
    await expect(frame).toHaveAttribute('title', 'Databricks AI/BI dashboard');
  } finally {
    await server.kill();
    await server.start({ DASHBOARD_EMBED_URL: '' });
  }
  // Unset again: no frame, nothing allowed.
  const again = await page.goto(`${server.url}/analytics`);
  expect(again!.headers()['content-security-policy']).toContain("frame-src 'none'");
  await expect(page.getByTestId('consumption-chart')).toBeVisible();
  await expect(page.getByTestId('dashboard-embed')).toHaveCount(0);
});

test('the item page forecasts demand and applies the suggested reorder point through the item save', async ({
  page
}) => {
  // 4 a day on each of the last 14 whole days (after an intake of 1000 a day earlier).
  const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString();
  let seq = 0;
  const events = [
    { event_type: 'INTAKE', qty: 1000, captured_at: day(15) },
    ...Array.from({ length: 14 }, (_, i) => ({ event_type: 'CONSUME', qty: 4, captured_at: day(i + 1) }))
  ].map((e) => ({
    ...e,
    event_id: randomUUID(),
    device_seq: ++seq,
    item_id: 'E2E-FC',
    location_id: 'LINE-1',
    station_id: 'ST-FC',
    source: 'manual'
  }));
  const pushed = await api<{ results: { status: string }[] }>('/api/sync/events', {
    method: 'POST',
    body: JSON.stringify({ device_id: `e2e-fc-${process.pid}`, events })
  });
  expect(pushed.results.every((r) => r.status === 'applied')).toBe(true);

  await page.goto(`${server.url}/items/E2E-FC`);
  const forecast = page.getByTestId('forecast');
  await expect(forecast.getByTestId('forecast-chart')).toBeVisible();
  await expect(page.getByTestId('on-hand-chart')).toBeVisible();
  await expect(forecast.getByTestId('forecast-source')).toContainText('computed here: exponential smoothing (α 0.1)');
  await expect(forecast.getByTestId('lead-time')).toContainText('7 days — the default (no preferred supplier)');
  // The day of the intake counts as a day without consumption: 15 days, 0 then 4 × 14; σ > 0, so some safety stock.
  const suggested = Number(await forecast.getByTestId('suggested-reorder-point').textContent());
  expect(suggested).toBeGreaterThan(14);
  expect(await seriousViolations(page)).toEqual([]);

  // Someone else saves the item after the page loaded: the apply is refused (409), the page takes their version,
  // and a second apply goes through.
  const before = await api<Record<string, unknown>>('/api/items/E2E-FC');
  const { item_id, unit, reorder_point, reorder_qty, gtin, active, version } = before;
  await api('/api/items', {
    method: 'PATCH',
    body: JSON.stringify({
      rows: [{ item_id, description: 'Changed elsewhere', unit, reorder_point, reorder_qty, gtin, active, version }]
    })
  });
  await forecast.getByTestId('apply-reorder-point').click();
  await expect(forecast.getByTestId('apply-message')).toContainText('Someone changed this item since the page loaded');
  await expect(page.getByText('Changed elsewhere', { exact: true })).toBeVisible();
  await forecast.getByTestId('apply-reorder-point').click();
  await expect(forecast.getByTestId('apply-message')).toHaveText(`Reorder point set to ${suggested}.`);
  await expect(page.locator('dt', { hasText: 'Reorder point' }).first().locator('+ dd')).toHaveText(String(suggested));
  await expect(forecast.getByTestId('apply-reorder-point')).toBeDisabled();
  // The save went through the item master: audited, at a new version.
  const audit = await api<{ rows: { after: { reorder_point: number } }[] }>('/api/items/E2E-FC/audit');
  expect(audit.rows[0].after.reorder_point).toBe(suggested);

  // A higher service level asks for more safety stock.
  await forecast.getByTestId('service-level').selectOption('0.99');
  await expect(forecast.getByTestId('suggested-reorder-point')).not.toHaveText(String(suggested));
  expect(Number(await forecast.getByTestId('suggested-reorder-point').textContent())).toBeGreaterThan(suggested);
});

test('Ask LineSync without a Genie space explains how to set one up, and the charts still answer', async ({ page }) => {
  await page.goto(`${server.url}/analytics`);
  const box = page.getByTestId('genie');
  await expect(box.getByRole('heading', { name: 'Ask LineSync' })).toBeVisible();
  await expect(box.getByTestId('genie-setup')).toContainText('databricks.genie.yml');
  await expect(box.getByTestId('genie-setup')).toContainText('GENIE_SPACE_ID');
  await expect(box.getByTestId('genie-question')).toHaveCount(0);
  await expect(page.getByTestId('consumption-source')).toBeVisible();
  await expect(page.getByTestId('throughput-source')).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('Ask LineSync with a Genie space shows the answer, the SQL it ran and the result; a failure says why', async ({
  page
}) => {
  // A stand-in workspace answering the Genie Conversation API in its documented shapes.
  const space = '01ef34712a29169db030324fd0e1df5f';
  const base = `/api/2.0/genie/spaces/${space}/conversations/c1/messages/m1`;
  let reply: 'completed' | 'failed' = 'completed';
  let polls = 0;
  const genie: Server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    const msg = (status: string, extra = {}) => ({ conversation_id: 'c1', message_id: 'm1', status, ...extra });
    if (req.method === 'POST' && req.url === `/api/2.0/genie/spaces/${space}/start-conversation`) {
      polls = 0;
      return res.end(JSON.stringify({ conversation_id: 'c1', message_id: 'm1', message: msg('SUBMITTED') }));
    }
    if (req.url === base) {
      polls++;
      if (polls < 3) return res.end(JSON.stringify(msg('EXECUTING_QUERY')));
      if (reply === 'failed')
        return res.end(JSON.stringify(msg('FAILED', { error: { error: 'The warehouse is stopped' } })));
      return res.end(
        JSON.stringify(
          msg('COMPLETED', {
            attachments: [
              { attachment_id: 'a1', text: { content: 'One item is below zero at LINE-1.' } },
              {
                attachment_id: 'a2',
                query: {
                  query: 'SELECT item_id, on_hand FROM gold_on_hand_history WHERE on_hand < 0',
                  description: 'Negative stock'
                }
              },
              { attachment_id: 'a3', suggested_questions: { questions: ['When did it go negative?'] } }
            ]
          })
        )
      );
    }
    if (req.url === `${base}/attachments/a2/query-result`)
      return res.end(
        JSON.stringify({
          statement_response: {
            manifest: {
              schema: {
                columns: [
                  { name: 'item_id', position: 0 },
                  { name: 'on_hand', position: 1 }
                ]
              }
            },
            result: { data_array: [['E2E-NEG', '-4']] }
          }
        })
      );
    res.statusCode = 404;
    res.end(JSON.stringify({ error_code: 'NOT_FOUND', message: req.url }));
  });
  await new Promise<void>((r) => genie.listen(0, '127.0.0.1', r));
  const host = `http://127.0.0.1:${(genie.address() as AddressInfo).port}`;
  await server.kill();
  await server.start({
    GENIE_SPACE_ID: space,
    GENIE_POLL_MS: '20',
    DATABRICKS_HOST: host,
    DATABRICKS_TOKEN: 'dapi-e2e',
    DATABRICKS_AUTH_TYPE: 'pat',
    DATABRICKS_CONFIG_FILE: '/nonexistent/.databrickscfg'
  });
  try {
    await page.goto(`${server.url}/analytics`);
    const box = page.getByTestId('genie');
    await expect(box).toHaveAttribute('data-configured', 'true');
    await expect(box.getByTestId('genie-setup')).toHaveCount(0);
    const input = box.getByLabel('A question about stock, consumption, signals or stations');
    await expect(input).toHaveAttribute('maxlength', '500');
    await input.fill('Which items are below zero?');
    await box.getByTestId('genie-ask').click();
    await expect(box.getByTestId('genie-text')).toHaveText('One item is below zero at LINE-1.');
    await box.getByTestId('genie-sql').locator('summary').click();
    await expect(box.getByTestId('genie-sql')).toContainText('FROM gold_on_hand_history WHERE on_hand < 0');
    const table = box.getByTestId('genie-table');
    await expect(table.locator('th')).toHaveText(['item_id', 'on_hand']);
    await expect(table.locator('tbody tr td')).toHaveText(['E2E-NEG', '-4']);
    await expect(page.getByTestId('consumption-source')).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);

    // A suggested question fills the box; a failed answer says why, in the box only.
    await box.getByRole('button', { name: 'When did it go negative?' }).click();
    await expect(input).toHaveValue('When did it go negative?');
    reply = 'failed';
    await box.getByTestId('genie-ask').click();
    await expect(box.getByTestId('genie-error')).toHaveText('Genie could not answer: The warehouse is stopped');
    await expect(box.getByTestId('genie-answer')).toHaveCount(0);
    await expect(page.getByRole('alert')).toHaveCount(1);
  } finally {
    await server.kill();
    await server.start({ GENIE_SPACE_ID: '', DATABRICKS_HOST: '', DATABRICKS_TOKEN: '', DATABRICKS_AUTH_TYPE: '' });
    await new Promise<void>((r) => genie.close(() => r()));
  }
});
