// Migration 0028: a push's update of stock_levels stays HOT (no index entries written) unless a row changes status or
// band. PostgreSQL makes an update HOT only when no column an index reads changes, so no index may read a column the
// push's upsert (server/features/sync/push.ts project()) sets on every row it moves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../testing/testdb';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db.close();
});

const PUSH_SETS = ['consume_total', 'event_count', 'intake_total', 'last_activity_at', 'on_hand', 'updated_at'];

describe('stock_levels indexes', () => {
  it('read none of the columns every push updates', async () => {
    // Every column an index of stock_levels reads: its keys, its expressions and its predicate.
    const read = await db.sql<{ index: string; column: string }[]>`
      SELECT DISTINCT i.relname AS index, a.attname AS column
      FROM pg_depend d
      JOIN pg_class i ON i.oid = d.objid AND i.relkind = 'i'
      JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
      WHERE d.classid = 'pg_class'::regclass AND d.refobjid = 'stock_levels'::regclass AND d.refobjsubid > 0
      ORDER BY 1, 2`;
    expect(read.map((r) => r.index)).toContain('stock_levels_on_hand_band'); // the dependencies are there to read
    expect(read.filter((r) => PUSH_SETS.includes(r.column))).toEqual([]);
  });
});
