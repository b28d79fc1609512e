// The real server (node --import tsx server/main.ts) for one spec: its own copy of the built app, its own fresh
// database (a new database on the local PostgreSQL when one answers, else an embedded PGlite directory), a free port.
// It can be killed hard and started again on the same data.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect as tcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import postgres from 'postgres';
import { freePort } from '../reliability/server-process';

const ROOT = resolve(import.meta.dirname, '../..');
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ServerEvent {
  event_id: string;
  device_id: string;
  device_seq: number;
  event_type: string;
  item_id: string;
  qty: number;
  source: string;
  voids_event_id: string | null;
}

export interface TestServer {
  url: string;
  /** The copy of build/ this server serves: a test may change it to ship a "new version". */
  buildDir: string;
  /** SIGKILL: no graceful shutdown, requests in flight die with it. */
  kill(): Promise<void>;
  /** Starts it again on the same data, with `env` added to its environment from now on. */
  start(env?: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
  /** Every event the server stores for a device, through GET /api/events. */
  events(deviceId: string): Promise<ServerEvent[]>;
  log(): string;
}

function reachable(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((done) => {
    const s = tcp({ host: u.hostname, port: Number(u.port || 5432), timeout: 1000 }, () => (s.end(), done(true)));
    s.on('error', () => done(false)).on('timeout', () => (s.destroy(), done(false)));
  });
}

export async function startServer(opts: { adminUrl?: string } = {}): Promise<TestServer> {
  const adminUrl = opts.adminUrl ?? ADMIN_URL;
  if (!existsSync(join(ROOT, 'build', 'index.html')))
    throw new Error('No build/: run `npm run build` first (npm run test:e2e does).');
  const dir = mkdtempSync(join(tmpdir(), 'linesync-e2e-'));
  const buildDir = join(dir, 'build');
  cpSync(join(ROOT, 'build'), buildDir, { recursive: true });
  const port = await freePort();
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PORT: String(port),
    HOST: '127.0.0.1',
    AUTH_MODE: 'local'
  };
  delete env.DATABASE_URL;
  delete env.PGHOST;
  let dropDb: (() => Promise<void>) | null = null;
  if (await reachable(adminUrl)) {
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    const name = `linesync_e2e_${randomBytes(4).toString('hex')}`;
    await admin.unsafe(`CREATE DATABASE ${name}`);
    const url = new URL(adminUrl);
    url.pathname = '/' + name;
    env.DATABASE_URL = url.toString();
    dropDb = async () => {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    };
  } else {
    env.LINESYNC_DATA_DIR = join(dir, 'db');
  }

  let child: ChildProcess | null = null;
  let output = '';
  const base = `http://127.0.0.1:${port}`;

  async function start(extra: Record<string, string> = {}) {
    Object.assign(env, extra);
    // cwd is the temporary directory, so the server serves its ./build copy; tsx is resolved from this repository.
    child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'server/main.ts')], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe']
    });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`The server exited (${child.exitCode}):\n${output}`);
      try {
        if ((await fetch(`${base}/api/health`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 150));
    }
    throw new Error(`The server did not answer within 60 s:\n${output}`);
  }

  async function end(signal: NodeJS.Signals) {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill(signal);
    await exited;
  }

  await start();
  return {
    url: base,
    buildDir,
    kill: () => end('SIGKILL'),
    start,
    async stop() {
      await end('SIGTERM');
      if (dropDb) await dropDb();
      rmSync(dir, { recursive: true, force: true });
    },
    async events(deviceId) {
      const all: ServerEvent[] = [];
      let cursor: string | null = null;
      do {
        const q = new URLSearchParams({ device_id: deviceId, limit: '1000', ...(cursor ? { before: cursor } : {}) });
        const res = await fetch(`${base}/api/events?${q}`);
        if (!res.ok) throw new Error(`GET /api/events answered ${res.status}: ${await res.text()}`);
        const page = (await res.json()) as { rows: ServerEvent[]; next_cursor: string | null };
        all.push(...page.rows);
        cursor = page.next_cursor;
      } while (cursor);
      return all.sort((a, b) => a.device_seq - b.device_seq);
    },
    log: () => output
  };
}
