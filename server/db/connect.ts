// One way in to the database, whichever it is: embedded, DATABASE_URL, plain PG* variables or Lakebase.
import postgres from 'postgres';
import type { DbTarget } from '../config';
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
      const { host, port, user, database, password, ssl } = target;
      const sql = postgres({ ...common, host, port, user, database, password, ssl: ssl ? 'require' : false, max });
      return {
        sql,
        kind: 'pgenv',
        describe: `${user}@${host}:${port}/${database}`,
        close: () => sql.end({ timeout: 5 })
      };
    }
    case 'lakebase': {
      const { host, port, user, database } = target;
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
        ssl: 'require', // postgres.js does not read PGSSLMODE
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
