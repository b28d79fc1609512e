// Requests share one database: work outside a transaction must never run inside another request's open transaction.
// Against PGlite (one session behind a socket) that is the embedded mode's promise; against PostgreSQL, the pool's.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../testing/testdb';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
  await db.sql`CREATE TABLE isolation_probe (tag text)`;
});
afterAll(() => db.close());

it('never runs one request inside another request’s transaction', async () => {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  let inside = false;
  const rolledBack = db.sql
    .begin(async (tx) => {
      await tx`INSERT INTO isolation_probe VALUES ('rolled back')`;
      inside = true;
      await sleep(300); // other requests arrive while this transaction is open
      throw new Error('roll back');
    })
    .catch((e: Error) => e.message);
  while (!inside) await sleep(5);
  // Ten independent statements from "other requests" while the transaction is open.
  await Promise.all(
    Array.from({ length: 10 }, (_, i) => db.sql`INSERT INTO isolation_probe VALUES (${'committed ' + i})`)
  );
  expect(await rolledBack).toBe('roll back');
  const rows = await db.sql<{ tag: string }[]>`SELECT tag FROM isolation_probe ORDER BY tag`;
  expect(rows.map((r) => r.tag)).toEqual(Array.from({ length: 10 }, (_, i) => 'committed ' + i).sort());
});

it('keeps two concurrent transactions apart', async () => {
  await db.sql`TRUNCATE isolation_probe`;
  const run = (tag: string, fail: boolean) =>
    db.sql
      .begin(async (tx) => {
        for (let i = 0; i < 5; i++) {
          await tx`INSERT INTO isolation_probe VALUES (${tag})`;
          await new Promise((r) => setTimeout(r, 10));
        }
        if (fail) throw new Error('fail');
      })
      .catch(() => undefined);
  await Promise.all([run('a', true), run('b', false), run('c', true), run('d', false)]);
  const rows = await db.sql<
    { tag: string; n: number }[]
  >`SELECT tag, count(*) AS n FROM isolation_probe GROUP BY tag ORDER BY tag`;
  expect(rows).toEqual([
    { tag: 'b', n: 5 },
    { tag: 'd', n: 5 }
  ]);
});
