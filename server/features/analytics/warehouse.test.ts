// Analytics on a SQL warehouse: the app's analytics routes against a local HTTP server that answers the SQL Statement
// Execution API in its documented shapes (POST /api/2.0/sql/statements, GET /api/2.0/sql/statements/{id}, cancel):
// results inline as JSON_ARRAY, PENDING then SUCCEEDED, FAILED and a statement that outlasts the time-out, the last
// two answered by PostgreSQL instead. Every answer says its source.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addDays } from '#domain/forecast';
import { createApp } from '../../app';
import { ConfigError, loadConfig } from '../../config';
import { createTestDb, type TestDb } from '../../testing/testdb';

const WAREHOUSE_ID = 'abcdef0123456789';
const TOKEN = 'dapi-warehouse-test';

interface Seen {
  method: string;
  path: string;
  auth?: string;
  body: Record<string, unknown>;
}
type Reply = (req: Seen) => { status?: number; body: unknown };

let server: Server;
let host: string;
let db: TestDb;
const seen: Seen[] = [];
let replies: Reply[] = []; // answered in order; the last one repeats

async function readBody(req: IncomingMessage) {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  return raw ? JSON.parse(raw) : {};
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const s: Seen = {
      method: req.method ?? '',
      path: req.url ?? '',
      auth: req.headers.authorization,
      body: await readBody(req)
    };
    seen.push(s);
    const reply = (replies.length > 1 ? replies.shift()! : replies[0])(s);
    res.statusCode = reply.status ?? 200;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(reply.body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // How the SDK finds the workspace on Apps (there with the service principal; a token here).
  vi.stubEnv('DATABRICKS_HOST', host);
  vi.stubEnv('DATABRICKS_TOKEN', TOKEN);
  vi.stubEnv('DATABRICKS_AUTH_TYPE', 'pat');
  vi.stubEnv('DATABRICKS_CONFIG_FILE', '/nonexistent/.databrickscfg');
  db = await createTestDb();
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await db.close();
  await new Promise<void>((r) => server.close(() => r()));
});

const appWith = (env: Record<string, string> = {}) =>
  createApp({
    sql: db.sql,
    config: loadConfig({ DATABRICKS_WAREHOUSE_ID: WAREHOUSE_ID, WAREHOUSE_GOLD_SCHEMA: 'main.linesync_gold', ...env }),
    dbKind: db.kind
  });

const get = async (app: ReturnType<typeof createApp>, path: string) => {
  const res = await app.request(path);
  return { status: res.status, body: await res.json() };
};

const succeeded = (id: string, columns: string[], rows: (string | null)[][]) => ({
  statement_id: id,
  status: { state: 'SUCCEEDED' },
  manifest: {
    format: 'JSON_ARRAY',
    schema: { column_count: columns.length, columns: columns.map((name, position) => ({ name, position })) },
    total_chunk_count: 1,
    total_row_count: rows.length,
    truncated: false
  },
  result: { chunk_index: 0, row_offset: 0, row_count: rows.length, data_array: rows }
});

describe('analytics on the SQL warehouse', () => {
  it('reads the gold table with one parameterised statement, results inline', async () => {
    seen.length = 0;
    const today = new Date().toISOString().slice(0, 10);
    const yesterday = addDays(today, -1);
    replies = [
      () => ({
        body: succeeded(
          '01ef-inline',
          ['day', 'item_id', 'qty', 'total'],
          [
            [yesterday, 'P-1', '4.0', '10.0'],
            [today, 'P-1', '6.0', '10.0'],
            [today, 'P-2', '3.0', '3.0'],
            [yesterday, null, '4.0', null],
            [today, null, '9.0', null]
          ]
        )
      })
    ];
    const { status, body } = await get(appWith(), '/api/analytics/consumption?days=3&limit=5');
    expect(status).toBe(200);
    expect(body).toEqual({
      days: [addDays(today, -2), yesterday, today],
      items: [
        { item_id: 'P-1', total: 10, qty: [0, 4, 6] },
        { item_id: 'P-2', total: 3, qty: [0, 0, 3] }
      ],
      total: [0, 4, 9],
      source: 'warehouse'
    });
    expect(seen).toHaveLength(1);
    const [req] = seen;
    expect(req).toMatchObject({ method: 'POST', path: '/api/2.0/sql/statements', auth: `Bearer ${TOKEN}` });
    expect(req.body).toMatchObject({
      warehouse_id: WAREHOUSE_ID,
      catalog: 'main',
      schema: 'linesync_gold',
      parameters: [
        { name: 'from', value: addDays(today, -2), type: 'DATE' },
        { name: 'to', value: today, type: 'DATE' }
      ],
      wait_timeout: '10s',
      on_wait_timeout: 'CONTINUE',
      disposition: 'INLINE',
      format: 'JSON_ARRAY',
      row_limit: 10_000
    });
    // Values go as parameters, never into the text; the validated limit is the only number written in.
    expect(req.body.statement).toMatch(/FROM gold_daily_movements WHERE day BETWEEN :from AND :to/);
    expect(req.body.statement).toMatch(/LIMIT 5\b/);
    expect(req.body.statement).not.toContain(today);
  });

  it('polls a statement that is PENDING, then RUNNING, until it SUCCEEDED', async () => {
    seen.length = 0;
    const id = '01ef-pending';
    const now = new Date();
    const monday = addDays(now.toISOString().slice(0, 10), -((now.getUTCDay() + 6) % 7));
    replies = [
      () => ({ body: { statement_id: id, status: { state: 'PENDING' } } }),
      () => ({ body: { statement_id: id, status: { state: 'RUNNING' } } }),
      () => ({ body: succeeded(id, ['week', 'opened', 'fulfilled'], [[monday, '3', '1']]) })
    ];
    const { status, body } = await get(appWith(), '/api/analytics/signals?weeks=2');
    expect(status).toBe(200);
    expect(body).toEqual({
      weeks: [
        { week: addDays(monday, -7), opened: 0, fulfilled: 0 },
        { week: monday, opened: 3, fulfilled: 1 }
      ],
      source: 'warehouse'
    });
    expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /api/2.0/sql/statements',
      `GET /api/2.0/sql/statements/${id}`,
      `GET /api/2.0/sql/statements/${id}`
    ]);
    expect(seen[0].body.parameters).toEqual([
      { name: 'from', value: `${addDays(monday, -7)} 00:00:00`, type: 'TIMESTAMP' }
    ]);
  });

  it('answers from PostgreSQL when the statement FAILED, and says why', async () => {
    seen.length = 0;
    replies = [
      () => ({
        body: {
          statement_id: '01ef-failed',
          status: {
            state: 'FAILED',
            error: {
              error_code: 'BAD_REQUEST',
              message: '[TABLE_OR_VIEW_NOT_FOUND] The table or view `gold_station_throughput_hourly` cannot be found.'
            }
          }
        }
      })
    ];
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const { status, body } = await get(appWith(), '/api/analytics/throughput?hours=3');
      expect(status).toBe(200);
      expect(body).toMatchObject({ stations: [], source: 'postgres' });
      expect(body.hours).toHaveLength(3);
      expect(body.warehouse_error).toBe(
        'statement 01ef-failed FAILED: BAD_REQUEST [TABLE_OR_VIEW_NOT_FOUND] The table or view `gold_station_throughput_hourly` cannot be found.'
      );
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('PostgreSQL answers instead'));
    } finally {
      warn.mockRestore();
    }
  });

  it('cancels a statement that outlasts the time-out and answers from PostgreSQL', async () => {
    seen.length = 0;
    const id = '01ef-slow';
    replies = [
      (r) => ({ body: { statement_id: id, status: { state: r.path.endsWith('/cancel') ? 'CANCELED' : 'RUNNING' } } })
    ];
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const { body } = await get(appWith({ WAREHOUSE_TIMEOUT_MS: '1000' }), '/api/analytics/signals?weeks=1');
      expect(body.source).toBe('postgres');
      expect(body.weeks).toHaveLength(1);
      expect(body.warehouse_error).toBe(`statement ${id} still RUNNING after 1000 ms: cancelled`);
      expect(seen[0].body.wait_timeout).toBe('0s'); // below 5 s the API takes only 0s
      expect(seen.at(-1)).toMatchObject({ method: 'POST', path: `/api/2.0/sql/statements/${id}/cancel` });
    } finally {
      warn.mockRestore();
    }
  });

  it('answers from PostgreSQL without asking anyone when no warehouse is configured', async () => {
    seen.length = 0;
    const app = createApp({ sql: db.sql, config: loadConfig({}), dbKind: db.kind });
    for (const path of ['consumption', 'signals', 'throughput']) {
      const { status, body } = await get(app, `/api/analytics/${path}`);
      expect(status).toBe(200);
      expect(body.source).toBe('postgres');
      expect(body.warehouse_error).toBeUndefined();
    }
    expect(seen).toHaveLength(0);
  });

  it('refuses a malformed warehouse configuration at start', () => {
    expect(() => loadConfig({ DATABRICKS_WAREHOUSE_ID: 'not an id!' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABRICKS_WAREHOUSE_ID: WAREHOUSE_ID, WAREHOUSE_GOLD_SCHEMA: 'gold' })).toThrow(
      /WAREHOUSE_GOLD_SCHEMA: must be catalog.schema/
    );
    expect(() => loadConfig({ WAREHOUSE_TIMEOUT_MS: '10' })).toThrow(/WAREHOUSE_TIMEOUT_MS/);
    expect(loadConfig({})).toMatchObject({ WAREHOUSE_TIMEOUT_MS: 10_000, WAREHOUSE_ROW_LIMIT: 10_000 });
  });
});
