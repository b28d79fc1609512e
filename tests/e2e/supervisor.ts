// What the specs share to set a plant up and check pages: scans pushed as a tablet would, the item master imported,
// and the axe-core check.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect, type Page } from '@playwright/test';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
let seq = 0;

export interface Scan {
  item_id: string;
  location_id?: string;
  event_type?: 'INTAKE' | 'CONSUME';
  qty?: number;
}

/** POST /api/sync/events for a test device; every scan must be applied. */
export async function pushScans(baseUrl: string, scans: Scan[], deviceId = 'e2e-api') {
  const events = scans.map((s) => ({
    event_id: randomUUID(),
    device_seq: ++seq,
    event_type: s.event_type ?? 'INTAKE',
    item_id: s.item_id,
    qty: s.qty ?? 1,
    location_id: s.location_id ?? 'LINE-1',
    station_id: 'ST-API',
    source: 'manual',
    captured_at: new Date().toISOString()
  }));
  const res = await fetch(`${baseUrl}/api/sync/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ device_id: deviceId + '-' + process.pid, events })
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { results: { status: string; reason?: string }[] };
  expect(body.results.map((r) => r.status)).toEqual(events.map(() => 'applied'));
}

/** POST /api/items/import: the plant's item master as CSV, as a supervisor imports it; it must be accepted. */
export async function importItems(baseUrl: string, csv: string) {
  const res = await fetch(`${baseUrl}/api/items/import`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', 'x-linesync-client': '1' },
    body: csv
  });
  expect(res.status, await res.text()).toBeLessThan(300);
}

/** A JSON request to the API as the console makes it; it must be accepted. Answers the parsed body (null when empty). */
export async function sendJson(baseUrl: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-linesync-client': '1' },
    body: body === undefined ? undefined : JSON.stringify(body)
  });
  const text = await res.text();
  expect(res.status, text).toBeLessThan(300);
  return text ? JSON.parse(text) : null;
}

/** A new supplier with one part it sells, preferred, through the console's grid saves (PATCH), as a supervisor adds them. */
export async function addSupplierPart(
  baseUrl: string,
  supplier: { supplier_id: string; name: string; lead_time_days: number; contact?: string },
  part: { supplier_part: string; item_id: string; pack_size?: number; price?: number | null }
) {
  const { supplier_id } = supplier;
  await sendJson(baseUrl, 'PATCH', '/api/suppliers', {
    rows: [{ contact: '', address: '', latitude: null, longitude: null, active: true, version: null, ...supplier }]
  });
  await sendJson(baseUrl, 'PATCH', '/api/supplier-items', {
    rows: [{ supplier_id, pack_size: 1, price: null, preferred: true, version: null, ...part }]
  });
}

/** axe-core over the page as it is now: the serious and critical violations, described. */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated, not added as a <script>: the app's Content-Security-Policy refuses inline script tags.
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => {
    type Result = { violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] };
    return (window as unknown as { axe: { run(ctx: Document): Promise<Result> } }).axe.run(document);
  });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
