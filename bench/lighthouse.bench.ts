// Lighthouse 12 against the built app as a new user starts it (`npm run build`, then `npm start`: the embedded
// database with the sample plant), in Debian's Chromium: /station on the mobile preset (a mid-range phone's CPU and
// network, emulated), /inventory and every other console page on the desktop preset. Each page three times; every
// figure is the median of its three runs. /station is measured as a set-up tablet opens it: before its runs the
// tablet is set up once through /station/setup (a fresh profile would otherwise draw the station and go straight to
// the setup form, which is not the screen a worker waits for). Lighthouse still clears the service worker, its
// caches and the HTTP cache before every run, so each run loads every byte over the emulated network; it keeps
// IndexedDB and localStorage (its default), which is where the setup lives. LIGHTHOUSE_ONLY=station_mobile,console_items measures just those pages and
// keeps the other pages' last figures.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import { chromium } from 'playwright-core';
import lighthouse, { desktopConfig, type Config, type Flags } from 'lighthouse';
import { spawnMain } from '../tests/reliability/server-process';
import { round, type BenchFn } from './harness';

const ROOT = join(import.meta.dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROME_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
];
/** LIGHTHOUSE_RUNS=1: one run a page, for a quick survey (the figures are then that run's, not a median). */
const RUNS = Number(process.env.LIGHTHOUSE_RUNS ?? 3);

interface Run {
  score: number;
  fcp: number;
  lcp: number;
  tbt: number;
  cls: number;
  /** What moved, for the log: each layout shift's element and score. */
  shifts: string;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

function shiftsOf(details: unknown): string {
  const items = (details as { items?: { node?: { selector?: string }; score?: number }[] } | undefined)?.items ?? [];
  return items.map((i) => `${i.node?.selector ?? '?'} ${(i.score ?? 0).toFixed(3)}`).join('; ');
}

/** LIGHTHOUSE_REPORTS=dir: each run's whole report (lhr JSON) is written there, to see what a figure is made of. */
const REPORTS = process.env.LIGHTHOUSE_REPORTS;

async function audit(port: number, url: string, config: Config | undefined, name: string): Promise<Run> {
  const flags: Flags = { port, output: 'json', logLevel: 'error', onlyCategories: ['performance'] };
  const result = await lighthouse(url, flags, config);
  if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
  const { lhr } = result;
  if (lhr.runtimeError) throw new Error(`Lighthouse on ${url}: ${lhr.runtimeError.message}`);
  // A figure of another page than the one named (a redirect, say to /station/setup) is no figure of this one.
  const landed = new URL(lhr.finalDisplayedUrl).pathname;
  if (landed !== new URL(url).pathname) throw new Error(`Lighthouse on ${url} ended at ${landed}`);
  if (REPORTS) {
    mkdirSync(REPORTS, { recursive: true });
    writeFileSync(join(REPORTS, `${name}.json`), JSON.stringify(lhr));
  }
  const n = (id: string) => lhr.audits[id]?.numericValue ?? NaN;
  return {
    score: lhr.categories.performance.score ?? NaN,
    fcp: n('first-contentful-paint'),
    lcp: n('largest-contentful-paint'),
    tbt: n('total-blocking-time'),
    cls: n('cumulative-layout-shift'),
    shifts: shiftsOf(lhr.audits['layout-shifts']?.details)
  };
}

const bench: BenchFn = async (ctx) => {
  // LIGHTHOUSE_NO_BUILD=1 measures build/ as it stands (a figure of the code before a change, say).
  if (process.env.LIGHTHOUSE_NO_BUILD !== '1') {
    ctx.log('building the app (under /tmp/e2e.lock)');
    execFileSync('flock', ['/tmp/e2e.lock', 'npm', 'run', 'build'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit']
    });
  }

  // `npm start` as the README gives it: the embedded database, with the sample plant loaded.
  const dataDir = mkdtempSync(join(tmpdir(), 'linesync-lh-'));
  const server = await spawnMain({ LINESYNC_DATA_DIR: dataDir, LINESYNC_SAMPLE_DATA: 'true' });
  const userDataDir = mkdtempSync(join(tmpdir(), 'linesync-lh-chrome-'));
  const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM, chromeFlags: CHROME_FLAGS, userDataDir });
  type Page = [key: string, path: string, preset: 'mobile' | 'desktop', config: Config | undefined];
  // The detail pages open at a row the sample plant holds.
  const firstPo = (
    (await (await fetch(`${server.url}/api/purchase-orders?limit=1`)).json()) as { rows: { po_id: string }[] }
  ).rows[0]?.po_id;
  const consolePages: [name: string, path: string][] = [
    ['home', '/'],
    ['items', '/items'],
    ['item', '/items/P-1001'],
    ['signals', '/signals'],
    ['locations', '/locations'],
    ['data', '/data'],
    ['devices', '/devices'],
    ['analytics', '/analytics'],
    ['categories', '/categories'],
    ['counts', '/counts'],
    ['suppliers', '/suppliers'],
    ['supplier', '/suppliers/FASTCO'],
    ['purchase_orders', '/purchase-orders'],
    ...(firstPo ? ([['purchase_order', `/purchase-orders/${firstPo}`]] as [string, string][]) : []),
    ['receive', '/receive'],
    ['rejected', '/rejected']
  ];
  const all: Page[] = [
    ['inventory_desktop', '/inventory', 'desktop', desktopConfig],
    ['station_mobile', '/station', 'mobile', undefined], // Lighthouse's default: the mobile preset
    ...consolePages.map(([name, path]): Page => [`console_${name}`, path, 'desktop', desktopConfig])
  ];
  const only = process.env.LIGHTHOUSE_ONLY?.split(',');
  const pages = all.filter(([key]) => !only || only.includes(key));
  // A partial run keeps the figures of the pages it does not measure (run.ts replaces the section whole).
  const results: Record<string, number | string> = {
    ...(only ? previousResults(ctx.quick) : {}),
    runs: RUNS,
    chromium: CHROMIUM
  };
  const rows: [string, string, string][] = [];
  try {
    for (const [key, path, preset, config] of pages) {
      if (path === '/station') await setUpTablet(chrome.port, server.url);
      const runs: Run[] = [];
      for (let i = 0; i < RUNS; i++) {
        ctx.log(`${path} (${preset}) run ${i + 1}/${RUNS}`);
        // A trace Lighthouse itself failed to record (NO_NAVSTART, now and then on this loaded machine) is run again.
        const name = `${key}-${i + 1}`;
        const run = await audit(chrome.port, server.url + path, config, name).catch((e: Error) => {
          ctx.log(`${e.message}: once more`);
          return audit(chrome.port, server.url + path, config, name);
        });
        if (run.shifts) ctx.log(`layout shifts: ${run.shifts}`);
        runs.push(run);
      }
      const m = (f: Exclude<keyof Run, 'shifts'>) => median(runs.map((r) => r[f]));
      results[`${key}_performance`] = round(m('score'), 2);
      results[`${key}_fcp_ms`] = round(m('fcp'), 0);
      results[`${key}_lcp_ms`] = round(m('lcp'), 0);
      results[`${key}_tbt_ms`] = round(m('tbt'), 0);
      results[`${key}_cls`] = round(m('cls'), 3);
      results[`${key}_cls_runs`] = runs.map((r) => round(r.cls, 3)).join(' ');
      results[`${key}_measured_at`] = new Date().toISOString();
      if (key.startsWith('console_')) {
        // The other console pages: the layout shift is the figure asked of them; the rest is in results.json.
        rows.push([
          `${path} ${preset}: CLS / performance`,
          `${m('cls').toFixed(3)} / ${m('score').toFixed(2)}`,
          `CLS ≤ 0.02 ${m('cls') <= 0.02 ? '✔' : '✘'}`
        ]);
        continue;
      }
      const target = path === '/station' ? '≥ 0.95, TBT ≤ 100 ms, LCP ≤ 2.0 s' : 'CLS ≤ 0.02';
      rows.push([`${path} ${preset}: performance (median of ${RUNS})`, m('score').toFixed(2), target]);
      rows.push([`${path} ${preset}: FCP / LCP`, `${round(m('fcp') / 1000)} s / ${round(m('lcp') / 1000)} s`, '']);
      rows.push([`${path} ${preset}: TBT`, `${round(m('tbt'), 0)} ms`, '']);
      rows.push([`${path} ${preset}: cumulative layout shift`, m('cls').toFixed(3), 'CLS ≤ 0.02 (console)']);
    }
  } finally {
    await chrome.kill();
    server.kill('SIGTERM');
    await server.exited;
    rmSync(userDataDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
  // The worst console page, over every console page measured (now or in an earlier partial run).
  const consoleCls = Object.entries(results).filter(
    ([k, v]) =>
      (k.startsWith('console_') || k.startsWith('inventory_desktop')) &&
      k !== 'console_worst_cls' &&
      k.endsWith('_cls') &&
      typeof v === 'number'
  ) as [string, number][];
  if (consoleCls.length) {
    const [worstKey, worst] = consoleCls.reduce((a, b) => (b[1] > a[1] ? b : a));
    results.console_pages = consoleCls.length;
    results.console_worst_cls = worst;
    results.console_worst_cls_page = worstKey.replace(/_cls$/, '');
    rows.push([
      `console, ${consoleCls.length} pages: worst CLS`,
      `${worst.toFixed(3)} (${worstKey.replace(/_cls$/, '')})`,
      `CLS ≤ 0.02 on every console page ${worst <= 0.02 ? '✔' : '✘'}`
    ]);
  }
  return { key: 'lighthouse', results, rows };
};

/** Sets the tablet up as a worker does, in the profile Lighthouse then runs in: the setup form, then the station
 *  until it shows the stock it pulled from the server. */
async function setUpTablet(port: number, baseUrl: string): Promise<void> {
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
  try {
    const page = await browser.contexts()[0].newPage();
    await page.goto(`${baseUrl}/station/setup`);
    await page.getByTestId('setup-name').fill('Lighthouse tablet');
    await page.getByTestId('setup-station').fill('ST-LH');
    await page.getByTestId('setup-location').fill('LINE-1');
    await page.getByTestId('setup-save').click();
    await page.waitForURL(/\/station$/);
    await page.getByTestId('stock-as-of').filter({ hasText: 'Stock as of' }).waitFor();
    await page.close();
  } finally {
    await browser.close(); // connected over CDP: this disconnects and leaves Chromium (and its profile) running
  }
}

function previousResults(quick: boolean): Record<string, number | string> {
  const file = join(import.meta.dirname, quick ? 'results.quick.json' : 'results.json');
  if (!existsSync(file)) return {};
  try {
    const all = JSON.parse(readFileSync(file, 'utf8')) as { lighthouse?: Record<string, number | string> };
    const { measured_at: _, ...rest } = all.lighthouse ?? {};
    return rest;
  } catch {
    return {};
  }
}

export default bench;
