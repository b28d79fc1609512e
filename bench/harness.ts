// What every benchmark section shares: a fresh database on the local PostgreSQL server, the real API listening on
// loopback, and the result shape run.ts prints and writes to bench/results.json.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp } from '../server/app';
import { loadConfig } from '../server/config';
import postgres from 'postgres';
import type { Database } from '../server/db/connect';
import { scratchDatabase } from '../server/testing/testdb';
import { spawnMain } from '../tests/reliability/server-process';

export interface BenchContext {
  /** BENCH_QUICK=1: a small version of every section, under a minute in all. */
  quick: boolean;
  /** The PostgreSQL server every section measures on (BENCH_DATABASE_URL, else 127.0.0.1:5432). */
  adminUrl: string;
  log(message: string): void;
}

export interface BenchSection {
  /** The key of this section in bench/results.json. */
  key: string;
  results: Record<string, number | string | boolean | null>;
  /** Printed rows: what was measured, the figure, and its anchor or target. */
  rows: [measure: string, value: string, target: string][];
}

export type BenchFn = (ctx: BenchContext) => Promise<BenchSection>;

/** A new, migrated database on the benchmark server; dropped by close(). */
export function freshDatabase(ctx: BenchContext, max = 10): Promise<Database & { url: string }> {
  return scratchDatabase(ctx.adminUrl, { prefix: 'linesync_bench', max });
}

/**
 * The supervised plant the inventory benches read: `items` parts S-000000… at two locations, each with one stock row,
 * on hand from -10 to 189 (5 % negative, 10 % low), last activity one second apart.
 */
export async function loadSupervisedStock(db: Database, items: number) {
  await db.sql`INSERT INTO locations (location_id, name) VALUES ('LOC-0', 'Loc 0'), ('LOC-1', 'Loc 1')`;
  await db.sql`INSERT INTO items (item_id, description, reorder_point, reorder_qty)
               SELECT 'S-' || lpad(g::text, 6, '0'), 'Supervised part ' || g, 20, 100 FROM generate_series(0, ${items - 1}) g`;
  await db.sql`INSERT INTO stock_levels (item_id, location_id, on_hand, intake_total, consume_total, event_count, last_activity_at)
               SELECT 'S-' || lpad(g::text, 6, '0'), 'LOC-' || (g % 2), (g * 7919) % 200 - 10, 0, 0, 0, now() - make_interval(secs => g)
               FROM generate_series(0, ${items - 1}) g`;
}

/** The real API on a free loopback port, over the given database, in local auth mode. */
export async function startApi(
  db: Database,
  env: Record<string, string> = {}
): Promise<{ url: string; stop(): Promise<void> }> {
  const config = loadConfig({ AUTH_MODE: 'local', ...env });
  const app = createApp({ sql: db.sql, config, dbKind: db.kind });
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        stop: () => new Promise<void>((done) => server.close(() => done()))
      })
    );
  });
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * The real product server as its own process on the given database, started as `npm start` starts it (the same Node
 * flags, through the process tests' spawnMain), so a benchmark's client work does not share the server's thread — as
 * tablets don't.
 */
export async function spawnServer(
  databaseUrl: string,
  env: Record<string, string> = {},
  /** The node binary (or a script that runs node with flags NODE_OPTIONS may not carry, such as --cpu-prof). */
  node?: string
): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const server = await spawnMain({ DATABASE_URL: databaseUrl, AUTH_MODE: 'local', ...env }, node);
  return {
    url: server.url,
    pid: server.pid,
    async stop() {
      server.kill('SIGTERM');
      // A clean stop prints nothing worth reading; anything else does.
      const code = await server.exited;
      if (code !== 0) console.error(`the server stopped with code ${code}:\n${server.output()}`);
    }
  };
}

/**
 * CPU time (user + system, ms) a process has used so far, from /proc: Linux only, null elsewhere. Unlike wall time it
 * barely moves when other work shares the machine, so a cost ratio from it holds on a busy machine too.
 */
export function processCpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}
const CLOCK_TICKS = 100; // USER_HZ: 100 on every Linux this runs on

/** CPU time used so far by every PostgreSQL backend connected to the database at `databaseUrl` (asked from outside it). */
export async function backendsCpuMs(ctx: BenchContext, databaseUrl: string): Promise<number | null> {
  const admin = postgres(ctx.adminUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await admin<{ pid: number }[]>`
      SELECT pid FROM pg_stat_activity WHERE datname = ${new URL(databaseUrl).pathname.slice(1)}`;
    let total = 0;
    for (const { pid } of rows) {
      const ms = processCpuMs(pid);
      if (ms === null) return null; // the server runs elsewhere, or /proc is not readable
      total += ms;
    }
    return total;
  } finally {
    await admin.end();
  }
}
