// The whole start-up path on Databricks Apps: `npm start`'s command run with the environment an app with a Lakebase
// resource gets (PG* variables, LAKEBASE_ENDPOINT or LAKEBASE_INSTANCE_NAME, DATABRICKS_APP_PORT, the app service
// principal's DATABRICKS_HOST/CLIENT_ID/CLIENT_SECRET). A local HTTP server plays the workspace in the documented
// shapes: OIDC discovery, the client-credentials token endpoint, and the two Lakebase credential endpoints.
// The database is the tests' own PostgreSQL cluster over TLS, logged into as linesync_token_login, the role
// scripts/setup-tests.sh restricts to a password over TLS (the other roles are trusted, and a trusted login never asks for the token).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMigrations } from './db/migrate';
import { freePort } from '../tests/reliability/server-process';
import { tlsAdminUrl as adminUrl, tlsCaFile } from './testing/testdb';

const ROLE = 'linesync_token_login';
const CLIENT_ID = 'a1b2c3d4-app-service-principal';
const CLIENT_SECRET = 'dose-app-secret';
const ACCESS_TOKEN = 'sp-oauth-access-token';
const ENDPOINT = 'projects/linesync/branches/production/endpoints/primary';
const INSTANCE = 'linesync-db';
const DEPLOYER_PAT = 'dapi-deployer-token';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MIGRATIONS = readMigrations().map((m) => m.name);

interface Seen {
  method: string;
  path: string;
  auth?: string;
  type?: string;
  body: string;
}

let workspace: Server;
let workspaceUrl: string;
const seen: Seen[] = [];
let issued = 0;
let admin: postgres.Sql;
const home = mkdtempSync(join(tmpdir(), 'linesync-startup-'));

async function readBody(req: IncomingMessage): Promise<string> {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  return raw;
}

beforeAll(async () => {
  workspace = createServer(async (req, res) => {
    const body = await readBody(req);
    const path = req.url ?? '';
    seen.push({
      method: req.method ?? '',
      path,
      auth: req.headers.authorization,
      type: req.headers['content-type'],
      body
    });
    res.setHeader('content-type', 'application/json');
    const reply = (value: unknown) => res.end(JSON.stringify(value));
    const expires = new Date(Date.now() + 3600_000).toISOString();
    if (req.method === 'GET' && path === '/oidc/.well-known/oauth-authorization-server')
      return reply({
        issuer: `${workspaceUrl}/oidc`,
        authorization_endpoint: `${workspaceUrl}/oidc/v1/authorize`,
        token_endpoint: `${workspaceUrl}/oidc/v1/token`
      });
    const basic = 'Basic ' + Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64');
    if (req.method === 'POST' && path === '/oidc/v1/token' && req.headers.authorization === basic)
      return reply({ access_token: ACCESS_TOKEN, token_type: 'Bearer', scope: 'all-apis', expires_in: 3600 });
    if (req.method === 'POST' && path === '/oidc/v1/token') {
      res.statusCode = 401; // RFC 6749 5.2: a client whose credentials do not match
      return reply({ error: 'invalid_client', error_description: 'Client authentication failed' });
    }
    const bearer =
      req.headers.authorization === `Bearer ${ACCESS_TOKEN}` || req.headers.authorization === `Bearer ${DEPLOYER_PAT}`;
    if (req.method === 'POST' && path === '/api/2.0/postgres/credentials' && bearer)
      return reply({ token: `lakebase-token-${++issued}`, expire_time: expires });
    if (req.method === 'POST' && path === '/api/2.0/database/credentials' && bearer)
      return reply({ token: `lakebase-token-${++issued}`, expiration_time: expires });
    res.statusCode = bearer || path.startsWith('/oidc') ? 404 : 401;
    reply({
      error_code: res.statusCode === 404 ? 'ENDPOINT_NOT_FOUND' : 'UNAUTHENTICATED',
      message: `${req.method} ${path}`
    });
  });
  await new Promise<void>((r) => workspace.listen(0, '127.0.0.1', r));
  workspaceUrl = `http://127.0.0.1:${(workspace.address() as AddressInfo).port}`;

  admin = postgres(adminUrl(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`DO $$ BEGIN CREATE ROLE ${ROLE} LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$`);
  // The role's password is global: hold it while this file changes it (server/db/lakebase.pg.test.ts uses it too).
  await admin`SELECT pg_advisory_lock(hashtext(${ROLE}))`;
});

afterAll(async () => {
  await admin`SELECT pg_advisory_unlock(hashtext(${ROLE}))`;
  await admin.end();
  await new Promise<void>((r) => workspace.close(() => r()));
  rmSync(home, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  port: number;
  output: () => string;
  database: string;
}

/** Starts the server as Databricks Apps would, with the variables a Lakebase database resource injects. */
async function startAsApp(lakebase: Record<string, string>, existing?: string): Promise<Started> {
  const database = existing ?? `linesync_startup_${randomBytes(4).toString('hex')}`;
  // A fresh database the app's role owns, unless the test prepared one the way a deployment does.
  if (!existing) await admin.unsafe(`CREATE DATABASE ${database} OWNER ${ROLE}`);
  await admin.unsafe(`ALTER ROLE ${ROLE} PASSWORD 'lakebase-token-${issued + 1}'`);
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home, // no ~/.databrickscfg: the SDK must find the service principal in the environment
    PGHOST: 'localhost', // the name in the cluster's certificate: TLS to Lakebase is verified
    LAKEBASE_CA_FILE: tlsCaFile(), // a self-signed certificate, given as the CA to trust
    PGPORT: new URL(adminUrl()).port || '5432',
    PGUSER: ROLE,
    PGDATABASE: database,
    PGSSLMODE: 'require',
    PGAPPNAME: 'linesync',
    DATABRICKS_APP_PORT: String(port),
    DATABRICKS_APP_NAME: 'linesync',
    DATABRICKS_HOST: workspaceUrl,
    DATABRICKS_CLIENT_ID: CLIENT_ID,
    DATABRICKS_CLIENT_SECRET: CLIENT_SECRET,
    AUTH_MODE: 'databricks',
    ...lakebase
  };
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const started = { child, port, output: () => out, database };
  const deadline = Date.now() + 120_000; // generous: several engineers' test runs may share the machine
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${out}`);
    const res = await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => null);
    if (res?.status === 200) return started;
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop(started);
  throw new Error(`the server did not answer /api/health within 120 s:\n${out}`);
}

async function stop(s: Started) {
  if (s.child.exitCode === null) {
    const exited = new Promise((r) => s.child.once('exit', r));
    s.child.kill('SIGTERM');
    await exited;
  }
  await admin.unsafe(`DROP DATABASE IF EXISTS ${s.database} WITH (FORCE)`);
}

async function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/db/cli.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: home, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  return { code, out };
}

async function expectSignedInRequests(port: number) {
  const anonymous = await fetch(`http://127.0.0.1:${port}/api/me`);
  expect(anonymous.status).toBe(401);
  expect((await anonymous.json()).error).toMatchObject({ code: 'unauthenticated' });
  const signedIn = await fetch(`http://127.0.0.1:${port}/api/me`, {
    headers: { 'X-Forwarded-Email': 'Operator@Plant.example' }
  });
  expect(signedIn.status).toBe(200);
  expect(await signedIn.json()).toEqual({ email: 'operator@plant.example', role: 'operator' });
}

async function expectTlsLogins(database: string) {
  const backends = await admin<{ usename: string; ssl: boolean }[]>`
    SELECT a.usename, s.ssl FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) WHERE a.datname = ${database}`;
  expect(backends.length).toBeGreaterThan(0);
  expect(backends.every((b) => b.usename === ROLE && b.ssl)).toBe(true);
}

function expectServicePrincipalLogin() {
  expect(seen.find((r) => r.path === '/oidc/.well-known/oauth-authorization-server')).toMatchObject({ method: 'GET' });
  const token = seen.filter((r) => r.path === '/oidc/v1/token');
  expect(token).toHaveLength(1);
  expect(token[0]).toMatchObject({ method: 'POST', type: 'application/x-www-form-urlencoded' });
  expect(Object.fromEntries(new URLSearchParams(token[0].body))).toEqual({
    grant_type: 'client_credentials',
    scope: 'all-apis'
  });
}

// Each test starts a Node process or two: allow for a loaded machine.
describe('start-up on Databricks Apps', { timeout: 240_000 }, () => {
  it('with a Lakebase Autoscaling resource: service principal token, endpoint credential, TLS login, migrated, serving', async () => {
    seen.length = 0;
    const app = await startAsApp({ LAKEBASE_ENDPOINT: ENDPOINT });
    try {
      const health = await fetch(`http://127.0.0.1:${app.port}/api/health`);
      expect(await health.json()).toEqual({
        status: 'ok',
        database: { reachable: true, kind: 'lakebase' },
        migrations: { applied: MIGRATIONS, pending: [] }
      });
      expectServicePrincipalLogin();
      const credentials = seen.filter((r) => r.path === '/api/2.0/postgres/credentials');
      expect(credentials).toHaveLength(1); // one token serves every connection of the pool
      expect(credentials[0]).toMatchObject({ method: 'POST', auth: `Bearer ${ACCESS_TOKEN}` });
      expect(JSON.parse(credentials[0].body)).toEqual({ endpoint: ENDPOINT });
      await expectSignedInRequests(app.port);
      await expectTlsLogins(app.database);
      expect(app.output()).toContain(
        `LineSync on Lakebase ${ROLE}@localhost:${new URL(adminUrl()).port}/${app.database} (autoscaling: ${ENDPOINT})`
      );

      // A deployer's `npm run db -- status` against the same Lakebase database, with their own workspace token
      // (which Lakebase would take for their own role; here the one test role takes whichever token comes next).
      await admin.unsafe(`ALTER ROLE ${ROLE} PASSWORD 'lakebase-token-${issued + 1}'`);
      const status = await runCli(['status'], {
        PGHOST: 'localhost',
        PGSSLROOTCERT: tlsCaFile(), // libpq's variable works as well
        PGPORT: new URL(adminUrl()).port || '5432',
        PGUSER: ROLE,
        PGDATABASE: app.database,
        PGSSLMODE: 'require',
        LAKEBASE_ENDPOINT: ENDPOINT,
        DATABRICKS_HOST: workspaceUrl,
        DATABRICKS_TOKEN: DEPLOYER_PAT
      });
      expect(status.code, status.out).toBe(0);
      expect(status.out).toContain(
        `Database: Lakebase ${ROLE}@localhost:${new URL(adminUrl()).port}/${app.database} (autoscaling: ${ENDPOINT})`
      );
      expect(status.out).toContain(`Migrations: ${MIGRATIONS.length} applied, 0 pending`);
      expect(seen.filter((r) => r.path === '/api/2.0/postgres/credentials').at(-1)).toMatchObject({
        auth: `Bearer ${DEPLOYER_PAT}`
      });
    } finally {
      await stop(app);
    }
  });

  it('with a Lakebase Provisioned resource: the instance credential instead', async () => {
    seen.length = 0;
    const app = await startAsApp({ LAKEBASE_INSTANCE_NAME: INSTANCE });
    try {
      expect((await fetch(`http://127.0.0.1:${app.port}/api/health`)).status).toBe(200);
      expectServicePrincipalLogin();
      const credentials = seen.filter((r) => r.path === '/api/2.0/database/credentials');
      expect(credentials).toHaveLength(1);
      expect(credentials[0]).toMatchObject({ method: 'POST', auth: `Bearer ${ACCESS_TOKEN}` });
      expect(JSON.parse(credentials[0].body)).toEqual({ instance_names: [INSTANCE], request_id: expect.any(String) });
      await expectSignedInRequests(app.port);
      await expectTlsLogins(app.database);
    } finally {
      await stop(app);
    }
  });

  it('runs as a role that owns nothing, after the grants docs/deploy.md lists', async () => {
    // The database belongs to the admins (here: postgres). The Apps database resource gives the app's role CONNECT
    // and CREATE on it; an admin migrates and runs grant-app-access. The app may not create in public (PostgreSQL 15+
    // grants that to the owner only), and needs not: its start-up migration check only reads.
    const database = `linesync_startup_${randomBytes(4).toString('hex')}`;
    await admin.unsafe(`CREATE DATABASE ${database}`);
    await admin.unsafe(`GRANT CONNECT, CREATE ON DATABASE ${database} TO ${ROLE}`);
    const url = new URL(adminUrl());
    url.pathname = '/' + database;
    const asAdmin = { DATABASE_URL: url.toString() };
    expect((await runCli(['migrate'], asAdmin)).out).toContain(`Applied: ${MIGRATIONS.join(', ')}`);
    const granted = await runCli(['grant-app-access', ROLE], asAdmin);
    expect(granted.code, granted.out).toBe(0);

    const app = await startAsApp({ LAKEBASE_ENDPOINT: ENDPOINT }, database);
    try {
      const push = await fetch(`http://127.0.0.1:${app.port}/api/sync/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-email': 'op@plant.example' },
        body: JSON.stringify({
          device_id: 'tab-1',
          events: [
            {
              event_id: '018f0000-0000-7000-8000-000000000001',
              device_seq: 1,
              event_type: 'INTAKE',
              item_id: 'P-1',
              qty: 5,
              location_id: 'LINE-1',
              source: 'wedge',
              captured_at: new Date().toISOString()
            }
          ]
        })
      });
      expect(push.status).toBe(200);
      expect((await push.json()).results).toEqual([
        { event_id: '018f0000-0000-7000-8000-000000000001', status: 'applied' }
      ]);
      const ownDb = postgres(url.toString(), { max: 1, onnotice: () => {} });
      const tables = await ownDb<
        { tableowner: string }[]
      >`SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'`;
      const [{ on_hand }] = await ownDb<
        { on_hand: number }[]
      >`SELECT on_hand::int FROM stock_levels WHERE item_id = 'P-1'`;
      await ownDb.end();
      expect(tables.map((t) => t.tableowner)).toEqual(['postgres']);
      expect(on_hand).toBe(5);
    } finally {
      await stop(app);
    }
  });

  it('stops with the reason, not a crash, when the workspace refuses the service principal', async () => {
    seen.length = 0;
    const database = `linesync_startup_${randomBytes(4).toString('hex')}`;
    await admin.unsafe(`CREATE DATABASE ${database} OWNER ${ROLE}`);
    try {
      const port = await freePort();
      const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          HOME: home,
          PGHOST: 'localhost',
          LAKEBASE_CA_FILE: tlsCaFile(),
          PGPORT: new URL(adminUrl()).port || '5432',
          PGUSER: ROLE,
          PGDATABASE: database,
          PGSSLMODE: 'require',
          LAKEBASE_ENDPOINT: ENDPOINT,
          DATABRICKS_APP_PORT: String(port),
          DATABRICKS_HOST: workspaceUrl,
          DATABRICKS_CLIENT_ID: CLIENT_ID,
          DATABRICKS_CLIENT_SECRET: 'wrong-secret',
          AUTH_MODE: 'databricks'
        },
        stdio: ['ignore', 'pipe', 'pipe']
      });
      let out = '';
      child.stdout!.on('data', (d) => (out += d));
      child.stderr!.on('data', (d) => (out += d));
      const code = await new Promise<number | null>((r) => child.once('exit', r));
      expect(code).toBe(1);
      expect(out).toContain(
        'Lakebase credential request failed: Failed to retrieve token: invalid_client Client authentication failed'
      );
      expect(out).toMatch(/password authentication failed for user "linesync_token_login"/);
      expect(out).not.toMatch(/Unhandled|triggerUncaughtException|Node\.js v\d/);
      expect(seen.filter((r) => r.path === '/oidc/v1/token')).toHaveLength(1);
      expect(seen.some((r) => r.path.startsWith('/api/2.0/'))).toBe(false);
    } finally {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    }
  });

  it('stops with a clear reason when the database certificate is not trusted (no CA given)', async () => {
    const database = `linesync_startup_${randomBytes(4).toString('hex')}`;
    await admin.unsafe(`CREATE DATABASE ${database} OWNER ${ROLE}`);
    try {
      const port = await freePort();
      const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          HOME: home,
          PGHOST: 'localhost',
          PGPORT: new URL(adminUrl()).port || '5432',
          PGUSER: ROLE,
          PGDATABASE: database,
          PGSSLMODE: 'require', // what the Apps resource injects; LineSync verifies regardless
          LAKEBASE_ENDPOINT: ENDPOINT,
          DATABRICKS_APP_PORT: String(port),
          DATABRICKS_HOST: workspaceUrl,
          DATABRICKS_CLIENT_ID: CLIENT_ID,
          DATABRICKS_CLIENT_SECRET: CLIENT_SECRET,
          AUTH_MODE: 'databricks'
        },
        stdio: ['ignore', 'pipe', 'pipe']
      });
      let out = '';
      child.stdout!.on('data', (d) => (out += d));
      child.stderr!.on('data', (d) => (out += d));
      const code = await new Promise<number | null>((r) => child.once('exit', r));
      expect(code).toBe(1);
      expect(out).toContain(
        `The database server's TLS certificate was not accepted (Lakebase ${ROLE}@localhost:${new URL(adminUrl()).port}/${database}`
      );
      expect(out).toContain('self-signed certificate [DEPTH_ZERO_SELF_SIGNED_CERT]');
      expect(out).toContain('set LAKEBASE_CA_FILE (or PGSSLROOTCERT)');
      expect(out).not.toMatch(/Unhandled|triggerUncaughtException/);
    } finally {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    }
  });
});
