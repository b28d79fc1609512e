// What a write may be, declared once per route in ROUTES and checked before any handler runs:
// - a content type a plain HTML form cannot send (JSON), or the file type plus the client header for CSV imports
//   and slip uploads, or the header (or JSON) for body-less actions; refused with nothing changed otherwise;
// - a body no longer than the route needs: 413 before it is read, also when it comes chunked, and the connection
//   closed so the next request (on a fresh one) is answered.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CLIENT_HEADER, CLIENT_HEADERS } from '#domain/client-header';
import { createApp } from '../app';
import { loadConfig } from '../config';
import { ROUTES } from '../openapi';
import { createTestDb, type TestDb } from '../testing/testdb';
import { makeEvent } from '../testing/testkit';

let db: TestDb;
let app: ReturnType<typeof createApp>;
let signalId: string;

beforeAll(async () => {
  db = await createTestDb();
  app = createApp({ sql: db.sql, config: loadConfig({}), dbKind: db.kind });
  await db.sql`INSERT INTO locations (location_id, name) VALUES ('LINE-1', 'Line 1') ON CONFLICT DO NOTHING`;
  await db.sql`INSERT INTO items (item_id, description, reorder_point, reorder_qty)
               VALUES ('P-FORM', 'Form target', 10, 50), ('P-1', 'Bolt', 10, 50)`;
  // An open signal: 12 in, 4 out leaves 8, under the reorder point of 10.
  const pushed = await app.request('/api/sync/events', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      device_id: 'tab-forms',
      events: [makeEvent({ device_seq: 1, event_type: 'INTAKE', qty: 12 }), makeEvent({ device_seq: 2, qty: 4 })]
    })
  });
  expect(pushed.status).toBe(200);
  [{ signal_id: signalId }] = await db.sql<{ signal_id: string }[]>`
    SELECT DISTINCT signal_id FROM replenishment_signals WHERE item_id = 'P-1'`;
});
afterAll(() => db.close());

const itemState = async () =>
  (
    await db.sql<{ active: boolean; description: string }[]>`
    SELECT active, description FROM items WHERE item_id = 'P-FORM'`
  )[0];
const signalState = async () =>
  (
    await db.sql<{ state: string }[]>`
      SELECT state FROM replenishment_signals WHERE signal_id = ${signalId} ORDER BY row_id DESC LIMIT 1`
  )[0].state; // the lifecycle is append-only: its last row is the state
const slipCount = async () => Number((await db.sql`SELECT count(*) AS n FROM packing_slips`)[0].n);
const csv = 'item_id,description,active\nP-FORM,Changed by a form,false\n';

describe('a write a plain HTML form could make is refused, and changes nothing', () => {
  it('a CSV import sent as text/plain (what a form sends) is a 415, with or without the client header', async () => {
    for (const headers of [{ 'content-type': 'text/plain' }, { 'content-type': 'text/plain', ...CLIENT_HEADERS }]) {
      const res = await app.request('/api/items/import', { method: 'POST', headers, body: csv });
      expect(res.status, JSON.stringify(headers)).toBe(415);
      expect((await res.json()).error).toMatchObject({ code: 'unsupported_media_type' });
    }
    const form = new URLSearchParams({ 'item_id,description,active\nP-FORM,x,false\n': '' });
    expect((await app.request('/api/items/import', { method: 'POST', body: form })).status).toBe(415);
    expect(await itemState()).toEqual({ active: true, description: 'Form target' });
  });

  it('a text/csv import without the client header is a 403 that names the header', async () => {
    for (const path of ['/api/items/import', '/api/suppliers/import', '/api/supplier-items/import']) {
      const res = await app.request(path, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
      expect(res.status, path).toBe(403);
      const { error } = await res.json();
      expect(error.code).toBe('client_header_required');
      expect(error.message).toContain(CLIENT_HEADER);
    }
    expect(await itemState()).toEqual({ active: true, description: 'Form target' });
    // With it, the same file is applied: the header is all our own client adds.
    const ok = await app.request('/api/items/import', {
      method: 'POST',
      headers: { 'content-type': 'text/csv', ...CLIENT_HEADERS },
      body: csv
    });
    expect(ok.status).toBe(200);
    expect(await itemState()).toEqual({ active: false, description: 'Changed by a form' });
    await db.sql`UPDATE items SET active = true, description = 'Form target' WHERE item_id = 'P-FORM'`;
  });

  it('a multipart slip upload without the client header is a 403; nothing is stored', async () => {
    const form = () => {
      const f = new FormData();
      f.set('slip_id', '0190f4a2-0000-7000-8000-00000000f0a1');
      f.set('device_id', 'tab-forms');
      f.append('files', new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], 'p.png', { type: 'image/png' }));
      return f;
    };
    const before = await slipCount();
    const res = await app.request('/api/packing-slips', { method: 'POST', body: form() });
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('client_header_required');
    const plain = await app.request('/api/packing-slips', {
      method: 'POST',
      headers: { 'content-type': 'text/plain', ...CLIENT_HEADERS },
      body: 'slip'
    });
    expect(plain.status).toBe(415);
    expect(await slipCount()).toBe(before);
  });

  it('a body-less action without the client header or JSON is a 403; the signal stays as it was', async () => {
    const path = `/api/signals/${signalId}/acknowledge`;
    for (const init of [
      { method: 'POST' },
      { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '' },
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' }
    ] as RequestInit[]) {
      const res = await app.request(path, init);
      expect(res.status, JSON.stringify(init)).toBe(403);
      expect((await res.json()).error.code).toBe('client_header_required');
    }
    expect(await app.request(`/api/signals/${signalId}/fulfill`, { method: 'POST' })).toHaveProperty('status', 403);
    expect(await signalState()).toBe('OPEN');
    // Our client's request passes: the header, or an empty JSON body.
    expect((await app.request(path, { method: 'POST', headers: CLIENT_HEADERS })).status).toBe(200);
    const fulfil = await app.request(`/api/signals/${signalId}/fulfill`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}'
    });
    expect(fulfil.status).toBe(200);
    expect(await signalState()).toBe('FULFILLED');
  });

  it('a JSON write sent as a form (text/plain, urlencoded, multipart) is a 415 on every JSON route', async () => {
    const jsonRoutes = ROUTES.filter((r) => r.accepts === 'json');
    expect(jsonRoutes.length).toBeGreaterThan(10);
    for (const r of jsonRoutes)
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
        const path = r.path.replace(/\{[^}]+\}/g, 'P-FORM');
        const res = await app.request(path, {
          method: r.method.toUpperCase(),
          headers: { 'content-type': type, ...CLIENT_HEADERS },
          body: '{}'
        });
        expect(res.status, `${r.method} ${r.path} as ${type}`).toBe(415);
      }
    expect(await itemState()).toEqual({ active: true, description: 'Form target' });
  });
});

describe('every write declares what it takes and how much of it', () => {
  const writes = ROUTES.filter((r) => r.method !== 'get');

  it('each write route says its body kind and its byte limit, and a route with a schema takes JSON', () => {
    for (const r of writes) {
      expect(r.accepts, `${r.method} ${r.path}`).toBeDefined();
      expect(r.maxBytes, `${r.method} ${r.path}`).toBeGreaterThan(0);
      if (r.body) expect(r.accepts, `${r.method} ${r.path}`).toBe('json');
    }
    for (const r of ROUTES.filter((r) => r.method === 'get')) expect(r.maxBytes, r.path).toBeUndefined();
  });

  // The largest body each schema allows: every string at its longest in 3-byte characters (a CJK description), every
  // array at its longest, every number at its longest. The limit must take it, or a valid save is refused for ever.
  it('each limit takes the largest valid body of its schema', () => {
    const CHAR = '部';
    type Js = Record<string, unknown> & { $ref?: string };
    const largest = (s: Js, defs: Record<string, Js>): unknown => {
      if (s.$ref) return largest(defs[s.$ref.split('/').pop()!], defs);
      const options = (s.anyOf ?? s.oneOf) as Js[] | undefined;
      if (options)
        return options
          .map((o) => largest(o, defs))
          .sort((a, b) => JSON.stringify(b ?? null).length - JSON.stringify(a ?? null).length)[0];
      if (Array.isArray(s.enum)) return [...s.enum].sort((a, b) => String(b).length - String(a).length)[0];
      if (s.const !== undefined) return s.const;
      const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
      if (type === 'string') return s.format || s.pattern ? 'x'.repeat(64) : CHAR.repeat(Number(s.maxLength ?? 64));
      if (type === 'number' || type === 'integer') return -Number.MAX_SAFE_INTEGER - 0.123456789;
      if (type === 'boolean') return false;
      if (type === 'array') return Array.from({ length: Number(s.maxItems ?? 1) }, () => largest(s.items as Js, defs));
      if (type === 'object')
        return Object.fromEntries(
          Object.entries((s.properties ?? {}) as Record<string, Js>).map(([k, v]) => [k, largest(v, defs)])
        );
      return null;
    };
    const measured: string[] = [];
    for (const r of writes.filter((r) => r.body && r.path !== '/api/sync/events')) {
      const schema = z.toJSONSchema(r.body!, { unrepresentable: 'any' }) as Js;
      const bytes = Buffer.byteLength(JSON.stringify(largest(schema, (schema.$defs ?? {}) as Record<string, Js>)));
      measured.push(`${r.method} ${r.path}: ${bytes} of ${r.maxBytes}`);
      expect(bytes, `${r.method} ${r.path}`).toBeLessThanOrEqual(r.maxBytes!);
    }
    expect(measured.length).toBeGreaterThan(10);
  });

  it('the push limit is the one the tablet splits its batches by', async () => {
    const { MAX_BATCH_BYTES } = await import('#domain/events');
    expect(ROUTES.find((r) => r.path === '/api/sync/events')?.maxBytes).toBe(MAX_BATCH_BYTES);
  });

  it('a declared Content-Length over the limit is a 413 before anything is read, naming the limit', async () => {
    const res = await app.request('/api/locations', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(20 * 1024) },
      body: JSON.stringify({ location_id: 'BIG', name: 'x'.repeat(20 * 1024) })
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('connection')).toBe('close');
    expect((await res.json()).error).toMatchObject({
      code: 'payload_too_large',
      message: expect.stringMatching(/16 KiB/)
    });
    expect(await db.sql`SELECT 1 FROM locations WHERE location_id = 'BIG'`).toHaveLength(0);
  });
});

describe('an oversize chunked body on a real server', () => {
  it('is cut off with a 413 and Connection: close, and the next request on a fresh connection is answered', async () => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const { port } = server.address() as AddressInfo;
    try {
      // No Content-Length: chunks of 64 KiB up to 4 MiB into a route that takes 16 KiB. The server answers once it
      // has counted past the limit and stops reading; the rest of the upload may fail with a reset, as it should.
      const refused = await new Promise<{ status: number; connection?: string; body: string; written: number }>(
        (resolve, reject) => {
          let written = 0;
          const req = http.request({
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/api/locations',
            agent: false,
            headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }
          });
          req.on('response', (res) => {
            let body = '';
            res.on('data', (d) => (body += d));
            res.on('end', () =>
              resolve({ status: res.statusCode!, connection: res.headers.connection, body, written })
            );
          });
          req.on('error', (e) => (written > 0 ? undefined : reject(e)));
          const chunk = Buffer.alloc(64 * 1024, 'x');
          req.write('{"location_id":"CHUNKED","name":"');
          const pump = () => {
            while (written < 4 * 1024 * 1024) {
              written += chunk.length;
              if (!req.write(chunk)) return void req.once('drain', pump);
            }
            req.end('"}');
          };
          pump();
        }
      );
      expect(refused.status).toBe(413);
      expect(refused.connection).toBe('close');
      expect(JSON.parse(refused.body).error.code).toBe('payload_too_large');
      expect(await db.sql`SELECT 1 FROM locations WHERE location_id = 'CHUNKED'`).toHaveLength(0);

      const next = await fetch(`http://127.0.0.1:${port}/api/locations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ location_id: 'AFTER-413', name: 'After the refusal' })
      });
      expect(next.status).toBeLessThan(300);
      expect(await db.sql`SELECT 1 FROM locations WHERE location_id = 'AFTER-413'`).toHaveLength(1);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('the push answer as documented', () => {
  it('says server_max_seq (required) in /api/openapi.json and refilled in the request; a real answer matches', async () => {
    const doc = await (await app.request('/api/openapi.json')).json();
    const push = doc.paths['/api/sync/events'].post;
    const answer = push.responses['200'].content['application/json'].schema;
    expect(answer.required).toContain('server_max_seq');
    expect(answer.properties.server_max_seq.description).toMatch(/highest device_seq the server held/);
    const request = push.requestBody.content['application/json'].schema;
    expect(request.properties.refilled.description).toMatch(/sent again/);
    expect(push['x-linesync-max-body-bytes']).toBe(1024 * 1024);
    const csvImport = doc.paths['/api/items/import'].post;
    expect(Object.keys(csvImport.requestBody.content)).toEqual(['text/csv']);
    expect(csvImport.parameters).toContainEqual(expect.objectContaining({ name: CLIENT_HEADER, in: 'header' }));

    const { pushAnswerSchema } = await import('#domain/events');
    const res = await app.request('/api/sync/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ device_id: 'tab-forms', events: [makeEvent({ device_seq: 3, qty: 1 })], refilled: 0 })
    });
    const body = pushAnswerSchema.strict().parse(await res.json());
    expect(body.server_max_seq).toBe(2);
  });
});
