// The gold analytics on a known event history: every figure of every gold view, the void rule shared with
// inventory_current, and the pipeline's own gold SQL (sql/pipeline/gold_*.sql) run on the same silver rows, so the
// Databricks tables and the app's views cannot drift apart unnoticed.
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../testing/testdb';

let db: TestDb;

const ids = {
  e1: '00000000-0000-7000-8000-000000000001',
  e2: '00000000-0000-7000-8000-000000000002',
  e3: '00000000-0000-7000-8000-000000000003',
  v1: '00000000-0000-7000-8000-0000000000a1',
  e4: '00000000-0000-7000-8000-000000000004',
  e5: '00000000-0000-7000-8000-000000000005',
  e6: '00000000-0000-7000-8000-000000000006',
  v2: '00000000-0000-7000-8000-0000000000a2',
  e7: '00000000-0000-7000-8000-000000000007',
  e8: '00000000-0000-7000-8000-000000000008'
};

type Row = [
  id: string,
  seq: number,
  type: 'INTAKE' | 'CONSUME' | 'VOID',
  item: string,
  qty: number,
  loc: string,
  station: string | null,
  at: string,
  voids?: string
];

// Two UTC days at two lines. e3 is voided within minutes at the same station; e6 (day 1, ST-A) is voided the next
// morning at ST-B; e8 has no station and drives P-1 at LINE-2 below zero, which stock allows.
const history: Row[] = [
  [ids.e1, 1, 'INTAKE', 'P-1', 100, 'LINE-1', 'ST-A', '2026-03-02T08:05:00Z'],
  [ids.e2, 2, 'CONSUME', 'P-1', 10, 'LINE-1', 'ST-B', '2026-03-02T08:20:00Z'],
  [ids.e3, 3, 'CONSUME', 'P-1', 5, 'LINE-1', 'ST-B', '2026-03-02T08:40:00Z'],
  [ids.v1, 4, 'VOID', 'P-1', 5, 'LINE-1', 'ST-B', '2026-03-02T08:45:00Z', ids.e3],
  [ids.e4, 5, 'INTAKE', 'P-2', 40, 'LINE-2', 'ST-A', '2026-03-02T09:10:00Z'],
  [ids.e5, 6, 'CONSUME', 'P-2', 7, 'LINE-2', 'ST-A', '2026-03-02T09:30:00Z'],
  [ids.e6, 7, 'INTAKE', 'P-1', 20, 'LINE-1', 'ST-A', '2026-03-02T09:50:00Z'],
  [ids.v2, 8, 'VOID', 'P-1', 20, 'LINE-1', 'ST-B', '2026-03-03T07:15:00Z', ids.e6],
  [ids.e7, 9, 'CONSUME', 'P-1', 30, 'LINE-1', 'ST-B', '2026-03-03T07:30:00Z'],
  [ids.e8, 10, 'CONSUME', 'P-1', 3, 'LINE-2', null, '2026-03-03T14:00:00Z']
];

const signals = {
  s1: '00000000-0000-7000-9000-000000000001', // acknowledged after 30 min, fulfilled 90 min later
  s2: '00000000-0000-7000-9000-000000000002', // fulfilled straight from OPEN after 15 min
  s3: '00000000-0000-7000-9000-000000000003', // acknowledged after 30.5 s, still open for delivery
  s4: '00000000-0000-7000-9000-000000000004' // still OPEN
};
const lifecycle: [signal: string, item: string, loc: string, state: string, at: string][] = [
  [signals.s1, 'P-1', 'LINE-1', 'OPEN', '2026-03-02T08:20:00Z'],
  [signals.s2, 'P-2', 'LINE-2', 'OPEN', '2026-03-02T09:30:00Z'],
  [signals.s1, 'P-1', 'LINE-1', 'ACKNOWLEDGED', '2026-03-02T08:50:00Z'],
  [signals.s2, 'P-2', 'LINE-2', 'FULFILLED', '2026-03-02T09:45:00Z'],
  [signals.s1, 'P-1', 'LINE-1', 'FULFILLED', '2026-03-02T10:20:00Z'],
  [signals.s4, 'P-1', 'LINE-1', 'OPEN', '2026-03-03T07:30:00Z'],
  [signals.s3, 'P-1', 'LINE-2', 'OPEN', '2026-03-03T14:00:00Z'],
  [signals.s3, 'P-1', 'LINE-2', 'ACKNOWLEDGED', '2026-03-03T14:00:30.500Z']
];

async function insertEvents(sql: TestDb['sql'], rows: Row[]) {
  for (const [
    event_id,
    device_seq,
    event_type,
    item_id,
    qty,
    location_id,
    station_id,
    captured_at,
    voids_event_id
  ] of rows) {
    await sql`
      INSERT INTO scan_events (event_id, device_id, device_seq, event_type, item_id, qty, location_id, station_id, source, captured_at, voids_event_id)
      VALUES (${event_id}, 'tab-1', ${device_seq}, ${event_type}, ${item_id}, ${qty}, ${location_id}, ${station_id}, 'wedge', ${captured_at}, ${voids_event_id ?? null})`;
  }
}

beforeAll(async () => {
  db = await createTestDb();
  await db.sql`INSERT INTO locations (location_id, name) VALUES ('LINE-1', 'Line 1'), ('LINE-2', 'Line 2')`;
  await db.sql`INSERT INTO items (item_id, description, reorder_point) VALUES ('P-1', 'Bolt', 10), ('P-2', 'Nut', 5)`;
  await insertEvents(db.sql, history);
  for (const [signal_id, item_id, location_id, state, changed_at] of lifecycle)
    await db.sql`
      INSERT INTO replenishment_signals (signal_id, item_id, location_id, state, triggered_at_qty, on_hand_at_change, changed_at)
      VALUES (${signal_id}, ${item_id}, ${location_id}, ${state}, 0, 0, ${changed_at})`;
});
afterAll(() => db?.close());

// Rows as plain values, dates as ISO text, in a stable order: the shape both twins are compared in.
function plain(rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  const out = rows.map((r) =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [
        k,
        v instanceof Date
          ? v.toISOString()
          : typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) && k !== 'station_id'
            ? Number(v)
            : v
      ])
    )
  );
  return out.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

const view = async (name: string) => plain(await db.sql.unsafe(`SELECT * FROM ${name}`));
const day = (d: string) => new Date(d + 'T00:00:00Z').toISOString();
// This history has neither MOVE nor COUNT (gold-moves.test.ts has them).
const noMovesOrCounts = { moved_in_qty: 0, moved_out_qty: 0, move_scans: 0, count_adjustment_qty: 0, count_scans: 0 };

describe('gold_daily_movements', () => {
  it('sums intake and consumption per UTC day, item and location, leaving voided scans out', async () => {
    expect(await view('gold_daily_movements')).toEqual(
      plain([
        {
          day: day('2026-03-02'),
          item_id: 'P-1',
          location_id: 'LINE-1',
          intake_qty: 100,
          consume_qty: 10,
          net_qty: 90,
          intake_scans: 1,
          consume_scans: 1,
          ...noMovesOrCounts
        },
        {
          day: day('2026-03-02'),
          item_id: 'P-2',
          location_id: 'LINE-2',
          intake_qty: 40,
          consume_qty: 7,
          net_qty: 33,
          intake_scans: 1,
          consume_scans: 1,
          ...noMovesOrCounts
        },
        {
          day: day('2026-03-03'),
          item_id: 'P-1',
          location_id: 'LINE-1',
          intake_qty: 0,
          consume_qty: 30,
          net_qty: -30,
          intake_scans: 0,
          consume_scans: 1,
          ...noMovesOrCounts
        },
        {
          day: day('2026-03-03'),
          item_id: 'P-1',
          location_id: 'LINE-2',
          intake_qty: 0,
          consume_qty: 3,
          net_qty: -3,
          intake_scans: 0,
          consume_scans: 1,
          ...noMovesOrCounts
        }
      ])
    );
  });
});

describe('gold_on_hand_history', () => {
  it('carries on hand from day to day, negative included', async () => {
    expect(await view('gold_on_hand_history')).toEqual(
      plain([
        { day: day('2026-03-02'), item_id: 'P-1', location_id: 'LINE-1', net_qty: 90, on_hand: 90 },
        { day: day('2026-03-03'), item_id: 'P-1', location_id: 'LINE-1', net_qty: -30, on_hand: 60 },
        { day: day('2026-03-03'), item_id: 'P-1', location_id: 'LINE-2', net_qty: -3, on_hand: -3 },
        { day: day('2026-03-02'), item_id: 'P-2', location_id: 'LINE-2', net_qty: 33, on_hand: 33 }
      ])
    );
  });

  it('ends where inventory_current, the audit over all events, stands', async () => {
    const last = await db.sql<{ item_id: string; location_id: string; on_hand: number }[]>`
      SELECT DISTINCT ON (item_id, location_id) item_id, location_id, on_hand
      FROM gold_on_hand_history ORDER BY item_id, location_id, day DESC`;
    const audit = await db.sql<{ item_id: string; location_id: string; on_hand: number }[]>`
      SELECT item_id, location_id, on_hand::bigint AS on_hand FROM inventory_current ORDER BY item_id, location_id`;
    expect(plain(last)).toEqual(plain(audit));
  });
});

describe('gold_replenishment_sla', () => {
  it('times each signal from OPEN to ACKNOWLEDGED to FULFILLED', async () => {
    const at = (s: string | null) => (s ? new Date(s).toISOString() : null);
    expect(await view('gold_replenishment_sla')).toEqual(
      plain([
        {
          signal_id: signals.s1,
          item_id: 'P-1',
          location_id: 'LINE-1',
          opened_at: at('2026-03-02T08:20:00Z'),
          acknowledged_at: at('2026-03-02T08:50:00Z'),
          fulfilled_at: at('2026-03-02T10:20:00Z'),
          state: 'FULFILLED',
          seconds_to_acknowledge: 1800,
          seconds_acknowledged_to_fulfilled: 5400,
          seconds_to_fulfil: 7200
        },
        {
          signal_id: signals.s2,
          item_id: 'P-2',
          location_id: 'LINE-2',
          opened_at: at('2026-03-02T09:30:00Z'),
          acknowledged_at: null,
          fulfilled_at: at('2026-03-02T09:45:00Z'),
          state: 'FULFILLED',
          seconds_to_acknowledge: null,
          seconds_acknowledged_to_fulfilled: null,
          seconds_to_fulfil: 900
        },
        {
          signal_id: signals.s3,
          item_id: 'P-1',
          location_id: 'LINE-2',
          opened_at: at('2026-03-03T14:00:00Z'),
          acknowledged_at: at('2026-03-03T14:00:30.500Z'),
          fulfilled_at: null,
          state: 'ACKNOWLEDGED',
          seconds_to_acknowledge: 30.5,
          seconds_acknowledged_to_fulfilled: null,
          seconds_to_fulfil: null
        },
        {
          signal_id: signals.s4,
          item_id: 'P-1',
          location_id: 'LINE-1',
          opened_at: at('2026-03-03T07:30:00Z'),
          acknowledged_at: null,
          fulfilled_at: null,
          state: 'OPEN',
          seconds_to_acknowledge: null,
          seconds_acknowledged_to_fulfilled: null,
          seconds_to_fulfil: null
        }
      ])
    );
  });
});

describe('gold_station_throughput_hourly', () => {
  it('counts the scans that still count and the VOIDs where and when each was made', async () => {
    const hour = (h: string) => new Date(h).toISOString();
    expect(await view('gold_station_throughput_hourly')).toEqual(
      plain([
        {
          hour: hour('2026-03-02T08:00:00Z'),
          station_id: 'ST-A',
          scans: 1,
          intake_scans: 1,
          consume_scans: 0,
          units: 100,
          voids: 0,
          move_scans: 0,
          count_scans: 0
        },
        {
          hour: hour('2026-03-02T08:00:00Z'),
          station_id: 'ST-B',
          scans: 1,
          intake_scans: 0,
          consume_scans: 1,
          units: 10,
          voids: 1,
          move_scans: 0,
          count_scans: 0
        },
        {
          hour: hour('2026-03-02T09:00:00Z'),
          station_id: 'ST-A',
          scans: 2,
          intake_scans: 1,
          consume_scans: 1,
          units: 47,
          voids: 0,
          move_scans: 0,
          count_scans: 0
        },
        {
          hour: hour('2026-03-03T07:00:00Z'),
          station_id: 'ST-B',
          scans: 1,
          intake_scans: 0,
          consume_scans: 1,
          units: 30,
          voids: 1,
          move_scans: 0,
          count_scans: 0
        },
        {
          hour: hour('2026-03-03T14:00:00Z'),
          station_id: null,
          scans: 1,
          intake_scans: 0,
          consume_scans: 1,
          units: 3,
          voids: 0,
          move_scans: 0,
          count_scans: 0
        }
      ])
    );
  });
});

describe('gold_voided_scan_rate', () => {
  it('charges a void to the station and day of the scan it cancels', async () => {
    expect(await view('gold_voided_scan_rate')).toEqual(
      plain([
        { day: day('2026-03-02'), station_id: 'ST-A', scans: 4, voided_scans: 1, voided_rate: 0.25 },
        { day: day('2026-03-02'), station_id: 'ST-B', scans: 2, voided_scans: 1, voided_rate: 0.5 },
        { day: day('2026-03-03'), station_id: 'ST-B', scans: 1, voided_scans: 0, voided_rate: 0 },
        { day: day('2026-03-03'), station_id: null, scans: 1, voided_scans: 0, voided_rate: 0 }
      ])
    );
  });
});

describe('silver', () => {
  it('leaves out events captured in the future, a VOID among them, until their time has come', async () => {
    const before = await view('gold_daily_movements');
    const soon = new Date(Date.now() + 2 * 60 * 60 * 1000).toISOString();
    const rollback = new Error('rollback');
    await expect(
      db.sql.begin(async (tx) => {
        await insertEvents(tx as unknown as TestDb['sql'], [
          ['00000000-0000-7000-8000-0000000000f1', 11, 'CONSUME', 'P-1', 2, 'LINE-1', 'ST-B', soon],
          ['00000000-0000-7000-8000-0000000000f2', 12, 'VOID', 'P-1', 10, 'LINE-1', 'ST-B', soon, ids.e2]
        ]);
        expect(plain(await tx.unsafe('SELECT * FROM gold_daily_movements'))).toEqual(before);
        const [{ n }] = await tx<{ n: number }[]>`SELECT count(*) AS n FROM scan_events`;
        expect(n).toBe(history.length + 2);
        throw rollback;
      })
    ).rejects.toBe(rollback);
  });
});

describe('Lakehouse Sync readiness', () => {
  // Lakehouse Sync copies every table of the schema and needs the old row in the WAL. schema_migrations is the
  // migrator's own bookkeeping (server/db/migrate.ts), never updated and not analysed.
  it('has REPLICA IDENTITY FULL on every table a migration creates', async () => {
    const notFull = await db.sql<{ relname: string }[]>`
      SELECT relname FROM pg_class
      WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p') AND relreplident <> 'f' AND relname <> 'schema_migrations'
      ORDER BY relname`;
    expect(
      notFull.map((t) => t.relname),
      'add `ALTER TABLE <table> REPLICA IDENTITY FULL;` to the migration that creates it'
    ).toEqual([]);
  });
});

describe('the pipeline twin', () => {
  // Databricks SQL spellings the gold SQL uses that PostgreSQL lacks, defined for this test database only.
  beforeAll(async () => {
    await db.sql.unsafe(`
      CREATE SCHEMA spark_sql;
      CREATE DOMAIN spark_sql.double AS double precision;
      CREATE FUNCTION spark_sql.unix_micros(t timestamptz) RETURNS bigint LANGUAGE sql IMMUTABLE STRICT
        AS $$ SELECT (extract(epoch FROM t) * 1000000)::bigint $$;`);
  });

  const dir = new URL('../../../sql/pipeline/', import.meta.url);
  const gold = readdirSync(dir)
    .filter((f) => f.startsWith('gold_') && f.endsWith('.sql'))
    .map((f) => {
      const text = readFileSync(new URL(f, dir), 'utf8');
      const m = /CREATE OR REFRESH MATERIALIZED VIEW (\w+)\s+COMMENT '(?:[^']|'')*'\s+AS\s+([\s\S]+?);\s*$/.exec(text);
      if (!m)
        throw new Error(`${f}: expected one CREATE OR REFRESH MATERIALIZED VIEW <name> COMMENT '...' AS <select>;`);
      return { file: f, name: m[1], select: m[2] };
    });

  it('has a gold table for every gold view of the app, under the same name', async () => {
    const views = await db.sql<{ table_name: string }[]>`
      SELECT table_name FROM information_schema.views WHERE table_schema = 'public' AND table_name LIKE 'gold\\_%' ORDER BY table_name`;
    expect(gold.map((g) => g.name).sort()).toEqual(views.map((v) => v.table_name));
    expect(gold.map((g) => `${g.name}.sql`)).toEqual(gold.map((g) => g.file));
  });

  it.each([
    'gold_daily_movements',
    'gold_on_hand_history',
    'gold_places',
    'gold_replenishment_sla',
    'gold_station_throughput_hourly',
    'gold_voided_scan_rate'
  ])('%s: the pipeline SQL on the same silver rows gives the same columns and rows', async (name) => {
    const g = gold.find((x) => x.name === name);
    expect(g, `sql/pipeline/${name}.sql`).toBeDefined();
    const [pipelineRows, twinRows] = await db.sql.begin(async (tx) => {
      await tx.unsafe('SET LOCAL search_path = spark_sql, public');
      return [await tx.unsafe(g!.select), await tx.unsafe(`SELECT * FROM ${name}`)];
    });
    expect(pipelineRows.columns.map((c) => c.name)).toEqual(twinRows.columns.map((c) => c.name));
    expect(pipelineRows.length).toBeGreaterThan(0);
    expect(plain(pipelineRows)).toEqual(plain(twinRows));
  });
});
