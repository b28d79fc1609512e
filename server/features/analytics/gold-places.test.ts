// The map of places (migration 0025, sql/pipeline/gold_places.sql): every location with its stock and every active
// supplier with its open purchase orders, with coordinates where known. The twin's figures are checked against the
// audit (inventory_current) and the purchase orders; the pipeline's own silver change selection (stand-in bronze of
// Change Data Feed rows) and gold SQL give the same rows on the same data.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanEvent } from '#domain/events';
import { createTestDb, type TestDb } from '../../testing/testdb';
import { makeEvent } from '../../testing/testkit';
import { pushEvents } from '../sync/push';

let db: TestDb;
const pipelineDir = new URL('../../../sql/pipeline/', import.meta.url);
const migration = readFileSync(
  new URL('../../../sql/migrations/0025_location_coordinates.sql', import.meta.url),
  'utf8'
);

const history: ScanEvent[] = [
  makeEvent({ device_seq: 1, event_type: 'INTAKE', item_id: 'P-1', qty: 50, location_id: 'LINE-1' }),
  makeEvent({ device_seq: 2, event_type: 'INTAKE', item_id: 'P-2', qty: 8, location_id: 'LINE-1' }),
  makeEvent({ device_seq: 3, event_type: 'CONSUME', item_id: 'P-1', qty: 12, location_id: 'LINE-1' }),
  makeEvent({
    device_seq: 4,
    event_type: 'MOVE',
    item_id: 'P-1',
    qty: 10,
    location_id: 'LINE-1',
    to_location_id: 'DOCK'
  }),
  makeEvent({ device_seq: 5, event_type: 'CONSUME', item_id: 'P-2', qty: 3, location_id: 'DOCK' }) // DOCK: P-2 at -3
];

// Purchase orders per supplier: ACME has two open (SENT, PARTIALLY_RECEIVED) and three that are not; BETA none.
const orders: [supplier: string, status: string][] = [
  ['ACME', 'SENT'],
  ['ACME', 'PARTIALLY_RECEIVED'],
  ['ACME', 'DRAFT'],
  ['ACME', 'RECEIVED'],
  ['ACME', 'CANCELLED'],
  ['GONE', 'SENT']
];

beforeAll(async () => {
  db = await createTestDb();
  await db.sql`INSERT INTO locations (location_id, name, latitude, longitude) VALUES
    ('LINE-1', 'Line 1', 52.3702, 4.8952), ('DOCK', 'Dock', -33.8688, 151.2093), ('ATTIC', 'Attic', NULL, NULL)`;
  await db.sql`INSERT INTO items (item_id, description) VALUES ('P-1', 'Bolt'), ('P-2', 'Nut')`;
  await db.sql`INSERT INTO suppliers (supplier_id, name, latitude, longitude, active) VALUES
    ('ACME', 'Acme Fasteners', 48.1351, 11.582, true), ('BETA', 'Beta Supply', NULL, NULL, true),
    ('GONE', 'Gone Ltd', 40.7128, -74.006, false)`;
  for (const [i, [supplier_id, status]] of orders.entries())
    await db.sql`INSERT INTO purchase_orders (po_id, po_number, supplier_id, status)
                 VALUES (${randomUUID()}, ${`PO-${i + 1}`}, ${supplier_id}, ${status})`;
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
      Object.entries(r).map(([k, v]) => [k, typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v])
    )
  );
  return out.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}
const view = async (sql: string) => plain(await db.sql.unsafe(sql));

describe('locations have coordinates', () => {
  it('takes both or neither, each in range', async () => {
    const bad = [
      [10, null],
      [null, 10],
      [91, 0],
      [-90.5, 0],
      [0, 180.1],
      [0, -181]
    ];
    for (const [lat, lon] of bad)
      await expect(
        db.sql`INSERT INTO locations (location_id, name, latitude, longitude) VALUES ('BAD', 'Bad', ${lat}, ${lon})`,
        `${lat}, ${lon}`
      ).rejects.toThrow(/check constraint/);
    await db.sql`INSERT INTO locations (location_id, name, latitude, longitude) VALUES ('EDGE', 'Edge', -90, 180)`;
    await db.sql`DELETE FROM locations WHERE location_id = 'EDGE'`;
  });
});

describe('gold_places', () => {
  it('has each location with its stock and each active supplier with its open purchase orders', async () => {
    const location = { kind: 'location', open_po_count: null };
    const supplier = { kind: 'supplier', on_hand_qty: null, negative_stock_rows: null };
    expect(await view('SELECT * FROM gold_places')).toEqual(
      plain([
        {
          ...location,
          place_id: 'LINE-1',
          name: 'Line 1',
          latitude: 52.3702,
          longitude: 4.8952,
          on_hand_qty: 36,
          negative_stock_rows: 0
        },
        {
          ...location,
          place_id: 'DOCK',
          name: 'Dock',
          latitude: -33.8688,
          longitude: 151.2093,
          on_hand_qty: 7,
          negative_stock_rows: 1
        },
        {
          ...location,
          place_id: 'ATTIC',
          name: 'Attic',
          latitude: null,
          longitude: null,
          on_hand_qty: 0,
          negative_stock_rows: 0
        },
        {
          ...supplier,
          place_id: 'ACME',
          name: 'Acme Fasteners',
          latitude: 48.1351,
          longitude: 11.582,
          open_po_count: 2
        },
        { ...supplier, place_id: 'BETA', name: 'Beta Supply', latitude: null, longitude: null, open_po_count: 0 }
      ])
    );
  });

  it('puts at each location what the audit says is there', async () => {
    const audit = await view(`SELECT l.location_id AS place_id, coalesce(sum(c.on_hand), 0)::bigint AS on_hand_qty
                              FROM locations l LEFT JOIN inventory_current c USING (location_id) GROUP BY l.location_id`);
    expect(await view(`SELECT place_id, on_hand_qty FROM gold_places WHERE kind = 'location'`)).toEqual(audit);
  });
});

describe('the pipeline twin of the places', () => {
  const silverText = readFileSync(new URL('silver.sql', pipelineDir), 'utf8');
  const goldText = readFileSync(new URL('gold_places.sql', pipelineDir), 'utf8');
  const select = (text: string, name: string) => {
    const m = new RegExp(
      `CREATE OR REFRESH MATERIALIZED VIEW ${name}\\s+(?:\\([\\s\\S]*?\\)\\s+)?COMMENT '(?:[^']|'')*'\\s+AS\\s+([\\s\\S]+?);`
    ).exec(text);
    if (!m) throw new Error(`no CREATE OR REFRESH MATERIALIZED VIEW ${name} ... AS <select>;`);
    return m[1];
  };
  const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

  it('has the same gold_places text in the pipeline and in migration 0025', () => {
    const twin = /CREATE VIEW gold_places AS\s+([\s\S]+?);/.exec(migration)![1];
    expect(squash(twin)).toBe(squash(select(goldText, 'gold_places')));
  });

  it('gives the twin view its rows from the pipeline SQL', async () => {
    const [pipelineRows, twinRows] = await db.sql.begin(async (tx) => [
      await tx.unsafe(select(goldText, 'gold_places')),
      await tx.unsafe('SELECT * FROM gold_places')
    ]);
    expect(pipelineRows.columns.map((c) => c.name)).toEqual(twinRows.columns.map((c) => c.name));
    expect(pipelineRows.length).toBe(5);
    expect(plain(pipelineRows)).toEqual(plain(twinRows));
  });

  it.each([
    ['silver_locations', 'locations', 'location_id'],
    ['silver_suppliers', 'suppliers', 'supplier_id'],
    ['silver_purchase_orders', 'purchase_orders', 'po_id']
  ])(
    '%s: keeps the latest change per key from Change Data Feed rows, as the twin view reads the table',
    async (name, table, key) => {
      const rows = await db.sql.begin(async (tx) => {
        // Stand-in bronze: every row inserted; the first re-snapshotted at a later LSN, the last with a stray
        // before-image of a changed name (which must not win), and a row inserted then deleted.
        const bronze = `bronze_${table}`;
        await tx.unsafe(`
          CREATE TEMP TABLE ${bronze} ON COMMIT DROP AS
          SELECT t.*, 'insert'::text AS _pg_change_type, row_number() OVER (ORDER BY t.${key}) AS _pg_lsn FROM ${table} t;
          INSERT INTO ${bronze} SELECT t.*, 'insert', 100 FROM ${table} t ORDER BY t.${key} LIMIT 1;
          INSERT INTO ${bronze} SELECT t.*, 'update_preimage', 200 FROM ${table} t ORDER BY t.${key} DESC LIMIT 1;
          INSERT INTO ${bronze} SELECT t.*, 'insert', 300 FROM ${table} t ORDER BY t.${key} LIMIT 1;
          INSERT INTO ${bronze} SELECT t.*, 'delete', 301 FROM ${table} t ORDER BY t.${key} LIMIT 1;`);
        await tx.unsafe(
          `UPDATE ${bronze} SET ${key === 'po_id' ? 'status' : 'name'} = ${
            key === 'po_id' ? "'CANCELLED'" : "'before'"
          } WHERE _pg_change_type = 'update_preimage'`
        );
        return plain(await tx.unsafe(select(silverText, name)));
      });
      const twin = await view(`SELECT * FROM ${name}`);
      const [{ first }] = await db.sql.unsafe(`SELECT ${key}::text AS first FROM ${table} ORDER BY ${key} LIMIT 1`);
      // The first row's last change is a delete: gone. Every other row is the table's.
      expect(rows).toEqual(twin.filter((r) => String(r[key]) !== first));
      expect(rows.length).toBe(twin.length - 1);
    }
  );
});
