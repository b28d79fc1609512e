// An acknowledged push on the embedded default is durable: the real server (as `npm start` runs it) on a PGlite
// data directory, under strace, flushes the WAL to disk (fsync) after it reads the push and before it writes the
// 200. Before the fix PGlite ran PostgreSQL with fsync off and NODEFS had no fsync: zero such calls.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startArgs } from '../../scripts/start-args';
import { testDbKind } from '../../server/testing/testdb';
import { makeEvent } from '../../server/testing/testkit';
import { freePort } from './server-process';

const ROOT = resolve(import.meta.dirname, '../..');
const hasStrace = spawnSync('strace', ['-V']).status === 0;
if (!hasStrace)
  console.warn(
    '\n!!! strace is not installed: the embedded fsync test is SKIPPED. `npm run test:setup` installs it. !!!\n'
  );

const FSYNC_FAMILY = /^(\d+)\s+(fsync|fdatasync|sync_file_range|syncfs)\((\d+)/;

/** What the server did between reading the push and writing its answer, from an `strace -f` log. */
function fsyncsBeforeAnswer(log: string): { fsyncs: number; paths: string[]; answered: boolean } {
  const fdPath = new Map<string, string>(); // fd → the path it was last opened on (one process)
  let inPush = false;
  let fsyncs = 0;
  const paths: string[] = [];
  for (const line of log.split('\n')) {
    const open = /^\d+\s+openat\([^,]+, "([^"]+)".*\) = (\d+)$/.exec(line);
    if (open) fdPath.set(open[2], open[1]);
    if (!inPush) {
      if (/^\d+\s+read\(\d+, "POST \/api\/sync\/events /.test(line)) inPush = true;
      continue;
    }
    const sync = FSYNC_FAMILY.exec(line);
    if (sync) {
      fsyncs++;
      paths.push(fdPath.get(sync[3]) ?? `fd ${sync[3]}`);
    }
    if (/^\d+\s+(write|writev)\(\d+, (\[\{iov_base=)?"HTTP\/1\.1 200/.test(line))
      return { fsyncs, paths, answered: true };
  }
  return { fsyncs, paths, answered: false };
}

describe.skipIf(testDbKind() !== 'embedded' || !hasStrace)('the embedded database under strace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'linesync-fsync-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fsyncs the WAL after reading an acknowledged push and before writing its 200', async () => {
    const port = await freePort();
    const log = join(dir, 'strace.log');
    const env: Record<string, string> = { ...(process.env as Record<string, string>) };
    for (const k of ['DATABASE_URL', 'PGHOST', 'HOST', 'AUTH_MODE', 'PORT']) delete env[k];
    Object.assign(env, {
      PORT: String(port),
      AUTH_MODE: 'local',
      LINESYNC_DATA_DIR: join(dir, 'db'),
      LINESYNC_SAMPLE_DATA: '0'
    });
    const trace = 'fsync,fdatasync,sync_file_range,syncfs,openat,read,write,writev';
    const child = spawn(
      'strace',
      ['-f', '-qq', '-s', '200', '-e', `trace=${trace}`, '-o', log, process.execPath, ...startArgs()],
      { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] }
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const url = `http://127.0.0.1:${port}`;
    try {
      for (let i = 0; ; i++) {
        try {
          if ((await fetch(`${url}/api/health`)).ok) break;
        } catch {
          // not listening yet
        }
        if (child.exitCode !== null || i > 1200) throw new Error(`server did not start on ${url}:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const events = Array.from({ length: 20 }, (_, i) => makeEvent({ device_seq: i + 1, event_type: 'INTAKE' }));
      const res = await fetch(`${url}/api/sync/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ device_id: 'fsync-tab', events })
      });
      expect(res.status).toBe(200);
      const { results } = (await res.json()) as { results: { status: string }[] };
      expect(new Set(results.map((r) => r.status))).toEqual(new Set(['applied']));
    } finally {
      // strace's first line is the server's own pid: stop it (strace then ends with it).
      const pid = Number(/^(\d+)\s/.exec(readFileSync(log, 'utf8'))?.[1]);
      if (pid > 0) process.kill(pid, 'SIGTERM');
      else child.kill('SIGKILL');
      await exited;
    }

    const { fsyncs, paths, answered } = fsyncsBeforeAnswer(readFileSync(log, 'utf8'));
    console.log(`fsync-family calls between reading the push and writing its 200: ${fsyncs} (${paths.join(', ')})`);
    expect(answered).toBe(true);
    expect(fsyncs).toBeGreaterThan(0);
    expect(paths.some((p) => p.includes('/pg_wal/'))).toBe(true);
  }, 180_000);
});
