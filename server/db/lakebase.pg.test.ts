// Lakebase credentials: the cache, the two documented credential endpoints through the SDK (answered here by a local
// HTTP server in their documented shapes), and a TLS connection to a real PostgreSQL with the token as password.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WorkspaceClient } from '@databricks/sdk-experimental';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, type DbTarget } from '../config';
import { connect, explainTlsError } from './connect';
import { createTokenCache, lakebaseTokenFetcher } from './lakebase';
import { tlsAdminUrl as adminUrl, tlsCaFile } from '../testing/testdb';

interface Seen {
  path: string;
  auth: string | undefined;
  body: Record<string, unknown>;
}
let server: Server;
let host: string;
const seen: Seen[] = [];
let issued = 0;

async function readBody(req: IncomingMessage) {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  return raw ? JSON.parse(raw) : {};
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const body = await readBody(req);
    seen.push({ path: req.url ?? '', auth: req.headers.authorization, body });
    const expires = new Date(Date.now() + 3600_000).toISOString();
    res.setHeader('content-type', 'application/json');
    if (req.method === 'POST' && req.url === '/api/2.0/postgres/credentials')
      return res.end(JSON.stringify({ token: `autoscaling-token-${++issued}`, expire_time: expires }));
    if (req.method === 'POST' && req.url === '/api/2.0/database/credentials')
      return res.end(JSON.stringify({ token: `provisioned-token-${++issued}`, expiration_time: expires }));
    res.statusCode = 404;
    res.end(
      JSON.stringify({ error_code: 'ENDPOINT_NOT_FOUND', message: `No API found for '${req.method} ${req.url}'` })
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const client = () => new WorkspaceClient({ host, token: 'dapi-test-token', authType: 'pat' });

describe('token cache', () => {
  it('reuses a token until shortly before it expires, then fetches a new one', async () => {
    let now = 0;
    let calls = 0;
    const password = createTokenCache(async () => ({ token: `t${++calls}`, expiresAt: now + 3600_000 }), {
      refreshAheadMs: 300_000,
      now: () => now
    });
    expect(await password()).toBe('t1');
    now = 3000_000;
    expect(await password()).toBe('t1');
    now = 3300_001; // inside the refresh window
    expect(await password()).toBe('t2');
    expect(calls).toBe(2);
  });

  it('shares one refresh among concurrent callers, and retries after a failure', async () => {
    let calls = 0;
    let fail = true;
    const password = createTokenCache(async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 20));
      if (fail) throw new Error('workspace unreachable');
      return { token: 'ok', expiresAt: Date.now() + 3600_000 };
    });
    const failed = await Promise.allSettled(Array.from({ length: 5 }, () => password()));
    expect(failed.every((r) => r.status === 'rejected')).toBe(true);
    expect(calls).toBe(1);
    fail = false;
    expect(await Promise.all(Array.from({ length: 5 }, () => password()))).toEqual(Array(5).fill('ok'));
    expect(calls).toBe(2);
  });
});

describe('credential endpoints through the SDK', () => {
  it('asks Autoscaling for a credential for the configured endpoint', async () => {
    const endpoint = 'projects/linesync/branches/main/endpoints/primary';
    const t = await lakebaseTokenFetcher({ kind: 'autoscaling', endpoint }, client())();
    expect(t.token).toMatch(/^autoscaling-token-/);
    expect(t.expiresAt).toBeGreaterThan(Date.now() + 3000_000);
    const req = seen.at(-1)!;
    expect(req).toMatchObject({
      path: '/api/2.0/postgres/credentials',
      auth: 'Bearer dapi-test-token',
      body: { endpoint }
    });
  });

  it('asks Provisioned for a credential scoped to the instance', async () => {
    const t = await lakebaseTokenFetcher({ kind: 'provisioned', instance: 'linesync-db' }, client())();
    expect(t.token).toMatch(/^provisioned-token-/);
    expect(seen.at(-1)).toMatchObject({
      path: '/api/2.0/database/credentials',
      body: { instance_names: ['linesync-db'] }
    });
    expect(seen.at(-1)!.body.request_id).toEqual(expect.any(String));
  });
});

describe('connecting as Lakebase does', () => {
  // scripts/setup-tests.sh's TLS cluster makes this role log in only with a password and only over TLS, as Lakebase does.
  const role = 'linesync_token_login';
  const endpoint = 'projects/p/branches/b/endpoints/e';
  let tokenPassword = '';

  async function asLakebase(fetchCount: { n: number }) {
    const url = new URL(adminUrl());
    return connect(
      {
        kind: 'lakebase',
        host: 'localhost', // the name in the cluster's certificate, which is given as the CA to trust
        caFile: tlsCaFile(),
        port: Number(url.port || 5432),
        user: role,
        database: url.pathname.slice(1) || 'postgres',
        credential: { kind: 'autoscaling', endpoint }
      },
      {
        max: 3,
        fetchToken: async () => {
          fetchCount.n++;
          const t = await lakebaseTokenFetcher({ kind: 'autoscaling', endpoint }, client())();
          tokenPassword = t.token;
          return t;
        }
      }
    );
  }

  it('logs in over TLS with the issued token as password, fetched once for several connections', async () => {
    const admin = postgres(adminUrl(), { max: 1, onnotice: () => {} });
    // server/startup.pg.test.ts sets this role's password too; the two files may run at once.
    await admin`SELECT pg_advisory_lock(hashtext(${role}))`;
    try {
      await admin.unsafe(`DO $$ BEGIN CREATE ROLE ${role} LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$`);
      // The role's password is whatever the credential endpoint will issue next, as Lakebase validates its tokens.
      await admin.unsafe(`ALTER ROLE ${role} PASSWORD '${'autoscaling-token-' + (issued + 1)}'`);
      const fetched = { n: 0 };
      const db = await asLakebase(fetched);
      try {
        const rows = await Promise.all(
          Array.from(
            { length: 3 },
            () => db.sql`SELECT ssl, current_user AS who, pg_sleep(0.05) FROM pg_stat_ssl WHERE pid = pg_backend_pid()`
          )
        );
        expect(rows.map((r) => [r[0].ssl, r[0].who])).toEqual(Array(3).fill([true, role]));
        expect(fetched.n).toBe(1);
        expect(tokenPassword).toBe(`autoscaling-token-${issued}`);
        expect(seen.at(-1)).toMatchObject({ path: '/api/2.0/postgres/credentials', body: { endpoint } });
        expect(db.sql.options.max_lifetime).toBeLessThan(3600);
        expect(db.describe).toMatch(/Lakebase .*autoscaling: projects\/p\/branches\/b\/endpoints\/e/);
      } finally {
        await db.close();
      }
      // A token the database does not accept fails the login: the password really is the token.
      await admin.unsafe(`ALTER ROLE ${role} PASSWORD 'something-else'`);
      const rejected = await asLakebase({ n: 0 });
      await expect(rejected.sql`SELECT 1`).rejects.toThrow(/password authentication failed/);
      await rejected.close();
    } finally {
      await admin`SELECT pg_advisory_unlock(hashtext(${role}))`;
      await admin.end();
    }
  });
});

describe('TLS to Lakebase is verified', () => {
  // The TLS cluster's certificate is self-signed for CN=localhost, so only a client told to trust it accepts it.
  // The postgres role is trusted there: these logins need no token, and the password sent is ignored.
  const url = new URL(adminUrl());
  const target = (over: Partial<Extract<DbTarget, { kind: 'lakebase' }>>): DbTarget => ({
    kind: 'lakebase',
    host: 'localhost',
    port: Number(url.port || 5432),
    user: 'postgres',
    database: 'postgres',
    credential: { kind: 'autoscaling', endpoint: 'projects/p/branches/b/endpoints/e' },
    ...over
  });
  const anyToken = async () => ({ token: 'unused', expiresAt: Date.now() + 3600_000 });

  async function failure(t: DbTarget): Promise<Error & { code?: string }> {
    const db = await connect(t, { max: 1, fetchToken: anyToken });
    try {
      return await db.sql`SELECT 1`.then(
        () => {
          throw new Error('connected although the certificate should have been refused');
        },
        (e: Error) => e
      );
    } finally {
      await db.close();
    }
  }

  it('refuses a server whose certificate the client does not trust, and says what to do', async () => {
    const e = await failure(target({}));
    expect(e.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    const explained = explainTlsError(e, 'Lakebase postgres@localhost') as Error;
    expect(explained.message).toMatch(
      /^The database server's TLS certificate was not accepted \(Lakebase postgres@localhost\): self-signed certificate/
    );
    expect(explained.message).toMatch(/LAKEBASE_CA_FILE \(or PGSSLROOTCERT\)/);
    expect(explained.cause).toBe(e);
    const other = new Error('password authentication failed');
    expect(explainTlsError(other, 'x')).toBe(other);
  });

  it('refuses a trusted certificate issued for another name than the host connected to', async () => {
    const e = await failure(target({ host: '127.0.0.1', caFile: tlsCaFile() }));
    expect(e.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('connects with verification when the certificate is given as the CA', async () => {
    const db = await connect(target({ caFile: tlsCaFile() }), { max: 1, fetchToken: anyToken });
    try {
      const [row] = await db.sql<{ ssl: boolean }[]>`SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()`;
      expect(row.ssl).toBe(true);
      expect(db.sql.options.ssl).toMatchObject({ rejectUnauthorized: true, servername: 'localhost' });
    } finally {
      await db.close();
    }
  });

  it('stops with a configuration error when the CA file cannot be read', async () => {
    await expect(connect(target({ caFile: '/nonexistent/ca.pem' }), { fetchToken: anyToken })).rejects.toThrow(
      ConfigError
    );
    await expect(connect(target({ caFile: '/nonexistent/ca.pem' }), { fetchToken: anyToken })).rejects.toThrow(
      /Cannot read the CA file \/nonexistent\/ca.pem \(LAKEBASE_CA_FILE or PGSSLROOTCERT\)/
    );
  });

  it('verifies plain PG* connections too when PGSSLMODE asks for it', async () => {
    const pg = { kind: 'pgenv', host: 'localhost', port: Number(url.port || 5432), user: 'postgres' } as const;
    const refused = await connect({ ...pg, database: 'postgres', ssl: true, verify: true }, { max: 1 });
    await expect(refused.sql`SELECT 1`).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    await refused.close();
    const ok = await connect({ ...pg, database: 'postgres', ssl: true, verify: true, caFile: tlsCaFile() }, { max: 1 });
    expect((await ok.sql`SELECT 1 AS one`)[0].one).toBe(1);
    await ok.close();
  });
});
