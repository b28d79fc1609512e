// `npm run screenshots`: the README's pictures taken from the product as it is now. Starts the real server on a
// fresh embedded database with the sample plant (as `npm start` does on a laptop), drives /usr/bin/chromium through
// playwright-core, and writes docs/<page>.png. Needs `npm run build` first (it serves build/).
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { freePort } from '../tests/reliability/server-process';
import { slipFixtures } from '../tests/fixtures/slips';

const ROOT = resolve(import.meta.dirname, '..');
const DOCS = join(ROOT, 'docs');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const VIEWPORT = { width: 1280, height: 860 };

if (!existsSync(join(ROOT, 'build', 'index.html'))) throw new Error('No build/: run `npm run build` first.');
const dir = mkdtempSync(join(tmpdir(), 'linesync-shots-'));
cpSync(join(ROOT, 'build'), join(dir, 'build'), { recursive: true });
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const env: Record<string, string> = {
  ...(process.env as Record<string, string>),
  PORT: String(port),
  HOST: '127.0.0.1',
  AUTH_MODE: 'local'
};
delete env.DATABASE_URL; // the embedded database, in a directory of its own, loaded with the sample plant
delete env.PGHOST;
env.LINESYNC_DATA_DIR = join(dir, 'db');
env.LINESYNC_SAMPLE_DATA = 'true';
// cwd is the temporary directory, so the server serves its ./build copy.
const server = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'server/main.ts')], {
  cwd: dir,
  env,
  stdio: ['ignore', 'pipe', 'pipe']
});
let log = '';
server.stdout.on('data', (d) => (log += d));
server.stderr.on('data', (d) => (log += d));

async function ready() {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`The server exited (${server.exitCode}):\n${log}`);
    if (
      await fetch(`${base}/api/health`).then(
        (r) => r.ok,
        () => false
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`The server did not answer within 90 s:\n${log}`);
}

/** Waits until the page holds no placeholder and says nothing is loading, then writes docs/<name>.png. */
async function shot(page: Page, name: string) {
  await page
    .locator('[data-testid="skeleton-row"], .chart-slot')
    .first()
    .waitFor({ state: 'detached', timeout: 15_000 })
    .catch(() => {});
  await page
    .waitForFunction(() => !/Loading…|Checking…/.test(document.body.innerText), null, { timeout: 15_000 })
    .catch(() => {});
  await page.waitForTimeout(300); // the last paint after the final answer
  await page.screenshot({ path: join(DOCS, `${name}.png`) });
  console.log(`docs/${name}.png`);
}

const browser = await chromium.launch({ executablePath: CHROMIUM });
try {
  await ready();
  const page = await browser.newPage({ viewport: VIEWPORT });

  for (const [path, name] of [
    ['/inventory', 'inventory'],
    ['/signals', 'replenishment'],
    ['/analytics', 'analytics'],
    ['/items', 'items'],
    ['/devices', 'devices']
  ] as const) {
    await page.goto(base + path);
    await shot(page, name);
  }

  // The receiving review of a packing slip from the test corpus (a PDF the server reads), as the dock would see it.
  const [slip] = await slipFixtures();
  const slipId = crypto.randomUUID();
  const form = new FormData();
  form.set('slip_id', slipId);
  form.set('device_id', 'screenshots-dock');
  form.append('files', new Blob([new Uint8Array(slip.bytes)], { type: 'application/pdf' }), `${slip.name}.pdf`);
  const posted = await fetch(`${base}/api/packing-slips`, {
    method: 'POST',
    headers: { 'x-linesync-client': '1' },
    body: form
  });
  if (posted.status !== 201)
    throw new Error(`POST /api/packing-slips answered ${posted.status}: ${await posted.text()}`);
  await page.goto(`${base}/receive/${slipId}`);
  await page
    .getByTestId('slip-line')
    .first()
    .waitFor({ timeout: 60_000 })
    .catch(() => {});
  await shot(page, 'receiving');

  // The station on a tablet: set up first (it opens its setup), then a few scans typed as a wedge scanner would.
  const tablet = await browser.newPage({ viewport: { width: 1024, height: 768 }, hasTouch: true });
  await tablet.goto(`${base}/station`);
  await tablet.getByTestId('setup-name').fill('Press 4 tablet');
  await tablet.getByTestId('setup-station').fill('ST-4');
  await tablet.getByTestId('setup-location').fill('LINE-1');
  await tablet.getByTestId('setup-save').click();
  await tablet.waitForURL(/\/station$/);
  for (const code of ['P-1001', 'P-1002', 'P-1001', 'P-1005']) {
    const input = tablet.getByTestId('manual-code');
    await input.fill(code);
    await input.press('Enter');
    await tablet.waitForTimeout(400);
  }
  await tablet.waitForTimeout(1500); // synced
  await shot(tablet, 'station');
} finally {
  await browser.close();
  // The live stream keeps connections open: a graceful stop gets 10 s, then the server is killed.
  const exited = new Promise((r) => (server.exitCode !== null ? r(null) : server.once('exit', r)));
  server.kill('SIGTERM');
  const late = setTimeout(() => server.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(late);
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0); // playwright-core's and the fixtures' handles would keep the process alive
