// The product server (server/main.ts) as its own process, for tests about how it starts and stops: what it prints,
// where it listens, what a signal does to requests in flight.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestDb } from '../../server/testing/testdb';
import { startArgs } from '../../scripts/start-args';

const ROOT = resolve(import.meta.dirname, '../..');

export interface ServerProcess {
  url: string;
  port: number;
  pid: number;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
}

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
    s.on('error', fail);
  });
}

/** The database settings for a spawned server: the test database's URL, or a fresh embedded data directory. */
export function databaseEnv(db: TestDb): Record<string, string> {
  return db.url
    ? { DATABASE_URL: db.url }
    : { LINESYNC_DATA_DIR: mkdtempSync(join(tmpdir(), 'linesync-rel-')), LINESYNC_SAMPLE_DATA: '0' };
}

/** Starts the server as `npm start` does (on this Node, or the `node` binary given) and waits until it answers /api/health on loopback. */
export async function spawnMain(env: Record<string, string>, node = process.execPath): Promise<ServerProcess> {
  const port = await freePort();
  const base: Record<string, string> = { ...(process.env as Record<string, string>) };
  for (const k of ['DATABASE_URL', 'PGHOST', 'HOST', 'AUTH_MODE', 'PORT']) delete base[k];
  const child = spawn(node, startArgs(), {
    cwd: ROOT,
    env: { ...base, PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const orphan = () => child.kill('SIGKILL');
  process.once('exit', orphan);
  void exited.then(() => process.off('exit', orphan));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || i > 600) {
      child.kill('SIGKILL');
      throw new Error(`server did not start on ${url}:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, port, pid: child.pid!, output: () => out, exited, kill: (s) => void child.kill(s) };
}
