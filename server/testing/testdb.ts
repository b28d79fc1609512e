// A fresh, migrated database for one test file: in-memory PGlite, or a new database on the PostgreSQL server the
// test run points at (see vitest.config.ts). Dropped again when the file is done.
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { connect, type Database } from '../db/connect';
import { migrate } from '../db/migrate';

type TestDbKind = 'embedded' | 'postgres';

export function testDbKind(): TestDbKind {
  return process.env.LINESYNC_TEST_DB === 'postgres' ? 'postgres' : 'embedded';
}

export function adminUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

/** The tests' own TLS cluster (scripts/setup-tests.sh), where a role logs in with a password over TLS only, as on
 *  Lakebase. A cluster of its own, so that the machine's PostgreSQL keeps the settings it had. */
export function tlsAdminUrl(): string {
  return process.env.TLS_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:55433/postgres';
}

let presented: string | undefined;

/** The TLS cluster's self-signed certificate (CN=localhost): the CA a verified connection to it must be given. Taken
 *  from the server itself (openssl s_client -starttls postgres), not from a file of this checkout: the cluster that
 *  answers on the port may be another checkout's on the same machine, with a certificate of its own. */
export function tlsCaFile(): string {
  if (process.env.TLS_TEST_CA_FILE) return process.env.TLS_TEST_CA_FILE;
  if (presented) return presented;
  const url = new URL(tlsAdminUrl());
  const args = ['s_client', '-starttls', 'postgres', '-connect', `${url.hostname}:${url.port || 5432}`];
  let out: string;
  try {
    out = execFileSync('openssl', args, {
      input: '',
      encoding: 'utf8',
      timeout: 15_000,
      stdio: ['pipe', 'pipe', 'ignore']
    });
  } catch (e) {
    out = String((e as { stdout?: string }).stdout ?? '');
  }
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(out)?.[0];
  if (!pem)
    throw new Error(`The TLS test cluster at ${url.host} presented no certificate: run scripts/setup-tests.sh.`);
  presented = join(mkdtempSync(join(tmpdir(), 'linesync-tls-')), 'server.crt');
  writeFileSync(presented, pem + '\n');
  return presented;
}

export interface TestDb extends Database {
  /** A URL for other processes (CLI, bench); undefined for the in-memory embedded database. */
  url?: string;
}

export async function createTestDb(opts: { migrated?: boolean } = {}): Promise<TestDb> {
  const migrated = opts.migrated ?? true;
  if (testDbKind() === 'embedded') {
    const db = await connect({ kind: 'embedded', dataDir: 'memory://' });
    if (migrated) await migrate(db.sql);
    return db;
  }
  return scratchDatabase(adminUrl(), { prefix: `linesync_test_${process.pid}`, max: 8, migrated });
}

/** A new database on a PostgreSQL server (tests, benchmarks), migrated unless told not to; dropped by close(). */
export async function scratchDatabase(
  serverUrl: string,
  { prefix, max = 10, migrated = true }: { prefix: string; max?: number; migrated?: boolean }
): Promise<Database & { url: string }> {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = '/' + name;
  const db = await connect({ kind: 'url', url: url.toString() }, { max });
  if (migrated) await migrate(db.sql);
  return {
    ...db,
    url: url.toString(),
    async close() {
      await db.close();
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  };
}
