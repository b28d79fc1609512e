// Bad input, table-driven, to EVERY route in ROUTES (server/openapi.ts), so a new route is covered the day it is
// described: malformed and truncated JSON, wrong content types, oversized bodies, wrong types, missing and extra
// fields, huge, negative and zero numbers, 10 MB strings, control characters, SQL and HTML, invalid UUIDs, dates far
// away. Each must answer a 4xx with a clear JSON error (never a 5xx), and every table must be byte-for-byte unchanged.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import { createTestDb, type TestDb } from '../../server/testing/testdb';
import { ROUTES, type RouteDoc } from '../../server/openapi';
import { pushEvents } from '../../server/features/sync/push';
import { makeEvent } from '../../server/testing/testkit';
import { tableChecksums } from './db-checksum';

let db: TestDb;
let app: ReturnType<typeof createApp>;

const MB10 = 'x'.repeat(10 * 1024 * 1024);
const SQL = "'; DROP TABLE scan_events; --";
const HTML = '<script>alert(1)</script><img src=x onerror=alert(2)>';
const CONTROL = 'A\u0000B\u001bC\u0007';

beforeAll(async () => {
  db = await createTestDb();
  app = createApp({ sql: db.sql, config: loadConfig({ AUTH_MODE: 'local' }), dbKind: db.kind });
  // Something stored for a bad request to damage: items, stock, an open signal, a device.
  await db.sql`INSERT INTO locations (location_id, name) VALUES ('LINE-1', 'Line 1')`;
  await db.sql`INSERT INTO items (item_id, description, reorder_point, reorder_qty) VALUES ('P-1', 'Bolt', 10, 50), ('P-2', 'Nut', NULL, NULL)`;
  await db.sql`INSERT INTO categories (category_id, name, path) VALUES ('BAD-INPUT-CAT', 'Stored', '')`; // a create of it is a 409
  await pushEvents(
    db.sql,
    {
      device_id: 'seed-tab',
      events: [makeEvent({ device_seq: 1, event_type: 'INTAKE', qty: 12 }), makeEvent({ device_seq: 2, qty: 5 })]
    },
    { userEmail: 'seed@plant.example', requireKnownItems: false }
  );
});
afterAll(() => db.close());

interface Case {
  name: string;
  path?: string; // replaces the route's path (with its parameters filled in)
  query?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** Answers the request; a server-sent event stream is read no further than its head. */
async function send(route: RouteDoc, c: Case) {
  const path = (c.path ?? fill(route.path)) + (c.query ? `?${c.query}` : '');
  const res = await app.request(path, { method: route.method.toUpperCase(), headers: c.headers, body: c.body });
  if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    await res.body?.cancel();
    return { status: res.status, text: '' };
  }
  return { status: res.status, text: await res.text() };
}

const fill = (path: string, value?: string) => path.replace(/\{[^}]+\}/g, () => value ?? randomUUID());

/** A 4xx that says what is wrong, as JSON, and does not echo a huge input back. */
function expectClearRefusal(label: string, res: { status: number; text: string }) {
  expect(res.status, `${label}: ${res.text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  expect(res.status, `${label}: ${res.text.slice(0, 300)}`).toBeLessThan(500);
  const body = JSON.parse(res.text) as { error?: { code?: unknown; message?: unknown } };
  expect(typeof body.error?.code, label).toBe('string');
  expect(typeof body.error?.message, label).toBe('string');
  expect((body.error!.message as string).length, label).toBeGreaterThan(5);
  expect(res.text.length, `${label}: the answer echoes the input`).toBeLessThan(20_000);
}

const JSON_TYPE = { 'content-type': 'application/json' };

/** Body cases every JSON-body route must refuse, whatever its schema. */
function bodyCases(valid: unknown): Case[] {
  const text = JSON.stringify(valid);
  return [
    { name: 'malformed JSON', headers: JSON_TYPE, body: '{"device_id": "tab-1", ' },
    { name: 'trailing comma', headers: JSON_TYPE, body: '{"a": 1,}' },
    { name: 'truncated body', headers: JSON_TYPE, body: text.slice(0, Math.floor(text.length / 2)) },
    { name: 'empty body', headers: JSON_TYPE, body: '' },
    { name: 'JSON null', headers: JSON_TYPE, body: 'null' },
    { name: 'JSON array', headers: JSON_TYPE, body: '[]' },
    { name: 'JSON string', headers: JSON_TYPE, body: '"rows"' },
    { name: 'JSON number 1e999', headers: JSON_TYPE, body: '1e999' },
    { name: 'empty object', headers: JSON_TYPE, body: '{}' },
    { name: 'text/plain', headers: { 'content-type': 'text/plain' }, body: text },
    { name: 'no content type', body: text },
    {
      name: 'form encoded',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'device_id=tab-1&events='
    },
    {
      name: 'multipart',
      headers: { 'content-type': 'multipart/form-data; boundary=zz' },
      body: '--zz\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--zz--\r\n'
    },
    { name: 'XML', headers: { 'content-type': 'application/xml' }, body: '<rows/>' },
    { name: '10 MB string as the body', headers: JSON_TYPE, body: JSON.stringify(MB10) },
    { name: '10 MB of garbage', headers: JSON_TYPE, body: MB10 },
    { name: 'extra field', headers: JSON_TYPE, body: JSON.stringify({ ...(valid as object), zz_extra: 1 }) },
    { name: 'deeply nested', headers: JSON_TYPE, body: '['.repeat(50_000) + ']'.repeat(50_000) },
    {
      name: 'invalid UTF-8',
      headers: JSON_TYPE,
      body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]) as unknown as string
    }
  ];
}

/** Values no field of the given valid value's type may take: other types, and hostile sizes of its own type. */
function wrongValues(valid: unknown): [string, unknown][] {
  const other: [string, unknown][] = [
    ['an object', { a: 1 }],
    ['true', true]
  ];
  if (typeof valid === 'string')
    return [['null', null], ['a number', 12345], ['an array', [1, 2]], ['a 10 MB string', MB10], ...other];
  if (typeof valid === 'number')
    return [
      ['null', null],
      ['a string', '12'],
      ['a huge number', 1e308],
      ['a negative number', -1],
      ['an array', [1]],
      ...other
    ];
  if (Array.isArray(valid))
    return [
      ['null', null],
      ['a string', 'abc'],
      ['a number', 12345],
      ['an object', { a: 1 }],
      ['an array of a 10 MB string', [MB10]]
    ];
  return [
    ['a string', 'abc'],
    ['a number', 12345],
    ['an array', [1]]
  ];
}

/** Each top-level field of a valid body set to wrong types and hostile values, or left out. */
function fieldCases(valid: Record<string, unknown>): Case[] {
  const cases: Case[] = [];
  for (const key of Object.keys(valid)) {
    const { [key]: _gone, ...rest } = valid;
    cases.push({ name: `missing ${key}`, headers: JSON_TYPE, body: JSON.stringify(rest) });
    for (const [label, value] of wrongValues(valid[key]))
      cases.push({ name: `${key} as ${label}`, headers: JSON_TYPE, body: JSON.stringify({ ...valid, [key]: value }) });
  }
  return cases;
}

const VALID_BODIES: Record<string, () => Record<string, unknown>> = {
  'post /api/sync/events': () => ({
    device_id: 'bad-input-tab',
    events: [makeEvent({ device_seq: 1, event_type: 'INTAKE' })]
  }),
  'patch /api/items': () => ({
    rows: [
      {
        item_id: 'P-1',
        description: 'Bolt',
        unit: 'ea',
        reorder_point: 10,
        reorder_qty: 50,
        gtin: null,
        active: true,
        version: 999
      }
    ]
  }),
  'put /api/packing-slips/{slip_id}/lines': () => ({
    supplier: 'ACME',
    slip_number: 'S-1',
    date: '2026-01-05',
    lines: [{ item_id: 'P-1', qty: 2 }]
  }),
  'post /api/packing-slips/{slip_id}/carton-label': () => ({
    label: '[)>\u001e06\u001dPP-1\u001dQ2\u001e\u0004',
    po_number: null
  }),
  'post /api/locations': () => ({ location_id: 'BAD-INPUT-LOC', name: 'Never created' }),
  'patch /api/locations/{location_id}': () => ({ name: 'Never renamed', version: 1 }),
  'post /api/rejected-events/{rejection_id}/resolve': () => ({ action: 'dismiss', note: 'never resolved' }),
  // Purchase orders: valid shapes that still name no stored supplier, signal or order, so nothing may be created.
  'post /api/purchase-orders': () => ({
    supplier_id: 'BAD-INPUT-SUPPLIER',
    expected_date: '2030-01-01',
    note: 'never drafted',
    lines: [{ item_id: 'P-1', qty_ordered: 5, price: 1.5 }]
  }),
  'post /api/purchase-orders/from-signals': () => ({ signal_ids: [randomUUID()], expected_date: '2030-01-01' }),
  'post /api/labels': () => ({ kind: 'item', item_ids: ['P-1'], stock: 'avery-5160' }),
  // No Genie space is configured in tests: a valid question is answered 409 and nothing is stored either way.
  'post /api/analytics/genie/ask': () => ({ question: 'Which parts are below their reorder point?' }),
  'put /api/purchase-orders/{po_id}': () => ({
    supplier_id: 'BAD-INPUT-SUPPLIER',
    expected_date: '2030-01-01',
    note: null,
    lines: [{ item_id: 'P-1', qty_ordered: 5 }],
    version: 1
  }),
  'post /api/purchase-orders/{po_id}/send': () => ({ version: 1 }),
  'post /api/purchase-orders/{po_id}/cancel': () => ({ version: 1 }),
  // Purchasing master data: valid shapes naming nothing stored (a stale version, an unknown parent), so nothing changes.
  'patch /api/suppliers': () => ({
    rows: [
      {
        supplier_id: 'P-1',
        name: 'Never saved',
        contact: '',
        lead_time_days: 1,
        address: '',
        latitude: null,
        longitude: null,
        active: true,
        version: 999
      }
    ]
  }),
  'patch /api/supplier-items': () => ({
    rows: [
      {
        supplier_id: 'BAD-INPUT-SUPPLIER',
        supplier_part: 'X-1',
        item_id: 'P-1',
        pack_size: 1,
        price: null,
        preferred: false,
        version: 999
      }
    ]
  }),
  'post /api/categories': () => ({ category_id: 'BAD-INPUT-CAT', parent_id: null, name: 'Never created' }),
  'patch /api/categories/{category_id}': () => ({ version: 1, name: 'Never renamed' }),
  'put /api/items/{item_id}/category': () => ({ category_id: null, version: 999 })
};

// Query keys the routes read; each gets values no route may take. Routes that read no query ignore them, and must
// still answer without a 5xx and without changing anything.
const QUERY_CASES: Case[] = [
  { name: 'limit -1', query: 'limit=-1' },
  { name: 'limit 0', query: 'limit=0' },
  { name: 'limit huge', query: 'limit=99999999999999999999999' },
  { name: 'limit 1e309', query: 'limit=1e309' },
  { name: 'limit text', query: 'limit=abc' },
  { name: 'offset negative', query: 'offset=-5' },
  { name: 'offset fractional', query: 'offset=1.5' },
  { name: 'unknown parameter', query: 'zz_unknown=1' },
  { name: 'item_id with NUL', query: `item_id=${encodeURIComponent(CONTROL)}` },
  { name: 'item_id 10 KB', query: `item_id=${'x'.repeat(10_000)}` },
  { name: 'q 10 KB', query: `q=${'x'.repeat(10_000)}` },
  { name: 'location_id empty', query: 'location_id=' },
  { name: 'device_id with SQL', query: `device_id=${encodeURIComponent(SQL)}` },
  { name: 'status unknown', query: 'status=bogus' },
  { name: 'sort by SQL', query: `sort=${encodeURIComponent('on_hand; DROP TABLE items')}` },
  { name: 'order sideways', query: 'order=sideways' },
  { name: 'before: garbage cursor', query: 'before=%%%not-base64' },
  {
    name: 'before: cursor far in the future',
    query: `before=${Buffer.from(`294277-01-01T00:00:00Z|${randomUUID()}`).toString('base64url')}`
  },
  {
    name: 'before: cursor far in the past',
    query: `before=${Buffer.from(`-271821-04-20T00:00:00Z|${randomUUID()}`).toString('base64url')}`
  },
  { name: 'since_days 0', query: 'since_days=0' },
  { name: 'since_days huge', query: 'since_days=100000000' },
  { name: 'active maybe', query: 'active=maybe' }
];

/** Routes that read a query string: each query case must be refused there. */
const QUERY_ROUTES = new Set(['get /api/inventory', 'get /api/events', 'get /api/signals', 'get /api/items']);

// Free-text ids (item and location codes) may hold quotes, angle brackets and emoji: for them only control
// characters and overlong values are bad. Every other path parameter is a UUID or a number.
const TEXT_PARAMS = new Set(['item_id', 'location_id', 'supplier_id', 'category_id']);
const PATH_VALUES: [string, string, 'bad' | 'text'][] = [
  ['not a UUID', 'not-a-uuid', 'text'],
  ['SQL', encodeURIComponent(SQL), 'text'],
  ['HTML', encodeURIComponent(HTML), 'text'],
  ['NUL and control characters', encodeURIComponent(CONTROL), 'bad'],
  ['5,000 characters', 'x'.repeat(5000), 'bad'],
  ['emoji', encodeURIComponent('🔧🔩'), 'text'],
  ['dot dot slash', '..%2F..%2Fetc%2Fpasswd', 'text'],
  ['UUID with a bad digit', '0000000g-0000-4000-8000-000000000000', 'text'],
  ['UUID in braces', '%7B00000000-0000-0000-0000-000000000000%7D', 'text']
];

const key = (r: RouteDoc) => `${r.method} ${r.path}`;

describe.each(ROUTES.map((r) => [key(r), r] as const))('%s', (_label, route) => {
  const hasParams = route.path.includes('{');
  const required: Case[] = [];
  const harmless: Case[] = [];
  if (route.body) {
    const valid = VALID_BODIES[key(route)]?.() ?? {};
    required.push(...bodyCases(valid), ...fieldCases(valid));
  } else if (route.method !== 'get') {
    harmless.push(...bodyCases({}).filter((c) => (c.body?.length ?? 0) < 1_000_000));
  }
  const textParam = [...route.path.matchAll(/\{(\w+)\}/g)].some((m) => TEXT_PARAMS.has(m[1]));
  if (hasParams)
    for (const [label, value, kind] of PATH_VALUES)
      (kind === 'bad' || !textParam ? required : harmless).push({
        name: `path parameter: ${label}`,
        path: fill(route.path, value)
      });
  if (route.method === 'get') (QUERY_ROUTES.has(key(route)) ? required : harmless).push(...QUERY_CASES);
  if (route.path === '/api/stream')
    harmless.push(
      ...[SQL, HTML, 'x'.repeat(8000), '9'.repeat(400), '-1'].map((v, i) => ({
        name: `Last-Event-ID ${i}`,
        headers: { 'last-event-id': v }
      }))
    );

  if (required.length)
    it(`refuses ${required.length} kinds of bad input with a clear 4xx and changes nothing`, async () => {
      const before = await tableChecksums(db.sql);
      for (const c of required) expectClearRefusal(`${key(route)} ${c.name}`, await send(route, c));
      expect(await tableChecksums(db.sql)).toEqual(before);
    });

  if (harmless.length)
    it(`answers ${harmless.length} kinds of input it does not read without a 5xx or a change`, async () => {
      const before = await tableChecksums(db.sql);
      for (const c of harmless) {
        const res = await send(route, c);
        expect(res.status, `${key(route)} ${c.name}: ${res.text.slice(0, 300)}`).toBeLessThan(500);
        if (res.status >= 400) expectClearRefusal(`${key(route)} ${c.name}`, res);
      }
      expect(await tableChecksums(db.sql)).toEqual(before);
    });
});

describe('every route is covered', () => {
  it('has a valid body for each JSON-body route, and the query routes exist', () => {
    for (const r of ROUTES.filter((r) => r.body))
      expect(VALID_BODIES, `add a valid body for ${key(r)}`).toHaveProperty([key(r)]);
    for (const q of QUERY_ROUTES) expect(ROUTES.map(key)).toContain(q);
  });

  it('the valid bodies are valid: the bad cases fail for what they change, not from the start', () => {
    for (const r of ROUTES.filter((r) => r.body))
      expect((r.body as z.ZodType).safeParse(VALID_BODIES[key(r)]()).success, key(r)).toBe(true);
  });
});

// One event at a time is judged inside a push: a bad one is answered `rejected` with its reason (so the rest of the
// batch still lands), and none of it is applied; only the device's own health row records that it was refused, and
// rejected_events keeps the event as sent for a supervisor.
describe('bad events inside a push', () => {
  const base = () => makeEvent({ device_seq: 1, event_type: 'INTAKE' }) as unknown as Record<string, unknown>;
  const mutations: [string, (e: Record<string, unknown>) => void][] = [
    ['qty 0', (e) => (e.qty = 0)],
    ['qty negative', (e) => (e.qty = -3)],
    ['qty fractional', (e) => (e.qty = 1.5)],
    ['qty huge', (e) => (e.qty = 1e308)],
    ['qty beyond safe integers', (e) => (e.qty = 2 ** 53 + 2)],
    ['qty as a string', (e) => (e.qty = '5')],
    ['device_seq 0', (e) => (e.device_seq = 0)],
    ['device_seq huge', (e) => (e.device_seq = 1e300)],
    ['event_id not a UUID', (e) => (e.event_id = 'not-a-uuid')],
    ['event_id with SQL', (e) => (e.event_id = SQL)],
    ['event_type unknown', (e) => (e.event_type = 'STEAL')],
    ['item_id 10 MB', (e) => (e.item_id = MB10.slice(0, 512 * 1024))],
    ['item_id empty', (e) => (e.item_id = '  ')],
    ['item_id with control characters', (e) => (e.item_id = CONTROL)],
    ['lot with NUL', (e) => (e.lot = 'L\u0000T')],
    ['operator with a lone surrogate', (e) => (e.operator = 'a\ud800b')],
    ['barcode with ESC', (e) => (e.barcode_raw = '01\u001b2')],
    ['captured_at in 1900', (e) => (e.captured_at = '1900-01-01T00:00:00Z')],
    ['captured_at in 9999', (e) => (e.captured_at = '9999-12-31T23:59:59Z')],
    ['captured_at at the end of time', (e) => (e.captured_at = '+275760-09-13T00:00:00.000Z')],
    ['captured_at without a zone', (e) => (e.captured_at = '2026-01-01T10:00:00')],
    ['captured_at not a date', (e) => (e.captured_at = 'yesterday')],
    ['source unknown', (e) => (e.source = 'telepathy')],
    ['missing item_id', (e) => delete e.item_id],
    ['missing qty', (e) => delete e.qty],
    ['extra field', (e) => (e.price = 3)],
    ['VOID without a target', (e) => (e.event_type = 'VOID')],
    ['VOID of an unknown event', (e) => ((e.event_type = 'VOID'), (e.voids_event_id = randomUUID()))],
    ['voids_event_id not a UUID', (e) => ((e.event_type = 'VOID'), (e.voids_event_id = '12345'))],
    ['packing_slip_id not a UUID', (e) => (e.packing_slip_id = HTML)]
  ];

  it.each(mutations)('%s: rejected with a reason, nothing stored', async (_name, mutate) => {
    const event = base();
    mutate(event);
    const before = await tableChecksums(db.sql);
    const res = await app.request('/api/sync/events', {
      method: 'POST',
      headers: JSON_TYPE,
      body: JSON.stringify({ device_id: 'bad-events-tab', events: [event] })
    });
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as { results: { status: string; reason?: string }[] };
    expect(results).toHaveLength(1);
    expect(results[0].status).toBe('rejected');
    expect(results[0].reason).toMatch(/^invalid: \S/);
    const after = await tableChecksums(db.sql);
    const { devices: _d1, rejected_events: _r1, ...restBefore } = before;
    const { devices: _d2, rejected_events: _r2, ...restAfter } = after;
    expect(restAfter).toEqual(restBefore);
    const devices = await db.sql`SELECT device_id FROM devices ORDER BY 1`;
    expect(devices.map((d) => d.device_id)).toEqual(['bad-events-tab', 'seed-tab']);
    // Kept as sent (jsonb cannot hold NUL or a lone surrogate: those become U+FFFD), with the reason given.
    const asSent = JSON.parse(JSON.stringify(event).replace(/\\u(0000|d[89a-f][0-9a-f]{2})/g, '\\ufffd'));
    const [kept] = await db.sql`
      SELECT payload, reason FROM rejected_events WHERE device_id = 'bad-events-tab' ORDER BY last_rejected_at DESC, rejection_id LIMIT 1`;
    expect(kept).toEqual({ payload: asSent, reason: results[0].reason });
  });

  it('a whole push with wrong envelope values is refused before anything is read', async () => {
    const before = await tableChecksums(db.sql);
    const envelopes: Record<string, unknown>[] = [
      { device_id: SQL, events: [] },
      { device_id: HTML, events: [] },
      { device_id: 'x'.repeat(65), events: [] },
      { device_id: 'tab-1', events: Array.from({ length: 501 }, () => ({})) },
      { device_id: 'tab-1', events: [], sent_at: '1900-01-01T00:00:00Z' },
      { device_id: 'tab-1', events: [], sent_at: '9999-01-01T00:00:00Z' },
      { device_id: 'tab-1', events: [], pending_count: -1 },
      { device_id: 'tab-1', events: [], app_version: MB10.slice(0, 100_000) }
    ];
    for (const body of envelopes) {
      const res = await app.request('/api/sync/events', {
        method: 'POST',
        headers: JSON_TYPE,
        body: JSON.stringify(body)
      });
      expectClearRefusal(`envelope ${JSON.stringify(body).slice(0, 80)}`, {
        status: res.status,
        text: await res.text()
      });
    }
    expect(await tableChecksums(db.sql)).toEqual(before);
  });
});

// SQL and HTML that are valid text (an item code may hold a quote) are stored and given back as the same text.
it('stores SQL and HTML in valid text fields verbatim and gives them back unchanged', async () => {
  const hostile = makeEvent({
    device_seq: 1,
    event_type: 'INTAKE',
    item_id: "P'); DROP TABLE items;--",
    lot: HTML.slice(0, 64),
    operator: SQL,
    barcode_raw: HTML
  });
  const res = await app.request('/api/sync/events', {
    method: 'POST',
    headers: JSON_TYPE,
    body: JSON.stringify({ device_id: 'hostile-tab', events: [hostile] })
  });
  expect((await res.json()).results[0].status).toBe('applied');
  const page = (await (await app.request('/api/events?device_id=hostile-tab')).json()) as {
    rows: Record<string, unknown>[];
  };
  expect(page.rows[0]).toMatchObject({
    item_id: hostile.item_id,
    lot: hostile.lot,
    operator: hostile.operator,
    barcode_raw: hostile.barcode_raw
  });
  const item = await app.request(`/api/items/${encodeURIComponent(hostile.item_id)}`);
  expect(((await item.json()) as { item_id: string }).item_id).toBe(hostile.item_id);
  expect(await db.sql`SELECT count(*)::int AS n FROM items`).toEqual([{ n: 3 }]);
});
