// Silver's change selection (sql/pipeline/silver.sql, between its changes:begin/end markers) run on PostgreSQL over
// Change Data Feed rows made by hand: before-images dropped, the highest LSN wins whatever the arrival order, and a
// row whose last change is a delete is gone. The text is the pipeline's own; only the bronze table is stood in for.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { scanEventSchema, type EventType, type ScanEvent } from '../../src/lib/domain/events';
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

// The expectations of silver_scan_events, as (name, expression): every one must hold for any event the domain accepts.
function scanExpectations(): { name: string; expr: string }[] {
  const text = readFileSync(ROOT + 'sql/pipeline/silver.sql', 'utf8');
  const block = /CREATE OR REFRESH MATERIALIZED VIEW silver_scan_events \(([\s\S]*?)\n\)\nCOMMENT/.exec(text);
  if (!block) throw new Error('silver.sql: silver_scan_events lost its expectations block');
  return [...block[1].matchAll(/CONSTRAINT (\w+) EXPECT \((.*)\) ON VIOLATION DROP ROW/g)].map((m) => ({
    name: m[1],
    expr: m[2]
  }));
}

it('lets through every event type the domain defines, and no other', () => {
  const valid = scanExpectations().find((x) => x.name === 'valid_event_type');
  expect(valid, 'silver.sql: CONSTRAINT valid_event_type EXPECT (event_type IN (...))').toBeDefined();
  const list = /^event_type IN \(([^)]*)\)$/.exec(valid!.expr);
  expect(list, valid!.expr).not.toBeNull();
  const types = list![1].split(',').map((t) => t.trim().replace(/^'(.*)'$/, '$1'));
  expect([...types].sort()).toEqual([...scanEventSchema.shape.event_type.options].sort());
});

it('holds every silver_scan_events expectation for a valid event of each type, a COUNT of 0 included', async () => {
  const base = {
    device_seq: 1,
    item_id: 'P-1',
    qty: 3,
    location_id: 'LINE-1',
    source: 'wedge' as const,
    captured_at: '2026-03-02T08:00:00Z'
  };
  const id = (n: number) => `00000000-0000-7000-8000-00000000000${n}`;
  // A Record over EventType: a new event type does not compile until it has an example here.
  const examples: Record<EventType, Partial<ScanEvent>> = {
    INTAKE: {},
    CONSUME: {},
    VOID: { voids_event_id: id(1) },
    MOVE: { to_location_id: 'LINE-2' },
    COUNT: { qty: 0, expected_qty: 5 }
  };
  const events = Object.entries(examples).map(([event_type, extra], i) =>
    scanEventSchema.parse({ ...base, event_id: id(i + 1), event_type, ...extra })
  );
  await db.sql.unsafe(`CREATE TABLE example_events (event_type text, qty int, location_id text, to_location_id text,
    expected_qty bigint, voids_event_id text, captured_at timestamptz, item_known boolean)`);
  for (const e of events)
    await db.sql`INSERT INTO example_events VALUES (${e.event_type}, ${e.qty}, ${e.location_id},
      ${e.to_location_id ?? null}, ${e.expected_qty ?? null}, ${e.voids_event_id ?? null}, ${e.captured_at}, true)`;
  // Spark's current_timestamp() is PostgreSQL's now(); nothing else in the expressions differs.
  const checks = scanExpectations()
    .map((x) => `(${x.expr.replaceAll('current_timestamp()', 'now()')}) AS ${x.name}`)
    .join(', ');
  const rows = await db.sql.unsafe(`SELECT event_type, ${checks} FROM example_events ORDER BY event_type`);
  for (const r of rows)
    for (const [name, ok] of Object.entries(r))
      if (name !== 'event_type') expect(ok, `${r.event_type} fails ${name}`).toBe(true);
  expect(rows.map((r) => r.event_type).sort()).toEqual([...scanEventSchema.shape.event_type.options].sort());
});
