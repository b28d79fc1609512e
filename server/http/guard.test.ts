// A hostile page in the supervisor's browser: a cross-site form post of a CSV must change nothing, a rebinding host
// name must read nothing; the app's own same-origin requests and header-less clients pass.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../app';
import { loadConfig } from '../config';
import { createTestDb, type TestDb } from '../testing/testdb';
import { hostName } from './guard';

let db: TestDb;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  db = await createTestDb();
  app = createApp({ sql: db.sql, config: loadConfig({ ALLOWED_HOSTS: 'linesync.plant.local' }), dbKind: db.kind });
  await db.sql`INSERT INTO items (item_id, description) VALUES ('P-GUARD', 'Guarded part')`;
});
afterAll(() => db.close());

const csv = 'item_id,description,active\nP-GUARD,Deactivated by a foreign page,false\n';
const activeOf = async () =>
  (await db.sql<{ active: boolean }[]>`SELECT active FROM items WHERE item_id = 'P-GUARD'`)[0].active;

it('refuses a cross-site write by Origin or by Sec-Fetch-Site, and changes nothing', async () => {
  const attempts: Record<string, string>[] = [
    { origin: 'https://evil.example', 'content-type': 'text/plain' },
    { origin: 'null', 'content-type': 'text/csv' },
    { 'sec-fetch-site': 'cross-site', 'content-type': 'text/plain' },
    { 'sec-fetch-site': 'same-site', 'content-type': 'text/csv' }
  ];
  for (const headers of attempts) {
    const res = await app.request('http://localhost/api/items/import', { method: 'POST', headers, body: csv });
    expect(res.status, JSON.stringify(headers)).toBe(403);
    expect((await res.json()).error.code).toBe('cross_site');
    expect(res.headers.get('connection')).toBe('close');
  }
  for (const path of ['/api/signals/00000000-0000-7000-8000-000000000001/fulfill', '/api/purchase-orders/x/cancel'])
    expect(
      (await app.request(`http://localhost${path}`, { method: 'POST', headers: { origin: 'https://evil.example' } }))
        .status
    ).toBe(403);
  expect(await activeOf()).toBe(true);
});

it('lets same-origin and header-less writes through', async () => {
  const same = await app.request('http://localhost:8000/api/items', {
    method: 'PATCH',
    headers: { origin: 'http://localhost:8000', 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' },
    body: JSON.stringify({ rows: [] })
  });
  expect(same.status).not.toBe(403);
  const plain = await app.request('http://localhost/api/sync/snapshot');
  expect(plain.status).toBe(200);
});

it('answers only its own host names in local mode (DNS rebinding)', async () => {
  for (const host of [
    'localhost:8000',
    '127.0.0.1:8000',
    '[::1]:8000',
    'linesync.plant.local',
    '192.168.1.20:8000',
    '[fe80::1]'
  ])
    expect((await app.request('/api/sync/snapshot', { headers: { host } })).status, host).toBe(200);
  const res = await app.request('/api/sync/snapshot', { headers: { host: 'rebind.attacker.example:8000' } });
  expect(res.status).toBe(421);
  expect((await res.json()).error.code).toBe('host_not_allowed');
});

it('does not let a rebinding page pass by naming an allowed host in X-Forwarded-Host', async () => {
  // The rebinding page is same-origin to its browser, so it may add any header to its fetches without a preflight.
  const rebind = 'rebind.attacker.example:8000';
  const read = await app.request('/api/sync/snapshot', { headers: { host: rebind, 'x-forwarded-host': 'localhost' } });
  expect(read.status).toBe(421);
  expect((await read.json()).error.code).toBe('host_not_allowed');
  const write = await app.request('/api/items/import', {
    method: 'POST',
    headers: {
      host: rebind,
      'x-forwarded-host': 'localhost:8000',
      origin: 'http://localhost:8000',
      'content-type': 'text/csv',
      'x-linesync-client': '1'
    },
    body: csv
  });
  expect(write.status).toBe(421);
  expect(await activeOf()).toBe(true);
  // Nor the other way round: an allowed Host with a foreign forwarded name.
  const forwarded = await app.request('/api/sync/snapshot', {
    headers: { host: '127.0.0.1:8000', 'x-forwarded-host': rebind }
  });
  expect(forwarded.status).toBe(421);
  // A reverse proxy in front of a local server that forwards an allowed name passes.
  const proxied = await app.request('/api/sync/snapshot', {
    headers: { host: '127.0.0.1:8000', 'x-forwarded-host': 'linesync.plant.local' }
  });
  expect(proxied.status).toBe(200);
});

it('reads host names with and without ports', () => {
  expect(hostName('LocalHost:8000')).toBe('localhost');
  expect(hostName('[::1]:80')).toBe('[::1]');
  expect(hostName('example.com')).toBe('example.com');
});

it('refuses a 5 MB grid save with 413 before reading it, and closes the connection', async () => {
  const body = JSON.stringify({ rows: [{ item_id: 'P-GUARD', description: 'x'.repeat(5 * 1024 * 1024) }] });
  const res = await app.request('http://localhost/api/items', {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
    body
  });
  expect(res.status).toBe(413);
  expect((await res.json()).error.code).toBe('payload_too_large');
  expect(res.headers.get('connection')).toBe('close');
  const other = await app.request('http://localhost/api/signals/00000000-0000-7000-8000-000000000001/acknowledge', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': String(300 * 1024) },
    body: 'x'.repeat(300 * 1024)
  });
  expect(other.status).toBe(413);
  expect(await activeOf()).toBe(true);
});

it('answers a request after an early 413 on a kept-alive connection (real server)', async () => {
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const send = (method: string, path: string, body?: string) =>
    new Promise<{ status: number; connection?: string }>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, method, path, agent, headers: body ? { 'content-type': 'application/json' } : {} },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection }));
        }
      );
      req.on('error', reject);
      req.end(body);
    });
  try {
    const big = await send('PATCH', '/api/items', JSON.stringify({ rows: [], pad: 'x'.repeat(3 * 1024 * 1024) }));
    expect(big.status).toBe(413);
    expect(big.connection).toBe('close');
    expect((await send('GET', '/api/sync/snapshot')).status).toBe(200);
  } finally {
    agent.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

it('closes the connection after an identity or role refusal that left the body unread (real server)', async () => {
  // Behind Databricks Apps: a write without X-Forwarded-Email is a 401, an operator's write to a supervisor route a
  // 403, both before the body is read. @hono/node-server drains such a body for at most 500 ms and then drops the
  // socket without a word: the client's next request on that connection failed with "socket hang up".
  const proxied = createApp({ sql: db.sql, config: loadConfig({ AUTH_MODE: 'databricks' }), dbKind: db.kind });
  const server = serve({ fetch: proxied.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const send = (method: string, path: string, headers: Record<string, string>, body?: string) =>
    new Promise<{ status: number; connection?: string }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection }));
      });
      req.on('error', reject);
      req.end(body);
    });
  const body = JSON.stringify({ rows: [], pad: 'x'.repeat(900 * 1024) }); // within the route's limit
  const json = { 'content-type': 'application/json' };
  try {
    for (const [headers, status] of [
      [json, 401],
      [{ ...json, 'x-forwarded-email': 'operator@plant.example' }, 403]
    ] as const) {
      const refused = await send('PATCH', '/api/items', headers, body);
      expect(refused).toEqual({ status, connection: 'close' });
      expect((await send('GET', '/api/health', {})).status).toBe(200);
    }
  } finally {
    agent.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  expect(await activeOf()).toBe(true);
});
