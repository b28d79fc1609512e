// Silver's change selection (sql/pipeline/silver.sql, between its changes:begin/end markers) run on PostgreSQL over
// Change Data Feed rows made by hand: before-images dropped, the highest LSN wins whatever the arrival order, and a
// row whose last change is a delete is gone. The text is the pipeline's own; only the bronze table is stood in for.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../server/testing/testdb';
import { ROOT } from './bundle';

let db: TestDb;
// An embedded database starts in seconds, but in this (unit) project the default 10 s hook limit is too tight on a busy
// machine: give it the server suite's minute.
beforeAll(async () => {
  db = await createTestDb({ migrated: false });
}, 60_000);
afterAll(() => db?.close());

function changesSelect(): string {
  const text = readFileSync(ROOT + 'sql/pipeline/silver.sql', 'utf8');
  const m = /-- changes:begin[^\n]*\n([\s\S]*?)-- changes:end/.exec(text);
  if (!m) throw new Error('silver.sql lost its changes:begin/end markers');
  return m[1];
}

it('keeps the latest after-image per event by LSN and drops before-images and deletes', async () => {
  await db.sql.unsafe(`
    CREATE TABLE bronze_scan_events (event_id text, qty int, _pg_change_type text, _pg_lsn bigint, _ingested_at int);
    INSERT INTO bronze_scan_events VALUES
      ('a', 1, 'insert', 10, 3),            -- re-snapshotted later with the same content
      ('a', 1, 'insert', 50, 1),            -- arrived first, but the later LSN
      ('b', 2, 'insert', 20, 1),
      ('b', 2, 'update_preimage', 30, 2),   -- before-image: never the answer
      ('b', 5, 'update_postimage', 30, 2),
      ('c', 4, 'insert', 40, 1),
      ('c', 4, 'delete', 60, 2);`);
  const rows = await db.sql.unsafe(`SELECT event_id, qty, _pg_change_type FROM (${changesSelect()}) e
    WHERE e.change_no = 1 AND e._pg_change_type <> 'delete' ORDER BY event_id`);
  expect(rows.map((r) => ({ ...r }))).toEqual([
    { event_id: 'a', qty: 1, _pg_change_type: 'insert' },
    { event_id: 'b', qty: 5, _pg_change_type: 'update_postimage' }
  ]);
});

it('has the same final filter in silver.sql as here', () => {
  expect(readFileSync(ROOT + 'sql/pipeline/silver.sql', 'utf8')).toContain(
    "WHERE e.change_no = 1 AND e._pg_change_type <> 'delete';"
  );
});
