// Slip files in a Unity Catalog volume: through the app against a local HTTP server that answers the Files API as
// documented (PUT /api/2.0/fs/files{path} with the raw bytes, 204; GET returns them as an octet stream).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app';
import { loadConfig } from '../../config';
import { createTestDb, type TestDb } from '../../testing/testdb';
import { slipFixtures } from '../../../tests/fixtures/slips';
import { CLIENT_HEADERS } from '#domain/client-header';

const ROOT = '/Volumes/main/linesync/packing slips';
const files = new Map<string, Buffer>();
const seen: { method: string; path: string; auth?: string; type?: string; overwrite: string | null }[] = [];
let server: Server;
let db: TestDb;
let app: ReturnType<typeof createApp>;
const saved = { ...process.env };

const body = (req: IncomingMessage) =>
  new Promise<Buffer>((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks)));
  });

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const url = new URL(req.url!, 'http://x');
    const path = decodeURIComponent(url.pathname.replace(/^\/api\/2\.0\/fs\/files/, ''));
    seen.push({
      method: req.method!,
      path,
      auth: req.headers.authorization,
      type: req.headers['content-type'],
      overwrite: url.searchParams.get('overwrite')
    });
    if (!url.pathname.startsWith('/api/2.0/fs/files/Volumes/'))
      return res.writeHead(404).end(JSON.stringify({ error_code: 'NOT_FOUND', message: 'no such API' }));
    if (req.method === 'PUT') {
      files.set(path, await body(req));
      return res.writeHead(204).end();
    }
    const data = files.get(path);
    if (!data)
      return res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error_code: 'NOT_FOUND', message: `${path} does not exist` }));
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': data.length }).end(data);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  Object.assign(process.env, {
    DATABRICKS_HOST: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    DATABRICKS_TOKEN: 'dapi-volume-test',
    DATABRICKS_AUTH_TYPE: 'pat',
    SLIP_VOLUME_PATH: ROOT
  });
  db = await createTestDb();
  app = createApp({ sql: db.sql, config: loadConfig({}), dbKind: db.kind });
});
afterAll(async () => {
  process.env = saved;
  await db.close();
  await new Promise((r) => server.close(r));
});

describe('SLIP_VOLUME_PATH', () => {
  it('writes each file to the volume, keeps only its path in PostgreSQL, and reads it back for parsing and download', async () => {
    const [fixture] = await slipFixtures();
    const slip_id = randomUUID();
    const form = new FormData();
    form.set('slip_id', slip_id);
    form.set('device_id', 'tab-recv');
    form.append('files', new Blob([fixture.bytes as Uint8Array<ArrayBuffer>], { type: 'application/pdf' }), 'slip.pdf');
    const res = await app.request('/api/packing-slips', { method: 'POST', headers: CLIENT_HEADERS, body: form });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ parser: 'digital', line_count: 3 });

    const path = `${ROOT}/${slip_id}/1.pdf`;
    expect(new Uint8Array(files.get(path)!)).toEqual(fixture.bytes);
    expect(seen[0]).toEqual({
      method: 'PUT',
      path,
      auth: 'Bearer dapi-volume-test',
      type: 'application/octet-stream',
      overwrite: 'true'
    });
    const [row] = await db.sql`SELECT data, volume_path, size_bytes FROM packing_slip_files WHERE slip_id = ${slip_id}`;
    expect(row).toEqual({ data: null, volume_path: path, size_bytes: fixture.bytes.length });

    const download = await app.request(`/api/packing-slips/${slip_id}/files/1`);
    expect(download.status).toBe(200);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(fixture.bytes);
    expect(seen.filter((s) => s.method === 'GET').map((s) => s.path)).toContain(path);
  });

  it('answers 502 with the reason and stores nothing when the volume refuses the file', async () => {
    files.clear();
    server.removeAllListeners('request');
    server.on('request', (_req, res) =>
      res
        .writeHead(403, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error_code: 'PERMISSION_DENIED', message: 'no WRITE VOLUME' }))
    );
    const form = new FormData();
    form.set('slip_id', randomUUID());
    form.set('device_id', 'tab-recv');
    form.append('files', new Blob([(await slipFixtures())[0].bytes as Uint8Array<ArrayBuffer>]), 'slip.pdf');
    const before = await db.sql`SELECT count(*)::int AS n FROM packing_slips`;
    const res = await app.request('/api/packing-slips', { method: 'POST', headers: CLIENT_HEADERS, body: form });
    expect(res.status).toBe(502);
    expect((await res.json()).error).toMatchObject({
      code: 'volume_failed',
      message: expect.stringMatching(/Could not write .*packing slips.*no WRITE VOLUME/)
    });
    expect(await db.sql`SELECT count(*)::int AS n FROM packing_slips`).toEqual(before);
  });
});
