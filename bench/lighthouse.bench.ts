// Lighthouse 12 against the built app as a new user starts it (`npm run build`, then `npm start`: the embedded
// database with the sample plant), in Debian's Chromium: /station on the mobile preset (a mid-range phone's CPU and
// network, emulated) and /inventory on the desktop preset. Each page three times; every figure is the median of its
// three runs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
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
const RUNS = 3;

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

async function audit(port: number, url: string, config: Config | undefined): Promise<Run> {
  const flags: Flags = { port, output: 'json', logLevel: 'error', onlyCategories: ['performance'] };
  const result = await lighthouse(url, flags, config);
  if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
  const { lhr } = result;
  if (lhr.runtimeError) throw new Error(`Lighthouse on ${url}: ${lhr.runtimeError.message}`);
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
  const all: Page[] = [
    ['inventory_desktop', '/inventory', 'desktop', desktopConfig],
    ['station_mobile', '/station', 'mobile', undefined] // Lighthouse's default: the mobile preset
  ];
  const pages = all.filter(
    ([key]) => !process.env.LIGHTHOUSE_ONLY || process.env.LIGHTHOUSE_ONLY.split(',').includes(key)
  );
  const results: Record<string, number | string> = { runs: RUNS, chromium: CHROMIUM };
  const rows: [string, string, string][] = [];
  try {
    for (const [key, path, preset, config] of pages) {
      const runs: Run[] = [];
      for (let i = 0; i < RUNS; i++) {
        ctx.log(`${path} (${preset}) run ${i + 1}/${RUNS}`);
        // A trace Lighthouse itself failed to record (NO_NAVSTART, now and then on this loaded machine) is run again.
        const run = await audit(chrome.port, server.url + path, config).catch((e: Error) => {
          ctx.log(`${e.message}: once more`);
          return audit(chrome.port, server.url + path, config);
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
  return { key: 'lighthouse', results, rows };
};

export default bench;
