// One way in to the database, whichever it is: embedded, DATABASE_URL, plain PG* variables or Lakebase.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import postgres from 'postgres';
import { ConfigError, type DbTarget } from '../config';
import { startEmbedded } from './embedded';
import { createTokenCache, lakebaseTokenFetcher, type FetchToken } from './lakebase';

export type Sql = postgres.Sql;
/** What a query needs: the pool or a transaction. (`{}`: postgres.js's own "no custom types" parameter.) */
/* eslint-disable @typescript-eslint/no-empty-object-type */
export type Queryable = postgres.ISql<{}>;
export type TransactionSql = postgres.TransactionSql<{}>;
/* eslint-enable @typescript-eslint/no-empty-object-type */

export interface Database {
  sql: Sql;
  kind: DbTarget['kind'];
  /** Where it is, without secrets: for logs and `db status`. */
  describe: string;
  close(): Promise<void>;
}

// int8 (counts, sums) as numbers: every value we keep stays far below 2^53.
const types = {
  int8: { to: 20, from: [20], serialize: (v: number) => String(v), parse: (v: string) => Number(v) }
};

const common = {
  types,
  onnotice: () => {},
  connection: { application_name: 'linesync' },
  idle_timeout: 60,
  connect_timeout: 15
};

/** TLS that checks the server: its chain against the system CA store (or the given CA file), and its name. */
function verifiedTls(host: string, caFile?: string): ConnectionOptions {
  let ca: string | undefined;
  if (caFile) {
    try {
      ca = readFileSync(caFile, 'utf8');
    } catch (e) {
      throw new ConfigError(
        `Cannot read the CA file ${caFile} (LAKEBASE_CA_FILE or PGSSLROOTCERT): ${(e as Error).message}`
      );
    }
  }
  // host too: Node checks the certificate against servername, else host (an IP address needs an IP SAN).
  return { rejectUnauthorized: true, host, servername: isIP(host) ? undefined : host, ...(ca ? { ca } : {}) };
}

// Node's codes for a certificate the client does not accept.
const TLS_VERIFY_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID'
]);

/** A failed certificate check, said plainly with what to do; any other error unchanged. */
export function explainTlsError(e: unknown, describe: string): unknown {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !TLS_VERIFY_CODES.has(code)) return e;
  return new Error(
    `The database server's TLS certificate was not accepted (${describe}): ${(e as Error).message} [${code}]. ` +
      'LineSync verifies the certificate chain against the system CA store and the host name against PGHOST. ' +
      'Connect by the host name the certificate names, or set LAKEBASE_CA_FILE (or PGSSLROOTCERT) to the PEM file ' +
      'of the CA that signed it.',
    { cause: e }
  );
}

// Tokens last an hour and are only checked at login: recycle connections well before, with postgres.js' own jitter.
const TOKEN_CONNECTION_LIFETIME_S = 45 * 60;

export async function connect(
  target: DbTarget,
  opts: { max?: number; fetchToken?: FetchToken } = {}
): Promise<Database> {
  const max = opts.max ?? 10;
  switch (target.kind) {
    case 'embedded': {
      const server = await startEmbedded(target.dataDir);
      const sql = postgres({
        ...common,
        host: server.host,
        port: server.port,
        user: 'postgres',
        database: 'postgres',
        max: 1
      });
      return {
        sql,
        kind: 'embedded',
        describe: `embedded PostgreSQL (PGlite) in ${target.dataDir}`,
        async close() {
          await sql.end({ timeout: 5 });
          await server.stop();
        }
      };
    }
    case 'url': {
      const sql = postgres(target.url, { ...common, max });
      const u = new URL(target.url);
      return {
        sql,
        kind: 'url',
        describe: `${u.hostname}:${u.port || 5432}${u.pathname}`,
        close: () => sql.end({ timeout: 5 })
      };
    }
    case 'pgenv': {
      const { host, port, user, database, password, ssl, verify, caFile } = target;
      const tls = verify ? verifiedTls(host, caFile) : ssl ? 'require' : false;
      const sql = postgres({ ...common, host, port, user, database, password, ssl: tls, max });
      return {
        sql,
        kind: 'pgenv',
        describe: `${user}@${host}:${port}/${database}`,
        close: () => sql.end({ timeout: 5 })
      };
    }
    case 'lakebase': {
      const { host, port, user, database } = target;
      const tls = verifiedTls(host, target.caFile); // before any token is asked for: a bad CA file stops here
      const token = createTokenCache(opts.fetchToken ?? lakebaseTokenFetcher(target.credential));
      // postgres.js awaits the password in an unguarded async handler: a failed token request there would end the
      // whole process as an unhandled rejection. Say why and send no password; that login is refused like any
      // other, and the next connection asks the workspace again.
      const password = () =>
        token().catch((e: Error) => (console.error(`Lakebase credential request failed: ${e.message}`), ''));
      const sql = postgres({
        ...common,
        host,
        port,
        user,
        database,
        password, // called for every new connection; the cache answers most of them
        ssl: tls, // always verified, whatever PGSSLMODE says (postgres.js does not read it)
        max,
        max_lifetime: TOKEN_CONNECTION_LIFETIME_S
      });
      const via = target.credential.kind === 'autoscaling' ? target.credential.endpoint : target.credential.instance;
      return {
        sql,
        kind: 'lakebase',
        describe: `Lakebase ${user}@${host}:${port}/${database} (${target.credential.kind}: ${via})`,
        close: () => sql.end({ timeout: 5 })
      };
    }
  }
}
