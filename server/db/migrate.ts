// Applies sql/migrations/*.sql in order, once each, and refuses to go on when an applied file was changed since.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Sql } from './connect';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../sql/migrations/', import.meta.url));

interface Migration {
  name: string;
  checksum: string;
  sql: string;
}

export class MigrationError extends Error {}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((name) => {
      const sql = readFileSync(dir + '/' + name, 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

interface AppliedMigration {
  name: string;
  checksum: string;
  applied_at: Date;
}

// Any fixed number: it only has to be the same for every LineSync process sharing the database.
const MIGRATION_LOCK = 4_711_001;

export async function migrate(sql: Sql, migrations = readMigrations()): Promise<string[]> {
  return sql.begin(async (tx) => {
    // One migrator at a time when several instances start together.
    await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`;
    // Created only when missing: the app's own role may read it but, on PostgreSQL 15+, not create in public.
    const [{ exists }] = await tx<{ exists: boolean }[]>`SELECT to_regclass('schema_migrations') IS NOT NULL AS exists`;
    if (!exists)
      await tx`
        CREATE TABLE schema_migrations (
          name text PRIMARY KEY,
          checksum text NOT NULL,
          applied_at timestamptz NOT NULL DEFAULT now()
        )`;
    const applied = new Map(
      (await tx<AppliedMigration[]>`SELECT name, checksum FROM schema_migrations`).map((m) => [m.name, m.checksum])
    );
    checkApplied(applied, migrations);
    const pending = migrations.filter((m) => !applied.has(m.name));
    for (const m of pending) {
      try {
        await tx.unsafe(m.sql);
      } catch (e) {
        if ((e as { code?: string }).code === '42501')
          throw new MigrationError(
            `Migration ${m.name} needs privileges this role does not have (${(e as Error).message}). Apply it as the database owner: npm run db -- migrate.`
          );
        throw e;
      }
      await tx`INSERT INTO schema_migrations (name, checksum) VALUES (${m.name}, ${m.checksum})`;
    }
    return pending.map((m) => m.name);
  });
}

function checkApplied(applied: Map<string, string>, migrations: Migration[]) {
  const files = new Map(migrations.map((m) => [m.name, m.checksum]));
  for (const [name, checksum] of applied) {
    const now = files.get(name);
    if (now === undefined)
      throw new MigrationError(
        `Migration ${name} was applied to this database but its file is missing from sql/migrations.`
      );
    if (now !== checksum)
      throw new MigrationError(
        `Migration ${name} was changed after it was applied (checksum ${checksum.slice(0, 12)} in the database, ${now.slice(0, 12)} on disk). Put the change in a new migration file instead.`
      );
  }
}

export async function appliedMigrations(sql: Sql): Promise<AppliedMigration[]> {
  const [{ exists }] = await sql<{ exists: boolean }[]>`SELECT to_regclass('schema_migrations') IS NOT NULL AS exists`;
  if (!exists) return [];
  return sql<AppliedMigration[]>`SELECT name, checksum, applied_at FROM schema_migrations ORDER BY name`;
}
