// The embedded data directory is opened by one process at a time: a second open (this process or another, such as
// `npm run db` beside the running server) is refused naming the owner's pid; a lock left by a dead process is
// taken over.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testDbKind } from '../testing/testdb';
import { DataDirInUseError, LOCK_FILE, lockDataDir } from './datadir-lock';
import { startEmbedded } from './embedded';

const ROOT = resolve(import.meta.dirname, '../..');

/** A pid that surely belongs to no process now: a child's that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe.skipIf(testDbKind() !== 'embedded')('the embedded data directory lock', () => {
  const root = mkdtempSync(join(tmpdir(), 'linesync-lock-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('refuses a second open from the same process, naming the pid, and lets it in after stop', async () => {
    const dir = join(root, 'same');
    const first = await startEmbedded(dir);
    try {
      expect(readFileSync(join(dir, LOCK_FILE), 'utf8').split('\n')[0]).toBe(String(process.pid));
      const second = startEmbedded(dir);
      await expect(second).rejects.toBeInstanceOf(DataDirInUseError);
      await expect(second).rejects.toThrow(`in use by process ${process.pid}`);
    } finally {
      await first.stop();
    }
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    const again = await startEmbedded(dir);
    await again.stop();
  }, 60_000);

  it('makes `npm run db` refuse while another process holds the directory, with a clear message and the pid', async () => {
    const dir = join(root, 'cli');
    const server = await startEmbedded(dir);
    try {
      const env: Record<string, string> = { ...(process.env as Record<string, string>), LINESYNC_DATA_DIR: dir };
      for (const k of ['DATABASE_URL', 'PGHOST']) delete env[k];
      const child = spawn(process.execPath, ['--import', 'tsx', 'server/db/cli.ts', 'status'], { cwd: ROOT, env });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const code = await new Promise<number | null>((r) => child.once('exit', r));
      expect(code).toBe(1);
      expect(stderr).toContain(`The embedded database in ${dir} is in use by process ${process.pid}`);
      expect(stderr).toContain(`stop process ${process.pid} first`);
      expect(stderr).not.toMatch(/\n\s+at /); // said plainly, no stack
      // The holder's lock is untouched.
      expect(readFileSync(join(dir, LOCK_FILE), 'utf8').split('\n')[0]).toBe(String(process.pid));
    } finally {
      await server.stop();
    }
  }, 60_000);

  it('takes over a stale lock whose pid is not alive', async () => {
    const dir = join(root, 'stale');
    mkdirSync(dir, { recursive: true });
    const dead = deadPid();
    writeFileSync(join(dir, LOCK_FILE), `${dead}\n\n`);
    const db = await startEmbedded(dir);
    try {
      expect(readFileSync(join(dir, LOCK_FILE), 'utf8').split('\n')[0]).toBe(String(process.pid));
    } finally {
      await db.stop();
    }
  }, 60_000);

  it('refuses a lock held by another live process, and takes over one with our pid that this process does not hold', () => {
    const dir = join(root, 'live');
    mkdirSync(dir, { recursive: true });
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      writeFileSync(join(dir, LOCK_FILE), `${other.pid}\n`);
      expect(() => lockDataDir(dir)).toThrow(`in use by process ${other.pid}`);
    } finally {
      other.kill('SIGKILL');
    }
    // A restarted container often gets the same pid as the crashed one: the lock names us, but we never took it.
    writeFileSync(join(dir, LOCK_FILE), `${process.pid}\n`);
    const release = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(DataDirInUseError);
    release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });
});
