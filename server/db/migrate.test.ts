import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appliedMigrations, migrate, MigrationError, readMigrations } from './migrate';
import { createTestDb, type TestDb } from '../testing/testdb';

let db: TestDb;
beforeEach(async () => {
  db = await createTestDb({ migrated: false });
});
afterEach(() => db.close());

function migrationsDir(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'linesync-migrations-'));
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  return dir;
}

describe('migrate', () => {
  it('applies every project migration once, in order, and records name and checksum', async () => {
    const files = readMigrations();
    expect(await migrate(db.sql)).toEqual(files.map((f) => f.name));
    expect(await migrate(db.sql)).toEqual([]);
    const applied = await appliedMigrations(db.sql);
    expect(applied.map((a) => [a.name, a.checksum])).toEqual(files.map((f) => [f.name, f.checksum]));
  });

  it('refuses to start when an applied migration was changed, and applies nothing', async () => {
    const dir = migrationsDir({ '0001_a.sql': 'CREATE TABLE a (x int);' });
    await migrate(db.sql, readMigrations(dir));
    writeFileSync(join(dir, '0001_a.sql'), 'CREATE TABLE a (x bigint);');
    writeFileSync(join(dir, '0002_b.sql'), 'CREATE TABLE b (x int);');
    await expect(migrate(db.sql, readMigrations(dir))).rejects.toThrow(/0001_a.sql was changed after it was applied/);
    await expect(migrate(db.sql, readMigrations(dir))).rejects.toBeInstanceOf(MigrationError);
    const [{ b }] = await db.sql`SELECT to_regclass('b') IS NOT NULL AS b`;
    expect(b).toBe(false);
  });

  it('refuses when an applied migration file is missing', async () => {
    const dir = migrationsDir({ '0001_a.sql': 'CREATE TABLE a (x int);' });
    await migrate(db.sql, readMigrations(dir));
    await expect(migrate(db.sql, readMigrations(migrationsDir({})))).rejects.toThrow(
      /0001_a.sql was applied .* missing/
    );
  });

  it('rolls back a migration that fails, leaving it pending', async () => {
    const dir = migrationsDir({
      '0001_a.sql': 'CREATE TABLE a (x int);',
      '0002_bad.sql': 'CREATE TABLE c (x int); SELECT nonsense FROM nowhere;'
    });
    await expect(migrate(db.sql, readMigrations(dir))).rejects.toThrow();
    expect(await appliedMigrations(db.sql)).toEqual([]);
    const [{ c }] = await db.sql`SELECT to_regclass('c') IS NOT NULL AS c`;
    expect(c).toBe(false);
  });
});
