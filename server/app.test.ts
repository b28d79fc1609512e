// The HTTP surface: status codes, error shape, auth and roles, filters and paging — through app.request, on a real database.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from './app';
import { loadConfig } from './config';
import { createTestDb, type TestDb } from './testing/testdb';
import { ROUTES } from './openapi';
import { makeEvent } from './testing/testkit';
import { stockStatus } from '#domain/stock';
import { CLIENT_HEADERS } from '#domain/client-header';

let db: TestDb;
let app: ReturnType<typeof createApp>;
let dbApp: ReturnType<typeof createApp>; // AUTH_MODE=databricks

beforeAll(async () => {
  db = await createTestDb();
  app = createApp({ sql: db.sql, config: loadConfig({}), dbKind: db.kind });
  dbApp = createApp({
    sql: db.sql,
    config: loadConfig({ AUTH_MODE: 'databricks', SUPERVISOR_EMAILS: 'Boss@Plant.example, other@plant.example' }),
    dbKind: db.kind
  });
});
afterAll(() => db.close());
beforeEach(async () => {
  await db.sql`TRUNCATE scan_events, stock_levels, replenishment_signals, devices, audit_log, items, locations, user_roles CASCADE`;
  await db.sql`INSERT INTO locations (location_id, name) VALUES ('LINE-1', 'Line 1'), ('LINE-2', 'Line 2')`;
  await db.sql`INSERT INTO items (item_id, description, reorder_point, reorder_qty) VALUES
    ('P-1', 'Bolt', 10, 50), ('P-2', 'Nut', 5, 20), ('P-3', '<b>Washer</b>', NULL, NULL)`;
});

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body)
});
const push = (events: unknown[], device_id = 'tab-1') => app.request('/api/sync/events', json({ device_id, events }));

async function checksum() {
  const [row] = await db.sql`
    SELECT (SELECT count(*) FROM scan_events) AS e, (SELECT coalesce(sum(on_hand), 0) FROM stock_levels) AS s,
           (SELECT count(*) FROM items) AS i, (SELECT count(*) FROM devices) AS d, (SELECT count(*) FROM replenishment_signals) AS r`;
  return row;
}

describe('POST /api/sync/events', () => {
  it('answers one result per event, in order, with the server time', async () => {
    const events = [makeEvent({ device_seq: 1, event_type: 'INTAKE', qty: 30 }), makeEvent({ device_seq: 2, qty: 25 })];
    const res = await push(events);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.results).toEqual(events.map((e) => ({ event_id: e.event_id, status: 'applied' })));
    expect(Math.abs(Date.parse(body.server_time) - Date.now())).toBeLessThan(60_000);
    // The retry of a lost response answers duplicate and changes nothing.
    const before = await checksum();
    expect((await (await push(events)).json()).results.map((r: { status: string }) => r.status)).toEqual([
      'duplicate',
      'duplicate'
    ]);
    expect({ ...(await checksum()), d: before.d }).toEqual(before);
  });

  const bad: [string, RequestInit, number, RegExp][] = [
    ['malformed JSON', json('{"device_id": "x", "events": ['), 400, /not valid JSON/],
    ['a JSON string', json('"hello"'), 400, /Invalid body/],
    ['missing events', json({ device_id: 'tab-1' }), 400, /events/],
    ['events not an array', json({ device_id: 'tab-1', events: {} }), 400, /events/],
    ['a bad device id', json({ device_id: "x'; DROP TABLE items;--", events: [] }), 400, /device_id/],
    ['an extra field', json({ device_id: 'tab-1', events: [], admin: true }), 400, /admin/],
    ['501 events', json({ device_id: 'tab-1', events: Array.from({ length: 501 }, () => ({})) }), 400, /at most 500/],
    [
      'another content type',
      { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' },
      415,
      /application\/json/
    ],
    ['no content type', { method: 'POST', body: '{}' }, 415, /application\/json/],
    [
      'a body over 1 MiB',
      json({ device_id: 'tab-1', events: [{ barcode_raw: 'x'.repeat(1_100_000) }] }),
      413,
      /at most 1048576 bytes/
    ]
  ];
  it.each(bad)('refuses %s with a clear 4xx and stores nothing', async (_name, init, status, message) => {
    await push([makeEvent({ device_seq: 1, event_type: 'INTAKE', qty: 3 })]);
    const before = await checksum();
    const res = await app.request('/api/sync/events', init);
    expect(res.status).toBe(status);
    const body = await res.json();
    expect(body.error.code).toEqual(expect.any(String));
    expect(body.error.message).toMatch(message);
    expect(await checksum()).toEqual(before);
  });

  it('rejects per event, never the batch, for huge numbers, long strings and odd characters', async () => {
    const res = await push([
      { ...makeEvent({ device_seq: 1 }), qty: 1e308 },
      { ...makeEvent({ device_seq: 2 }), qty: -5 },
      { ...makeEvent({ device_seq: 3 }), device_seq: 2 ** 63 },
      { ...makeEvent({ device_seq: 4 }), item_id: 'x'.repeat(65) },
      { ...makeEvent({ device_seq: 5 }), lot: 'a\u0007b' },
      { ...makeEvent({ device_seq: 6 }), captured_at: '1970-01-01T00:00:00Z' },
      { ...makeEvent({ device_seq: 7 }), captured_at: 'yesterday' },
      makeEvent({ device_seq: 8, item_id: "P-1'; DROP TABLE items;--", event_type: 'INTAKE' }),
      makeEvent({ device_seq: 9, item_id: 'Ünïcødé-部品', event_type: 'INTAKE' })
    ]);
    const { results } = await res.json();
    expect(results.slice(0, 7).map((r: { status: string }) => r.status)).toEqual(Array(7).fill('rejected'));
    expect(results.slice(7).map((r: { status: string }) => r.status)).toEqual(['applied', 'applied']);
    expect(await db.sql`SELECT item_id FROM items WHERE placeholder ORDER BY item_id`).toEqual([
      { item_id: "P-1'; DROP TABLE items;--" },
      { item_id: 'Ünïcødé-部品' }
    ]);
  });
});

describe('auth', () => {
  const as = (email: string): Record<string, string> => ({ 'x-forwarded-email': email });

  it('in databricks mode refuses requests without the proxy headers, but not health', async () => {
    const res = await dbApp.request('/api/inventory');
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('unauthenticated');
    expect((await dbApp.request('/api/health')).status).toBe(200);
  });

  it('takes roles from SUPERVISOR_EMAILS and user_roles; everyone else is an operator', async () => {
    await db.sql`INSERT INTO user_roles (email, role) VALUES ('lead@plant.example', 'supervisor')`;
    const me = async (email: string) => (await (await dbApp.request('/api/me', { headers: as(email) })).json()).role;
    expect(await me('boss@plant.example')).toBe('supervisor');
    expect(await me('LEAD@plant.example')).toBe('supervisor');
    expect(await me('op@plant.example')).toBe('operator');
  });

  it('gives operators 403 on every supervisor route, and lets them push and read', async () => {
    const supervisorRoutes = ROUTES.filter((r) => r.role === 'supervisor');
    expect(supervisorRoutes.length).toBeGreaterThan(0);
    for (const r of supervisorRoutes) {
      const path = r.path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
      const res = await dbApp.request(path, {
        method: r.method.toUpperCase(),
        headers: { ...as('op@plant.example'), 'content-type': 'application/json' },
        body: r.method === 'get' ? undefined : '{}'
      });
      expect(res.status, `${r.method} ${r.path}`).toBe(403);
    }
    const pushed = await dbApp.request(
      '/api/sync/events',
      json({ device_id: 'tab-1', events: [makeEvent({ device_seq: 1, event_type: 'INTAKE' })] }, as('op@plant.example'))
    );
    expect(pushed.status).toBe(200);
    expect((await db.sql`SELECT user_email FROM scan_events`)[0].user_email).toBe('op@plant.example');
    expect((await dbApp.request('/api/inventory', { headers: as('op@plant.example') })).status).toBe(200);
  });

  it('refuses an X-Forwarded-Email that is not an email address', async () => {
    expect((await dbApp.request('/api/me', { headers: as('not an email') })).status).toBe(401);
  });
});

describe('signals over HTTP', () => {
  it('acknowledges then fulfils with the acting user; refuses moves the lifecycle does not allow', async () => {
    await push([makeEvent({ device_seq: 1, event_type: 'INTAKE', qty: 12 }), makeEvent({ device_seq: 2, qty: 4 })]);
    const list = await (await app.request('/api/signals')).json();
    expect(list.rows).toHaveLength(1);
    const s = list.rows[0];
    expect(s).toMatchObject({ item_id: 'P-1', state: 'OPEN', triggered_at_qty: 8, on_hand: 8, reorder_qty: 50 });
    const ack = await app.request(`/api/signals/${s.signal_id}/acknowledge`, {
      method: 'POST',
      headers: CLIENT_HEADERS
    });
    expect(ack.status).toBe(200);
    expect(await ack.json()).toMatchObject({ state: 'ACKNOWLEDGED', acknowledged_by: 'supervisor@localhost' });
    expect(
      (await app.request(`/api/signals/${s.signal_id}/acknowledge`, { method: 'POST', headers: CLIENT_HEADERS })).status
    ).toBe(409);
    // Still active while acknowledged: a further consume opens no second signal.
    await push([makeEvent({ device_seq: 3, qty: 1 })]);
    expect((await (await app.request('/api/signals')).json()).rows).toHaveLength(1);
    const done = await app.request(`/api/signals/${s.signal_id}/fulfill`, { method: 'POST', headers: CLIENT_HEADERS });
    expect(await done.json()).toMatchObject({ state: 'FULFILLED', fulfilled_by: 'supervisor@localhost', on_hand: 7 });
    expect(
      (await app.request(`/api/signals/${s.signal_id}/fulfill`, { method: 'POST', headers: CLIENT_HEADERS })).status
    ).toBe(409);
    expect((await (await app.request('/api/signals?status=FULFILLED')).json()).rows).toHaveLength(1);
    expect((await (await app.request('/api/signals')).json()).rows).toHaveLength(0);
  });

  it('answers 404 for an unknown signal and 400 for a malformed id', async () => {
    expect(
      (
        await app.request('/api/signals/00000000-0000-4000-8000-000000000000/fulfill', {
          method: 'POST',
          headers: CLIENT_HEADERS
        })
      ).status
    ).toBe(404);
    expect((await app.request('/api/signals/nope/fulfill', { method: 'POST', headers: CLIENT_HEADERS })).status).toBe(
      400
    );
  });
});

describe('reads', () => {
  beforeEach(async () => {
    await push([
      makeEvent({ device_seq: 1, event_type: 'INTAKE', qty: 30, item_id: 'P-1' }),
      makeEvent({ device_seq: 2, event_type: 'CONSUME', qty: 25, item_id: 'P-1' }), // 5: low
      makeEvent({ device_seq: 3, event_type: 'CONSUME', qty: 2, item_id: 'P-2' }), // -2: negative
      makeEvent({ device_seq: 4, event_type: 'INTAKE', qty: 9, item_id: 'P-3', location_id: 'LINE-2' }) // ok
    ]);
  });

  it('lists inventory with status, filters, sorts and pages in the database', async () => {
    const all = await (await app.request('/api/inventory')).json();
    expect(all).toMatchObject({ more: false, next_cursor: null });
    expect(all.rows.map((r: { item_id: string; status: string }) => [r.item_id, r.status])).toEqual([
      ['P-1', 'low'],
      ['P-2', 'negative'],
      ['P-3', 'ok']
    ]);
    expect(all.rows[0]).toMatchObject({
      location_id: 'LINE-1',
      on_hand: 5,
      intake_total: 30,
      consume_total: 25,
      reorder_point: 10
    });
    const low = await (await app.request('/api/inventory?below_reorder=true')).json();
    expect(low.rows.map((r: { item_id: string }) => r.item_id)).toEqual(['P-1', 'P-2']);
    const first = await (await app.request('/api/inventory?sort=on_hand&order=desc&limit=1')).json();
    const byHand = await (
      await app.request(`/api/inventory?sort=on_hand&order=desc&limit=1&cursor=${first.next_cursor}`)
    ).json();
    expect(byHand).toMatchObject({ more: true, rows: [{ item_id: 'P-1' }] });
    const byLoc = await (await app.request('/api/inventory?location_id=LINE-2')).json();
    expect(byLoc.rows.map((r: { item_id: string }) => r.item_id)).toEqual(['P-3']);
    expect((await (await app.request('/api/inventory?status=negative')).json()).rows).toHaveLength(1);
    // The SQL status is the domain rule's twin.
    for (const r of all.rows) expect(r.status).toBe(stockStatus(r.on_hand, r.reorder_point));
  });

  it('refuses unknown query parameters and bad values with 400', async () => {
    for (const q of [
      'sort=password',
      'limit=0',
      'limit=100000',
      'below_reorder=maybe',
      'order=sideways',
      'foo=1',
      'offset=50',
      'cursor=garbage'
    ])
      expect((await app.request(`/api/inventory?${q}`)).status, q).toBe(400);
    expect((await app.request('/api/events?before=garbage')).status).toBe(400);
  });

  it('pages events newest first with a cursor that neither skips nor repeats', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { rows: { event_id: string }[]; next_cursor: string | null } = await (
        await app.request(`/api/events?limit=1${cursor ? `&before=${cursor}` : ''}`)
      ).json();
      seen.push(...page.rows.map((r) => r.event_id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(4);
    expect(new Set(seen).size).toBe(4);
  });

  it('serves a snapshot with items, stock, active signals and a cursor', async () => {
    const snap = await (await app.request('/api/sync/snapshot')).json();
    expect(snap.items).toHaveLength(3);
    expect(snap.stock).toHaveLength(3);
    expect(snap.signals.map((s: { item_id: string }) => s.item_id).sort()).toEqual(['P-1', 'P-2']);
    expect(snap.cursor).toEqual(snap.server_time);
  });

  it('lists devices with sequence gaps', async () => {
    await push([makeEvent({ device_seq: 9, event_type: 'INTAKE' })]);
    await push([makeEvent({ device_seq: 1, event_type: 'INTAKE' })], 'slip:00000000-0000-4000-8000-000000000001');
    const { rows } = await (await app.request('/api/devices')).json();
    expect(rows.map((r: { device_id: string }) => r.device_id)).toEqual(['tab-1']);
    expect(rows[0]).toMatchObject({ device_id: 'tab-1', last_seq: 9, events_received: 5, missing_seq: 4 });
  });

  it('reports health with the migrations applied', async () => {
    const h = await (await app.request('/api/health')).json();
    expect(h).toMatchObject({ status: 'ok', database: { reachable: true }, migrations: { pending: [] } });
  });
});

describe('errors and the route table', () => {
  it('answers unknown routes with a JSON 404', async () => {
    const res = await app.request('/api/nope');
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('not_found');
  });

  it('describes every route the app serves in /api/openapi.json, with its role', async () => {
    const doc = await (await app.request('/api/openapi.json')).json();
    const served = app.routes
      .filter((r) => r.method !== 'ALL')
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
    const described = Object.entries(
      doc.paths as Record<string, Record<string, { 'x-linesync-role': string }>>
    ).flatMap(([p, ms]) =>
      Object.entries(ms).map(([m, op]) => {
        expect(['public', 'operator', 'supervisor']).toContain(op['x-linesync-role']);
        return `${m} ${p}`;
      })
    );
    expect(new Set(served)).toEqual(new Set(described));
  });
});
