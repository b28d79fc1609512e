// A database the refill run can copy whole and later restore to that copy, restarting it each time: what a power cut
// that loses the disk's cache, a backup put back, a Lakebase point-in-time restore or a branch reset leaves behind.
// - embedded: PGlite on a data directory of its own; stopped, its directory copied file by file, started again; the
//   restore stops it, puts the copied directory in its place and starts PostgreSQL on it (crash recovery and all).
// - PostgreSQL: a scratch database; the copy is CREATE DATABASE ... TEMPLATE, the restore drops the database and
//   makes it again from the copy. Every table comes back as it was, not just the ones a push writes.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { connect, type Database, type Sql } from '../../server/db/connect';
import { migrate } from '../../server/db/migrate';
import { scratchDatabase } from '../../server/testing/testdb';

export interface RestorableDatabase {
  /** The connection to the database as it is now; copy() and restore() replace it (a restarted database). */
  readonly sql: Sql;
  readonly kind: Database['kind'];
  /** Where it is, for the report. */
  readonly describe: string;
  /** Stops the database, copies it whole, starts it again. */
  copy(): Promise<void>;
  /** Stops the database, puts the copy in its place, starts it again: everything since the copy is lost. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** A migrated embedded database on a fresh data directory of its own. */
export async function embeddedOnDisk(): Promise<RestorableDatabase> {
  const root = mkdtempSync(join(tmpdir(), 'linesync-restore-'));
  const dir = join(root, 'db');
  const saved = join(root, 'copy');
  const open = () => connect({ kind: 'embedded', dataDir: dir });
  let db = await open();
  await migrate(db.sql);
  return {
    get sql() {
      return db.sql;
    },
    kind: 'embedded',
    describe: `embedded PostgreSQL (PGlite) in ${dir}`,
    async copy() {
      await db.close();
      rmSync(saved, { recursive: true, force: true });
      cpSync(dir, saved, { recursive: true });
      db = await open();
    },
    async restore() {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
      cpSync(saved, dir, { recursive: true });
      db = await open();
    },
    async close() {
      await db.close();
      rmSync(root, { recursive: true, force: true });
    }
  };
}

/** A migrated scratch database on the PostgreSQL server at `serverUrl`. */
export async function postgresScratch(serverUrl: string, prefix: string, max = 4): Promise<RestorableDatabase> {
  const scratch = await scratchDatabase(serverUrl, { prefix, max });
  const name = new URL(scratch.url).pathname.slice(1);
  const saved = `${name}_copy`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  let sql: Sql = scratch.sql;
  const reopen = async () => (sql = (await connect({ kind: 'url', url: scratch.url }, { max })).sql);
  return {
    get sql() {
      return sql;
    },
    kind: 'url',
    describe: scratch.describe,
    async copy() {
      await sql.end({ timeout: 5 });
      await admin.unsafe(`DROP DATABASE IF EXISTS ${saved}`);
      await admin.unsafe(`CREATE DATABASE ${saved} TEMPLATE ${name}`);
      await reopen();
    },
    async restore() {
      await sql.end({ timeout: 5 });
      await admin.unsafe(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.unsafe(`CREATE DATABASE ${name} TEMPLATE ${saved}`);
      await reopen();
    },
    async close() {
      await sql.end({ timeout: 5 });
      await admin.unsafe(`DROP DATABASE IF EXISTS ${saved} WITH (FORCE)`);
      await admin.end();
      await scratch.close(); // drops the database itself
    }
  };
}
