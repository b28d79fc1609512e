// A full tablet. The browser profile lives on a small tmpfs that the test fills up, so IndexedDB commits really fail
// (Chromium's quota follows the free space of the disk holding the profile; CDP's Storage.overrideQuotaForOrigin
// had no effect on IndexedDB commits here). The worker is told the scan did not count, nothing already stored is
// lost, and once space is freed scanning works again and every counted scan reaches the server once.
//
// With the app's service worker registered (the shipped setup), Chromium 156 deleted the origin's storage while the
// disk was full - the IndexedDB directory, Cache Storage and the worker's script cache all went at once (localStorage
// stayed), so after space was freed Dexie found an empty database: in 8 of 9 runs (the ninth unclear), and also with
// persistent storage granted (CDP durableStorage, navigator.storage.persisted() true). The same scans without the
// service worker, and raw IndexedDB writes on a full disk, lost nothing. That is below the app. The first test blocks
// the service worker to check the full-disk handling alone; the second runs the shipped setup and checks that the
// recovery journal in localStorage (src/lib/client/journal.ts) brings every confirmed scan back.
//
// The journal's localStorage lives off the small disk (a symlink, see launch). On it, two loaded runs of five lost
// the last scans across the restart (35 of 125, 24 of 110): Chromium commits localStorage in batches some seconds
// late, and once one met the full disk, the page still read every key from memory (the test counted 125) while the
// profile's Local Storage log stopped at 90 entries (watched with grep during the run), and the restart restored
// exactly those 90. No page API tells that a commit failed; that is below the app, so the test keeps the journal
// where it can be written and checks what the app does with it: every confirmed scan restored once IndexedDB is gone.
//
// Needs root or passwordless sudo (mount -t tmpfs), as the CI machine has; it refuses clearly otherwise.
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  statfsSync,
  symlinkSync,
  writeSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect, test, type BrowserContext, type Page } from '@playwright/test';
import { CHROMIUM_ARGS } from '../../playwright.config';
import { readTablet, recordManually, setUpStation, waitForServiceWorker } from './station';
import { startServer, type TestServer } from './server';
import { journalRestored } from './tablet';

const DISK_MB = 64;
const LEAVE = 256 * 1024; // free bytes left on the small disk while scanning until full
let server: TestServer;
let mountPoint: string;
let mounted = false;
let cacheDir: string;
/** Where the journal's localStorage lives, off the small disk (see the top of this file). */
let localStorageDir: string | undefined;
let context: BrowserContext | undefined;
let profile: string | undefined;

/** As root (the CI machine), else through sudo without a password prompt, as scripts/setup-tests.sh does. */
function asRoot(command: string, args: string[]) {
  if (process.getuid?.() === 0) return execFileSync(command, args);
  try {
    return execFileSync('sudo', ['-n', command, ...args]);
  } catch (e) {
    throw new Error(
      `quota.spec.ts mounts a small tmpfs for the browser profile: run as root or with passwordless sudo (${(e as Error).message})`,
      { cause: e }
    );
  }
}

test.beforeAll(async () => {
  mountPoint = mkdtempSync(join(tmpdir(), 'linesync-small-disk-'));
  asRoot('mount', ['-t', 'tmpfs', '-o', `size=${DISK_MB}m,mode=1777`, 'tmpfs', mountPoint]);
  mounted = true;
  cacheDir = mkdtempSync(join(tmpdir(), 'linesync-cache-'));
  server = await startServer();
});
test.afterEach(async () => {
  await context?.close().catch(() => undefined);
  context = undefined;
  if (profile) rmSync(profile, { recursive: true, force: true }); // the small disk is shared by the tests
  if (localStorageDir) rmSync(localStorageDir, { recursive: true, force: true });
  localStorageDir = undefined;
});
test.afterAll(async () => {
  await context?.close().catch(() => undefined);
  await server?.stop();
  if (mounted) asRoot('umount', ['--lazy', mountPoint]); // lazy: a browser that died on a failure may still hold it
  rmSync(mountPoint, { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
});

const freeBytes = () => {
  const s = statfsSync(mountPoint);
  return s.bavail * s.bsize;
};

/**
 * Fills the disk until `leave` bytes are free, appending to one file, and answers its path (delete it to free the
 * space). Called again, it tops the disk up: space the browser freed (a wipe of the origin frees megabytes) is taken.
 */
function fillDisk(leave: number): string {
  const path = join(mountPoint, 'filler.bin');
  const fd = openSync(path, 'a');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    while (freeBytes() > leave + chunk.length) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
  return path;
}

/** `journalOffDisk`: the profile's Local Storage directory is a link to one on the roomy disk, made before the first
 *  launch (Chromium keeps it at Default/Local Storage) and kept for the relaunch on the same profile. */
async function launch(dir: string, serviceWorkers: 'allow' | 'block', journalOffDisk = false) {
  profile = join(mountPoint, dir);
  const localStorageLink = join(profile, 'Default', 'Local Storage');
  if (journalOffDisk && !existsSync(localStorageLink)) {
    localStorageDir = mkdtempSync(join(tmpdir(), 'linesync-local-storage-'));
    mkdirSync(join(profile, 'Default'), { recursive: true });
    symlinkSync(localStorageDir, localStorageLink);
  }
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    // The HTTP cache elsewhere: only the site's own storage should fill the small disk.
    args: [...CHROMIUM_ARGS, `--disk-cache-dir=${cacheDir}`],
    serviceWorkers
  });
  return { context, page: context.pages()[0] ?? (await context.newPage()) };
}

/**
 * Scans until one is refused for want of space, keeping the disk full before each scan: with the service worker
 * registered Chromium may wipe the origin on the first failed commit, and the megabytes that frees would otherwise
 * take a thousand scans to fill again (a clean-clone CI run timed out so). Answers the items confirmed (a warning
 * still counts) and the refusal.
 */
async function scanUntilFull(page: Page) {
  const message = page.getByTestId('scan-message');
  const confirmed: string[] = [];
  const warnings: string[] = [];
  let refused = '';
  for (let i = 1; i <= 1000 && !refused; i++) {
    fillDisk(LEAVE);
    await recordManually(page, `ITEM=FULL-EXTRA-${i};QTY=1`);
    await expect(message).toContainText(new RegExp(`FULL-EXTRA-${i} |Not recorded`));
    const text = (await message.textContent()) ?? '';
    if (text.includes('Not recorded')) refused = text;
    else {
      confirmed.push(`FULL-EXTRA-${i}`);
      if (text.includes('recorded, but')) warnings.push(text);
    }
  }
  return { confirmed, warnings, refused };
}

test('a full disk: the worker is told, stored scans stay, and scanning works again once space is freed', async () => {
  test.slow(); // hundreds of scans until the disk is full: near the default limit on a busy machine
  const { context, page } = await launch('profile', 'block'); // see the top of this file
  await setUpStation(page, server.url);
  await context.setOffline(true);
  for (let i = 1; i <= 3; i++) await recordManually(page, `ITEM=FULL-${i};QTY=${i}`);
  await expect(page.getByTestId('pending-count')).toHaveText('3');
  const before = await readTablet(page);

  // Nearly full: the scans that still fit are confirmed, until one is refused, and the worker reads why.
  const filler = fillDisk(LEAVE);
  const message = page.getByTestId('scan-message');
  const { confirmed: extras, refused } = await scanUntilFull(page);
  const confirmed = extras.length;
  expect(refused).toMatch(/^Not recorded: this tablet's storage is full\. Scans already saved are kept/);
  await expect(page.getByTestId('pending-count')).toHaveText(String(3 + confirmed));

  // Space freed: every scan confirmed before is still there, the refused one is not, and scanning works again.
  rmSync(filler);
  const after = await readTablet(page);
  expect(after.rows.slice(0, 3)).toEqual(before.rows);
  expect(after.rows.map((r) => r.event.item_id)).toEqual(['FULL-1', 'FULL-2', 'FULL-3', ...extras]);
  await recordManually(page, 'ITEM=FULL-4;QTY=4');
  await expect(message).toContainText('FULL-4 × 4');
  await expect(page.getByTestId('pending-count')).toHaveText(String(4 + confirmed));

  // Back online: the server holds exactly the confirmed scans, once each.
  await context.setOffline(false);
  await expect(page.getByTestId('pending-count')).toHaveText('0', { timeout: 60_000 });
  const stored = await server.events(before.device_id);
  expect(stored.map((e) => e.item_id)).toEqual(['FULL-1', 'FULL-2', 'FULL-3', ...extras, 'FULL-4']);
  expect(new Set(stored.map((e) => e.event_id)).size).toBe(stored.length);
});

/**
 * What `look` (a read of the page's IndexedDB) answers, asked again while Chromium refuses to open the origin's
 * backing store: it did so for a while after the full disk was freed ("UnknownError: Internal error opening backing
 * store for indexedDB.open", one loaded run of five), as src/lib/client/reopen.ts handles in the app.
 */
async function onceAnswered<T>(look: () => Promise<T>): Promise<T> {
  let answer: { value: T } | undefined;
  await expect
    .poll(async () => {
      try {
        answer = { value: await look() };
        return 'answered';
      } catch (e) {
        if (!/opening backing store/.test((e as Error).message)) throw e;
        return (e as Error).message;
      }
    })
    .toBe('answered');
  return answer!.value;
}

/** Whether the origin's IndexedDB database still exists (opening it to look would create an empty one). */
const databaseExists = (page: Page) =>
  page.evaluate(async () => (await indexedDB.databases()).some((d) => d.name === 'linesync'));
const journalled = (page: Page) =>
  page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('linesync.journal.')).length);

// eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures from a destructuring pattern
test('the shipped setup, service worker registered: when Chromium wipes the storage on a full disk, every confirmed scan comes back and reaches the server once', async ({}, testInfo) => {
  // As above, twice over: every made-up part now waits for the worker's yes, and a browser restart follows. Failed at
  // the tripled 270 s limit in two clean-clone CI runs while passing in a quiet one; its work is bounded by the disk.
  test.setTimeout(600_000);
  const { context, page } = await launch('profile-sw', 'allow', true);
  await setUpStation(page, server.url);
  await waitForServiceWorker(page);
  await context.setOffline(true);
  for (let i = 1; i <= 3; i++) await recordManually(page, `ITEM=FULL-${i};QTY=${i}`);
  await expect(page.getByTestId('pending-count')).toHaveText('3');
  const before = await readTablet(page);

  const filler = fillDisk(LEAVE);
  const { confirmed: extras, warnings, refused } = await scanUntilFull(page);
  expect(refused).toMatch(/^Not recorded: /);
  const expected = ['FULL-1', 'FULL-2', 'FULL-3', ...extras];
  rmSync(filler);
  await expect.poll(() => journalled(page)).toBe(expected.length); // localStorage kept a copy of every confirmed scan
  // Gone now, or already recreated by the app (a scan after the wipe reopens it, and the journal refills it then).
  const gone = !(await onceAnswered(() => databaseExists(page)));
  const held = gone ? 0 : (await onceAnswered(() => readTablet(page))).rows.length;

  // Space freed, the browser closed and opened again on the same profile, the station loaded (from the server: the
  // wipe takes the service worker's cache too). Sync is held back until the tablet has been read, so what it holds is
  // what the journal restored, not what a sync left. (A plain reload instead of the restart passed the same way.)
  await context.close();
  const { context: ctx, page: pg } = await launch('profile-sw', 'allow', true);
  await ctx.route('**/api/sync/**', (route) => route.abort());
  await pg.goto(`${server.url}/station`);
  await expect(pg.getByTestId('scan-message')).toHaveText('Ready: scan a code.');
  await journalRestored(pg); // the page shows Ready before its database is open: read only after the restore
  const after = await readTablet(pg);
  expect(after.device_id).toBe(before.device_id);
  expect(after.rows.map((r) => [r.event.item_id, r.device_seq, r.state])).toEqual(
    expected.map((item, i) => [item, i + 1, 'pending'])
  );
  expect(after.rows.slice(0, 3).map((r) => r.event_id)).toEqual(before.rows.map((r) => r.event_id));
  if (gone)
    await expect(pg.getByTestId('restored-notice')).toContainText(
      `${expected.length} scans were restored after the tablet’s storage was cleared`
    );
  const notice = (await pg.getByTestId('restored-notice').count())
    ? await pg.getByTestId('restored-notice').textContent()
    : 'none';
  testInfo.annotations.push({
    type: 'storage',
    description: `${expected.length} confirmed; before the restart IndexedDB ${gone ? 'gone' : `held ${held} rows`}; restored notice: ${notice}; journal warnings: ${warnings.length}`
  });

  // The numbering continues after the restored scans, and the server gets each scan once.
  await ctx.unroute('**/api/sync/**');
  await recordManually(pg, 'ITEM=FULL-4;QTY=4');
  await expect(pg.getByTestId('scan-message')).toContainText('FULL-4 × 4');
  await pg.getByTestId('sync-now').click();
  await expect(pg.getByTestId('pending-count')).toHaveText('0', { timeout: 60_000 });
  const stored = await server.events(before.device_id);
  expect(stored.map((e) => e.item_id)).toEqual([...expected, 'FULL-4']);
  expect(stored.map((e) => e.device_seq)).toEqual(expected.map((_, i) => i + 1).concat(expected.length + 1));
  await expect.poll(() => journalled(pg)).toBe(0);
});
