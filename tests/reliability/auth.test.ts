// Who gets in, for EVERY route in ROUTES (server/openapi.ts): behind Databricks, no proxy headers means 401 on each
// non-public route, an operator gets 403 on each supervisor route, and neither changes anything; in local mode the
// server listens on loopback only unless HOST says otherwise, and says so when it starts.
import { networkInterfaces } from 'node:os';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import { createTestDb, type TestDb } from '../../server/testing/testdb';
import { ROUTES, type RouteDoc } from '../../server/openapi';
import { tableChecksums } from './db-checksum';
import { databaseEnv, spawnMain } from './server-process';

let db: TestDb;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  db = await createTestDb();
  app = createApp({
    sql: db.sql,
    config: loadConfig({ AUTH_MODE: 'databricks', SUPERVISOR_EMAILS: 'boss@plant.example' }),
    dbKind: db.kind
  });
});
afterAll(() => db.close());

const label = (r: RouteDoc) => `${r.method} ${r.path}`;

/** The route called with placeholder parameters and an empty JSON body where it takes one. */
async function call(r: RouteDoc, headers: Record<string, string>) {
  const path = r.path.replace(/\{[^}]+\}/g, () => randomUUID());
  const body = r.method === 'get' ? undefined : '{}';
  const res = await app.request(path, {
    method: r.method.toUpperCase(),
    headers: { 'content-type': 'application/json', ...headers },
    body
  });
  const text = (res.headers.get('content-type') ?? '').startsWith('text/event-stream')
    ? (await res.body?.cancel(), '')
    : await res.text();
  return { status: res.status, text };
}

describe('AUTH_MODE=databricks', () => {
  const guarded = ROUTES.filter((r) => r.role !== 'public');
  const supervisorRoutes = ROUTES.filter((r) => r.role === 'supervisor');

  it('answers 401 without X-Forwarded-Email, or with one that is not an email, on every non-public route', async () => {
    expect(guarded.length).toBeGreaterThan(5);
    const before = await tableChecksums(db.sql);
    for (const r of guarded)
      for (const headers of [
        {},
        { 'x-forwarded-email': '' },
        { 'x-forwarded-email': 'not an email' },
        { 'x-forwarded-user': 'someone' }
      ] as Record<string, string>[]) {
        const res = await call(r, headers);
        expect(res.status, `${label(r)} ${JSON.stringify(headers)}`).toBe(401);
        expect(JSON.parse(res.text).error.code).toBe('unauthenticated');
      }
    expect(await tableChecksums(db.sql)).toEqual(before);
  });

  it('lets the public routes through without headers', async () => {
    for (const r of ROUTES.filter((r) => r.role === 'public'))
      expect((await call(r, {})).status, label(r)).not.toBe(401);
  });

  it('answers 403 to an operator on every supervisor route, and a supervisor passes the same check', async () => {
    expect(supervisorRoutes.length).toBeGreaterThan(0);
    const before = await tableChecksums(db.sql);
    for (const r of supervisorRoutes) {
      const op = await call(r, { 'x-forwarded-email': 'op@plant.example' });
      expect(op.status, label(r)).toBe(403);
      expect(JSON.parse(op.text).error.code).toBe('forbidden');
      // The same request as a supervisor is judged on its content, not refused: the route exists and is guarded.
      const boss = await call(r, { 'x-forwarded-email': 'boss@plant.example' });
      expect([401, 403], `${label(r)} as a supervisor: ${boss.text.slice(0, 200)}`).not.toContain(boss.status);
    }
    // The operator's attempts changed nothing (the supervisor's may: they are allowed).
    const after = await tableChecksums(db.sql);
    expect(after.scan_events).toBe(before.scan_events);
    expect(after.replenishment_signals).toBe(before.replenishment_signals);
  });

  it('lets an operator use every operator route', async () => {
    for (const r of ROUTES.filter((r) => r.role === 'operator')) {
      const res = await call(r, { 'x-forwarded-email': 'op@plant.example' });
      expect([401, 403], `${label(r)}: ${res.text.slice(0, 200)}`).not.toContain(res.status);
    }
  });
});

describe('AUTH_MODE=local, the real server', () => {
  const outside = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

  it('listens on 127.0.0.1 only unless HOST says otherwise, and says so at start', async () => {
    const server = await spawnMain({ AUTH_MODE: 'local', ...databaseEnv(db) });
    try {
      expect(server.output()).toMatch(
        /AUTH_MODE=local: everyone who can reach this server is the supervisor .*; listening on 127\.0\.0\.1 only\./
      );
      expect((await fetch(`${server.url}/api/me`)).status).toBe(200);
      // From another address of this machine it is not there at all.
      if (outside) await expect(fetch(`http://${outside}:${server.port}/api/health`)).rejects.toThrow();
    } finally {
      server.kill('SIGTERM');
      await server.exited;
    }
  }, 120_000);

  it('listens where HOST says, and says that too', async () => {
    const server = await spawnMain({ AUTH_MODE: 'local', HOST: '0.0.0.0', ...databaseEnv(db) });
    try {
      expect(server.output()).toMatch(/listening on 0\.0\.0\.0 only\./);
      if (outside) expect((await fetch(`http://${outside}:${server.port}/api/health`)).status).toBe(200);
    } finally {
      server.kill('SIGTERM');
      await server.exited;
    }
  }, 120_000);
});
