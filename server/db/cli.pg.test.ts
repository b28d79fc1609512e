// The db CLI against a real server through DATABASE_URL, as an operator would run it.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from './cli';
import { createTestDb, type TestDb } from '../testing/testdb';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb({ migrated: false });
});
afterAll(() => db.close());

async function cli(...args: string[]) {
  const out: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  const err = vi.spyOn(console, 'error').mockImplementation((...a) => void out.push(a.join(' ')));
  try {
    const code = await run(args, { DATABASE_URL: db.url! });
    return { code, out: out.join('\n') };
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
}

describe('npm run db', () => {
  it('migrates, seeds, reports status and verifies', async () => {
    expect((await cli('migrate')).out).toMatch(/Applied: 0001_core.sql/);
    expect((await cli('migrate')).out).toMatch(/Nothing to apply/);
    expect((await cli('seed')).out).toMatch(/Loaded 30 items and \d+ scan events/);
    const status = await cli('status');
    expect(status.code).toBe(0);
    expect(status.out).toMatch(/Migrations: \d+ applied, 0 pending/);
    expect(status.out).toMatch(/items\s+30/);
    expect(await cli('verify')).toMatchObject({ code: 0, out: expect.stringMatching(/^OK: \d+ stock rows/) });
  });

  it('exits non-zero and names the rows when stock_levels drifts from the events', async () => {
    await db.sql`UPDATE stock_levels SET on_hand = on_hand + 1 WHERE item_id = 'P-1001' AND location_id = 'LINE-1'`;
    const v = await cli('verify');
    expect(v.code).toBe(1);
    expect(v.out).toMatch(/DRIFT in 1 rows/);
    expect(v.out).toMatch(/P-1001 @ LINE-1/);
    await db.sql`UPDATE stock_levels SET on_hand = on_hand - 1 WHERE item_id = 'P-1001' AND location_id = 'LINE-1'`;
  });

  it('grants an app role access to every table and sequence', async () => {
    await db.sql`DROP ROLE IF EXISTS linesync_app_test`.catch(() => undefined);
    await db.sql`CREATE ROLE linesync_app_test`;
    try {
      expect((await cli('grant-app-access', 'linesync_app_test')).code).toBe(0);
      const [{ ok }] = await db.sql`
        SELECT bool_and(has_table_privilege('linesync_app_test', c.oid, 'SELECT,INSERT,UPDATE,DELETE')) AS ok
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r'`;
      expect(ok).toBe(true);
      const [{ seq }] = await db.sql`
        SELECT bool_and(has_sequence_privilege('linesync_app_test', c.oid, 'USAGE')) AS seq
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'S'`;
      expect(seq).toBe(true);
    } finally {
      await db.sql`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM linesync_app_test`;
      await db.sql`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM linesync_app_test`;
      await db.sql`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM linesync_app_test`;
      await db.sql`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM linesync_app_test`;
      await db.sql`REVOKE ALL ON SCHEMA public FROM linesync_app_test`;
      await db.sql`DROP ROLE linesync_app_test`;
    }
  });

  it('refuses bad commands and role names, and clears only when told', async () => {
    expect((await cli('explode')).code).toBe(2);
    expect((await cli('grant-app-access', 'x; DROP TABLE items')).code).toBe(2);
    expect((await cli('clear')).code).toBe(1); // no terminal to ask: nothing deleted
    const [{ n }] = await db.sql`SELECT count(*) AS n FROM items`;
    expect(n).toBe(30);
    const [{ s }] = await db.sql`SELECT count(*) AS s FROM suppliers`;
    expect(s).toBeGreaterThan(0); // the sample plant has suppliers, so their emptying below means something
    expect((await cli('clear', '--yes')).code).toBe(0);
    const [left] =
      await db.sql`SELECT (SELECT count(*) FROM scan_events) AS events, (SELECT count(*) FROM suppliers) AS suppliers,
      (SELECT count(*) FROM categories) AS categories, (SELECT count(*) FROM purchase_orders) AS orders`;
    expect(left).toEqual({ events: 0, suppliers: 0, categories: 0, orders: 0 });
  });
});
