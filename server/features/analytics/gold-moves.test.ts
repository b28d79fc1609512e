// MOVE and COUNT in the analytics, pushed as a tablet would: after intakes, consumes, moves (one voided) and counts
// over three UTC days, the gold views equal the projection (stock_levels) and the audit (inventory_current), a move
// is out of one location and into the other, a count moves stock by the adjustment the server recorded, and the
// pipeline's own silver and gold SQL (sql/pipeline/) give the same rows on the same events.
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanEvent } from '#domain/events';
import { createTestDb, type TestDb } from '../../testing/testdb';
import { makeEvent } from '../../testing/testkit';
import { pushEvents } from '../sync/push';

let db: TestDb;
const pipelineDir = new URL('../../../sql/pipeline/', import.meta.url);

// One event as a tablet sends it.
const e = (
  device_seq: number,
  event_type: ScanEvent['event_type'],
  item_id: string,
  qty: number,
  location_id: string,
  station_id: string,
  captured_at: string,
  extra: Partial<ScanEvent> = {}
) => makeEvent({ device_seq, event_type, item_id, qty, location_id, station_id, captured_at, ...extra });

const voidedMove = e(6, 'MOVE', 'P-1', 7, 'LINE-1', 'ST-A', '2026-03-03T10:00:00Z', { to_location_id: 'LINE-2' });
const history: ScanEvent[] = [
  e(1, 'INTAKE', 'P-1', 100, 'LINE-1', 'ST-A', '2026-03-02T08:00:00Z'),
  e(2, 'INTAKE', 'P-2', 30, 'LINE-2', 'ST-A', '2026-03-02T08:10:00Z'),
  e(3, 'CONSUME', 'P-1', 10, 'LINE-1', 'ST-B', '2026-03-02T09:00:00Z'),
  e(4, 'MOVE', 'P-1', 25, 'LINE-1', 'ST-A', '2026-03-03T08:00:00Z', { to_location_id: 'LINE-2' }),
  e(5, 'CONSUME', 'P-1', 5, 'LINE-2', 'ST-B', '2026-03-03T09:00:00Z'),
  voidedMove,
  e(7, 'VOID', 'P-1', 7, 'LINE-1', 'ST-A', '2026-03-03T10:05:00Z', { voids_event_id: voidedMove.event_id }),
  // On hand then 65: counted 60, adjustment -5. LINE-2 holds 20 and is found empty. P-2 at LINE-2 is 3 over, and 4
  // turn up at LINE-1 where P-2 never was.
  e(8, 'COUNT', 'P-1', 60, 'LINE-1', 'ST-C', '2026-03-04T08:00:00Z', { expected_qty: 65 }),
  e(9, 'COUNT', 'P-1', 0, 'LINE-2', 'ST-C', '2026-03-04T08:30:00Z', { expected_qty: 20 }),
  e(10, 'COUNT', 'P-2', 33, 'LINE-2', 'ST-C', '2026-03-04T09:00:00Z', { expected_qty: 30 }),
  e(11, 'COUNT', 'P-2', 4, 'LINE-1', 'ST-C', '2026-03-04T09:30:00Z', { expected_qty: 0 })
];

beforeAll(async () => {
  db = await createTestDb();
  await db.sql`INSERT INTO locations (location_id, name) VALUES ('LINE-1', 'Line 1'), ('LINE-2', 'Line 2')`;
  await db.sql`INSERT INTO items (item_id, description, reorder_point) VALUES ('P-1', 'Bolt', 10), ('P-2', 'Nut', 5)`;
  // One push per scan, in capture order: each count meets the on hand the scans before it left.
  for (const event of history) {
    const res = await pushEvents(
      db.sql,
      { device_id: 'tab-1', events: [event] },
      { userEmail: 'op@plant.example', requireKnownItems: true }
    );
    expect(res.results.map((r) => r.status)).toEqual(['applied']);
  }
});
afterAll(() => db?.close());

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
const view = async (sql: string) => plain(await db.sql.unsafe(sql));
const day = (d: string) => new Date(d + 'T00:00:00Z').toISOString();
const zero = {
  intake_qty: 0,
  consume_qty: 0,
  net_qty: 0,
  intake_scans: 0,
  consume_scans: 0,
  moved_in_qty: 0,
  moved_out_qty: 0,
  move_scans: 0,
  count_adjustment_qty: 0,
  count_scans: 0
};

describe('gold_daily_movements', () => {
  it('takes a move out of one location and into the other, and a count by its recorded adjustment', async () => {
    const at = (d: string, item_id: string, location_id: string, figures: Partial<typeof zero>) => ({
      day: day(d),
      item_id,
      location_id,
      ...zero,
      ...figures
    });
    expect(await view('SELECT * FROM gold_daily_movements')).toEqual(
      plain([
        at('2026-03-02', 'P-1', 'LINE-1', {
          intake_qty: 100,
          consume_qty: 10,
          net_qty: 90,
          intake_scans: 1,
          consume_scans: 1
        }),
        at('2026-03-02', 'P-2', 'LINE-2', { intake_qty: 30, net_qty: 30, intake_scans: 1 }),
        at('2026-03-03', 'P-1', 'LINE-1', { net_qty: -25, moved_out_qty: 25, move_scans: 1 }),
        at('2026-03-03', 'P-1', 'LINE-2', {
          consume_qty: 5,
          net_qty: 20,
          consume_scans: 1,
          moved_in_qty: 25,
          move_scans: 1
        }),
        at('2026-03-04', 'P-1', 'LINE-1', { net_qty: -5, count_adjustment_qty: -5, count_scans: 1 }),
        at('2026-03-04', 'P-1', 'LINE-2', { net_qty: -20, count_adjustment_qty: -20, count_scans: 1 }),
        at('2026-03-04', 'P-2', 'LINE-1', { net_qty: 4, count_adjustment_qty: 4, count_scans: 1 }),
        at('2026-03-04', 'P-2', 'LINE-2', { net_qty: 3, count_adjustment_qty: 3, count_scans: 1 })
      ])
    );
  });

  it('nets a move to zero for the item over all locations', async () => {
    expect(
      await view(`SELECT day, item_id, sum(moved_in_qty) - sum(moved_out_qty) AS moved, sum(net_qty) AS net
                  FROM gold_daily_movements WHERE day = '2026-03-03' GROUP BY day, item_id`)
    ).toEqual([{ day: day('2026-03-03'), item_id: 'P-1', moved: 0, net: -5 }]);
  });

  it('adjusts by what the server recorded, counted minus on hand then', async () => {
    const recorded = await view(
      `SELECT item_id, location_id, adjustment AS count_adjustment_qty FROM count_adjustments`
    );
    const gold = await view(`SELECT item_id, location_id, count_adjustment_qty FROM gold_daily_movements
                             WHERE count_scans > 0`);
    expect(gold).toEqual(recorded);
  });
});

describe('gold_on_hand_history', () => {
  it('ends where the projection and the audit stand, per item and location', async () => {
    const last = await view(`SELECT DISTINCT ON (item_id, location_id) item_id, location_id, on_hand
                             FROM gold_on_hand_history ORDER BY item_id, location_id, day DESC`);
    expect(last).toEqual(
      plain([
        { item_id: 'P-1', location_id: 'LINE-1', on_hand: 60 },
        { item_id: 'P-1', location_id: 'LINE-2', on_hand: 0 },
        { item_id: 'P-2', location_id: 'LINE-1', on_hand: 4 },
        { item_id: 'P-2', location_id: 'LINE-2', on_hand: 33 }
      ])
    );
    expect(await view('SELECT item_id, location_id, on_hand FROM stock_levels')).toEqual(last);
    expect(await view('SELECT item_id, location_id, on_hand::bigint AS on_hand FROM inventory_current')).toEqual(last);
  });
});

describe('gold_station_throughput_hourly and gold_voided_scan_rate', () => {
  it('counts moves and counts as scans, and a voided move as voided', async () => {
    expect(
      await view(`SELECT hour, station_id, scans, units, voids, move_scans, count_scans
                  FROM gold_station_throughput_hourly WHERE hour >= '2026-03-03'`)
    ).toEqual(
      plain([
        {
          hour: '2026-03-03T08:00:00.000Z',
          station_id: 'ST-A',
          scans: 1,
          units: 25,
          voids: 0,
          move_scans: 1,
          count_scans: 0
        },
        {
          hour: '2026-03-03T09:00:00.000Z',
          station_id: 'ST-B',
          scans: 1,
          units: 5,
          voids: 0,
          move_scans: 0,
          count_scans: 0
        },
        {
          hour: '2026-03-03T10:00:00.000Z',
          station_id: 'ST-A',
          scans: 0,
          units: 0,
          voids: 1,
          move_scans: 0,
          count_scans: 0
        },
        {
          hour: '2026-03-04T08:00:00.000Z',
          station_id: 'ST-C',
          scans: 2,
          units: 60,
          voids: 0,
          move_scans: 0,
          count_scans: 2
        },
        {
          hour: '2026-03-04T09:00:00.000Z',
          station_id: 'ST-C',
          scans: 2,
          units: 37,
          voids: 0,
          move_scans: 0,
          count_scans: 2
        }
      ])
    );
    // A COUNT cannot be undone, so it does not dilute the voided share.
    expect(await view('SELECT day, station_id, scans, voided_scans, voided_rate FROM gold_voided_scan_rate')).toEqual(
      plain([
        { day: day('2026-03-02'), station_id: 'ST-A', scans: 2, voided_scans: 0, voided_rate: 0 },
        { day: day('2026-03-02'), station_id: 'ST-B', scans: 1, voided_scans: 0, voided_rate: 0 },
        { day: day('2026-03-03'), station_id: 'ST-A', scans: 2, voided_scans: 1, voided_rate: 0.5 },
        { day: day('2026-03-03'), station_id: 'ST-B', scans: 1, voided_scans: 0, voided_rate: 0 }
      ])
    );
  });
});

describe('the pipeline twin on moves and counts', () => {
  const silverText = readFileSync(new URL('silver.sql', pipelineDir), 'utf8');
  const select = (text: string, name: string) => {
    const m = new RegExp(
      `CREATE OR REFRESH MATERIALIZED VIEW ${name}\\s+(?:\\([\\s\\S]*?\\)\\s+)?COMMENT '(?:[^']|'')*'\\s+AS\\s+([\\s\\S]+?);`
    ).exec(text);
    if (!m) throw new Error(`no CREATE OR REFRESH MATERIALIZED VIEW ${name} ... AS <select>;`);
    return m[1];
  };
  const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

  beforeAll(async () => {
    await db.sql.unsafe(`
      CREATE SCHEMA spark_sql;
      CREATE DOMAIN spark_sql.double AS double precision;
      CREATE FUNCTION spark_sql.unix_micros(t timestamptz) RETURNS bigint LANGUAGE sql IMMUTABLE STRICT
        AS $$ SELECT (extract(epoch FROM t) * 1000000)::bigint $$;`);
  });

  it('has the same silver_stock_movements text in the pipeline and in migration 0017', async () => {
    const migration = readFileSync(
      new URL('../../../sql/migrations/0017_analytics_moves_counts.sql', import.meta.url),
      'utf8'
    );
    const twin = /CREATE VIEW silver_stock_movements AS\s+([\s\S]+?);/.exec(migration)![1];
    expect(squash(twin)).toBe(squash(select(silverText, 'silver_stock_movements')));
    const rows = await view(select(silverText, 'silver_stock_movements'));
    expect(rows.length).toBe(10); // 3 + 2 scans, the live MOVE twice, 4 counts
    expect(rows).toEqual(await view('SELECT * FROM silver_stock_movements'));
  });

  it('keeps one count adjustment per event from Change Data Feed rows, the latest by LSN', async () => {
    const rows = await db.sql.begin(async (tx) => {
      // Stand-in bronze: every adjustment inserted, one re-snapshotted at a later LSN, one with a stray before-image.
      await tx.unsafe(`
        CREATE TEMP TABLE bronze_count_adjustments ON COMMIT DROP AS
        SELECT a.*, 'insert'::text AS _pg_change_type, row_number() OVER (ORDER BY a.event_id) AS _pg_lsn
        FROM count_adjustments a;
        INSERT INTO bronze_count_adjustments
        SELECT a.*, 'insert', 100 FROM count_adjustments a ORDER BY a.event_id LIMIT 1;
        INSERT INTO bronze_count_adjustments
        SELECT a.event_id, a.item_id, a.location_id, a.counted, a.expected, a.on_hand_before, 999, a.applied_at,
               'update_preimage', 200
        FROM count_adjustments a ORDER BY a.event_id DESC LIMIT 1;`);
      return plain(await tx.unsafe(select(silverText, 'silver_count_adjustments')));
    });
    expect(rows).toEqual(await view('SELECT * FROM silver_count_adjustments'));
    expect(rows).toHaveLength(4);
  });

  const gold = readdirSync(pipelineDir).filter((f) => f.startsWith('gold_') && f.endsWith('.sql'));
  it.each(gold)('%s: the pipeline SQL gives the twin view its rows', async (file) => {
    const name = file.replace(/\.sql$/, '');
    const text = readFileSync(new URL(file, pipelineDir), 'utf8');
    const [pipelineRows, twinRows] = await db.sql.begin(async (tx) => {
      await tx.unsafe('SET LOCAL search_path = spark_sql, public');
      return [await tx.unsafe(select(text, name)), await tx.unsafe(`SELECT * FROM ${name}`)];
    });
    expect(pipelineRows.columns.map((c) => c.name)).toEqual(twinRows.columns.map((c) => c.name));
    expect(plain(pipelineRows)).toEqual(plain(twinRows));
  });
});
