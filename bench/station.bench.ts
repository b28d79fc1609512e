// The station in Chromium against the real server: scan to on-screen confirmation (IndexedDB commit included),
// 10,000 pending scans drained after reconnect, the station route's initial JavaScript, gzipped, the recovery
// journal read at its bound, and count mode (500 parts counted at one location, finished and synced).
// Builds the app first (the figures are of the code as it is now).
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../playwright.config';
import { startServer, type TestServer } from '../tests/e2e/server';
import { pendingCount, seedPending } from '../tests/e2e/tablet';
import { RESTORE_MEASURE } from '../src/lib/client/db';
import { JOURNAL_MAX_SCANS } from '../src/lib/client/journal';
import { percentile, round, type BenchFn } from './harness';

const ROOT = join(import.meta.dirname, '..');

async function setUp(page: Page, url: string) {
  await page.goto(`${url}/station`);
  await page.waitForURL(/\/station\/setup$/);
  await page.fill('[data-testid=setup-name]', 'Bench tablet');
  await page.fill('[data-testid=setup-station]', 'ST-BENCH');
  await page.fill('[data-testid=setup-location]', 'LINE-1');
  await page.click('[data-testid=setup-save]');
  await page.waitForURL(/\/station$/);
  await page.waitForSelector('[data-testid=scan-message]:text("Ready: scan a code.")');
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller)
      await new Promise<void>((r) =>
        navigator.serviceWorker.addEventListener('controllerchange', () => r(), { once: true })
      );
  });
}

/**
 * Submits `n` codes through the manual-entry form, timing each from submit until its row is in the list; `gapMs`
 * after each, as a scanner on the floor leaves between codes (0: back to back).
 * (No named functions inside evaluate: tsx's keepNames would reference a helper the page does not have.)
 */
function scanTimes(page: Page, n: number, gapMs: number): Promise<number[]> {
  return page.evaluate(
    async ({ n, gapMs }) => {
      const input = document.querySelector<HTMLInputElement>('[data-testid=manual-code]')!;
      const startSeq = Number(document.querySelector('[data-testid=recent-scans] li')?.getAttribute('data-seq') ?? 0);
      const times: number[] = [];
      for (let i = 1; i <= n; i++) {
        const seq = startSeq + i;
        const shown = new Promise<void>((resolve) => {
          const mo = new MutationObserver(() => {
            if (document.querySelector(`[data-testid=recent-scans] li[data-seq="${seq}"]`)) {
              mo.disconnect();
              resolve();
            }
          });
          mo.observe(document.body, { childList: true, subtree: true });
        });
        const t0 = performance.now();
        input.value = `ITEM=BENCH-${i % 10};QTY=${1 + (i % 5)}`;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        input.form!.requestSubmit();
        await shown;
        times.push(performance.now() - t0);
        if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
      }
      return times;
    },
    { n, gapMs }
  );
}

/** Reloads the station (offline, from the service worker) and answers how long the open's journal restore took. */
async function reopenRestoreMs(page: Page): Promise<number> {
  await page.reload();
  await page.waitForFunction((name) => performance.getEntriesByName(name).length > 0, RESTORE_MEASURE);
  return page.evaluate((name) => performance.getEntriesByName(name)[0].duration, RESTORE_MEASURE);
}

/**
 * The recovery journal at its bound: every open reads it whole. Timed on an open where the outbox holds every scan
 * (each start of the station), and on one after the browser deleted the database (all of them put back).
 */
async function journalAtBound(browser: Browser, url: string, scans: number) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await setUp(page, url);
    await context.setOffline(true);
    await scanTimes(page, scans, 0);
    const bytes = await page.evaluate(
      () => Object.keys(localStorage).reduce((n, k) => n + k.length + (localStorage.getItem(k)?.length ?? 0), 0) * 2
    );
    const normal = await reopenRestoreMs(page);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Storage.clearDataForOrigin', { origin: url, storageTypes: 'indexeddb' });
    const wiped = await reopenRestoreMs(page);
    const pending = await pendingCount(page);
    if (pending !== scans) throw new Error(`the journal put back ${pending} of ${scans} scans`);
    return { normal, wiped, kb: bytes / 1024 };
  } finally {
    await context.close();
  }
}

async function initialJsGzipKb(browser: Browser, url: string): Promise<{ kb: number; files: number }> {
  // No service worker here: it would fetch every file of the app at install, and only the page's own count.
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  const scripts = new Set<string>();
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (r.resourceType() === 'script' || u.pathname.endsWith('.js')) scripts.add(u.pathname);
  });
  await page.goto(`${url}/station`, { waitUntil: 'networkidle' });
  await context.close();
  let bytes = 0;
  for (const path of scripts) bytes += gzipSync(readFileSync(join(ROOT, 'build', path))).length;
  return { kb: bytes / 1024, files: scripts.size };
}

/**
 * The plant's item list, so the station checks every scan against it (the misread and unknown-part checks run on
 * each code): the parts the scans name, among a few hundred others.
 */
async function importItems(url: string) {
  const rows = ['item_id,description,unit'];
  for (let i = 0; i < 10; i++) rows.push(`BENCH-${i},Bench part ${i},ea`);
  for (let i = 0; i < 490; i++) rows.push(`PLANT-${i},Plant part ${i},ea`);
  const res = await fetch(`${url}/api/items/import`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', 'x-linesync-client': '1' },
    body: rows.join('\n') + '\n'
  });
  if (!res.ok) throw new Error(`item import answered ${res.status}: ${await res.text()}`);
}

/**
 * Count mode at a location holding `parts` parts, as a worker counts it: the location's label opens the sheet (a line
 * per part the tablet expects there), each part is scanned once with its counted quantity (timed from submit until
 * the station says it is counted: the sheet kept in IndexedDB included), then Finish (timed until the station says
 * the count is recorded: one COUNT per part, one transaction) and the sync (until nothing is pending).
 */
async function countMode(browser: Browser, url: string, parts: number) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await setUp(page, url);
    await page.waitForSelector('[data-testid=stock-as-of]:text("Stock as of")');
    await page.click('[data-testid=mode-count]');
    await page.fill('[data-testid=manual-code]', 'LOC=COUNT-BAY');
    await page.press('[data-testid=manual-code]', 'Enter');
    await page.waitForSelector(`[data-testid=count-sheet] tbody tr:nth-child(${parts})`);
    const times = await page.evaluate(async (parts) => {
      const input = document.querySelector<HTMLInputElement>('[data-testid=manual-code]')!;
      const message = document.querySelector('[data-testid=scan-message]')!;
      const out: number[] = [];
      for (let i = 0; i < parts; i++) {
        const item = i < 10 ? `BENCH-${i}` : `PLANT-${i - 10}`;
        const qty = 1 + (i % 7);
        const done = new Promise<void>((resolve) => {
          const mo = new MutationObserver(() => {
            if (message.textContent?.trim() === `COUNT ${item}: ${qty} counted`) {
              mo.disconnect();
              resolve();
            }
          });
          mo.observe(message, { childList: true, characterData: true, subtree: true });
        });
        const t0 = performance.now();
        input.value = `ITEM=${item};QTY=${qty}`;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        input.form!.requestSubmit();
        await done;
        out.push(performance.now() - t0);
      }
      return out;
    }, parts);
    const t0 = Date.now();
    await page.click('[data-testid=count-finish]');
    await page.waitForSelector('[data-testid=scan-message]:text-matches("^Count at COUNT-BAY recorded")');
    const finishMs = Date.now() - t0;
    const t1 = Date.now();
    while ((await pendingCount(page)) > 0) {
      if (Date.now() - t1 > 120_000) throw new Error('the count did not sync within 2 minutes');
      await new Promise((r) => setTimeout(r, 20));
    }
    const syncMs = Date.now() - t1;
    const res = await fetch(`${url}/api/counts?location_id=COUNT-BAY&limit=1000`);
    const reported = res.ok ? ((await res.json()) as { rows: unknown[] }).rows.length : -res.status;
    if (reported !== parts) throw new Error(`the counts report holds ${reported} counts of ${parts}`);
    return { times: times.sort((a, b) => a - b), finishMs, syncMs };
  } finally {
    await context.close();
  }
}

/** Stock of every bench part at the counted location, pushed as another tablet would have. */
async function stockForCount(url: string, parts: number) {
  const events = Array.from({ length: parts }, (_, i) => ({
    event_id: randomUUID(),
    device_seq: i + 1,
    event_type: 'INTAKE',
    item_id: i < 10 ? `BENCH-${i}` : `PLANT-${i - 10}`,
    qty: 5,
    location_id: 'COUNT-BAY',
    source: 'manual',
    captured_at: new Date().toISOString()
  }));
  const res = await fetch(`${url}/api/sync/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-linesync-client': '1' },
    body: JSON.stringify({ device_id: 'bench-count-stock', events })
  });
  if (!res.ok) throw new Error(`the stock push answered ${res.status}: ${await res.text()}`);
}

const bench: BenchFn = async (ctx) => {
  const scans = ctx.quick ? 100 : 500;
  const drain = ctx.quick ? 2_000 : 10_000;
  ctx.log('building the app');
  execFileSync('npx', ['vite', 'build'], { cwd: ROOT, stdio: 'ignore' });
  let server: TestServer | null = null;
  let browser: Browser | null = null;
  try {
    server = await startServer({ adminUrl: ctx.adminUrl });
    await importItems(server.url);
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    await setUp(page, server.url);
    await page.waitForSelector('[data-testid=stock-as-of]:text("Stock as of")');

    ctx.log(
      `${scans} scans through the form at 10 a second, then ${scans} back to back, offline (only the tablet in the way)`
    );
    await context.setOffline(true);
    await scanTimes(page, 20, 0); // warm-up: JIT, first IndexedDB pages
    const times = (await scanTimes(page, scans, 100)).sort((a, b) => a - b);
    const burst = (await scanTimes(page, scans, 0)).sort((a, b) => a - b);

    ctx.log(`${drain} pending scans, then back online`);
    await seedPending(page, drain);
    await page.reload();
    const before = await pendingCount(page);
    const t0 = Date.now();
    await context.setOffline(false);
    while ((await pendingCount(page)) > 0) {
      if (Date.now() - t0 > 300_000) throw new Error('the drain did not finish within 5 minutes');
      await new Promise((r) => setTimeout(r, 50));
    }
    const drainS = (Date.now() - t0) / 1000;
    await context.close();

    const js = await initialJsGzipKb(browser, server.url);

    const journalScans = ctx.quick ? 1_000 : JOURNAL_MAX_SCANS;
    ctx.log(`${journalScans} scans offline fill the recovery journal; reopen, then reopen with the database deleted`);
    const journal = await journalAtBound(browser, server.url, journalScans);

    const countParts = ctx.quick ? 100 : 500;
    ctx.log(`count mode: ${countParts} parts at one location counted, finished and synced`);
    await stockForCount(server.url, countParts);
    const count = await countMode(browser, server.url, countParts);
    const p50 = percentile(times, 50);
    const p95 = percentile(times, 95);
    return {
      key: 'station',
      results: {
        scans,
        scan_to_screen_p50_ms: round(p50, 2),
        scan_to_screen_p95_ms: round(p95, 2),
        scan_to_screen_max_ms: round(times[times.length - 1], 2),
        scan_to_screen_back_to_back_p50_ms: round(percentile(burst, 50), 2),
        scan_to_screen_back_to_back_p95_ms: round(percentile(burst, 95), 2),
        drained_events: before,
        drain_seconds: round(drainS, 2),
        drain_events_per_s: Math.round(before / drainS),
        station_initial_js_gzip_kb: round(js.kb, 1),
        station_initial_js_files: js.files,
        journal_scans: journalScans,
        journal_kb: round(journal.kb, 0),
        journal_open_ms: round(journal.normal, 1),
        journal_restore_all_ms: round(journal.wiped, 1),
        count_parts: countParts,
        count_scan_p50_ms: round(percentile(count.times, 50), 2),
        count_scan_p95_ms: round(percentile(count.times, 95), 2),
        count_finish_ms: count.finishMs,
        count_sync_ms: count.syncMs
      },
      rows: [
        [`scan → on screen, p50 (${scans} at 10/s)`, `${round(p50, 2)} ms`, 'IndexedDB strict commit included'],
        [`scan → on screen, p95 (${scans} at 10/s)`, `${round(p95, 2)} ms`, 'target ≤ 16 ms'],
        [
          `scan → on screen, p95 (${scans} back to back)`,
          `${round(percentile(burst, 95), 2)} ms`,
          'no pause between scans'
        ],
        [`drain ${before} pending after reconnect`, `${round(drainS, 2)} s`, 'target ≤ 5 s for 10,000'],
        [`station initial JS, gzipped (${js.files} files)`, `${round(js.kb, 1)} KB`, 'target ≤ 150 KB'],
        [
          `journal of ${journalScans} scans (${round(journal.kb, 0)} KB): read at open`,
          `${round(journal.normal, 1)} ms`,
          'every start of the station'
        ],
        [
          `journal of ${journalScans} scans: database deleted, all put back`,
          `${round(journal.wiped, 1)} ms`,
          'once, after the browser lost IndexedDB'
        ],
        [
          `count: scan → counted, p95 (${countParts} parts)`,
          `${round(percentile(count.times, 95), 2)} ms`,
          `p50 ${round(percentile(count.times, 50), 2)} ms; the sheet kept in IndexedDB each scan`
        ],
        [
          `count: finish ${countParts} parts → recorded`,
          `${count.finishMs} ms`,
          `${countParts} COUNT events, one transaction`
        ],
        [`count: finished → synced`, `${count.syncMs} ms`, 'until nothing is pending']
      ]
    };
  } finally {
    await browser?.close();
    await server?.stop();
  }
};

export default bench;
