// Unit tests run once; the server suite runs against the embedded database and, when one answers, a real
// PostgreSQL server too (TEST_DATABASE_URL, else 127.0.0.1:5432), each test file in a database of its own.
import { connect as tcp } from 'node:net';
import { defineConfig } from 'vitest/config';

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = tcp({ host, port, timeout: 1000 }, () => (s.end(), resolve(true)));
    s.on('error', () => resolve(false)).on('timeout', () => (s.destroy(), resolve(false)));
  });
}

export default defineConfig(async () => {
  const pg = process.env.TEST_DATABASE_URL
    ? new URL(process.env.TEST_DATABASE_URL)
    : new URL('postgres://postgres@127.0.0.1:5432/postgres');
  const withPostgres = await reachable(pg.hostname, Number(pg.port || 5432));
  if (!withPostgres) console.warn(`No PostgreSQL at ${pg.host}: the server suite runs on the embedded database only.`);
  // *.pg.test.ts need a PostgreSQL server itself (TLS, several connections): they run in the postgres project only.
  const server = (name: string) => ({
    test: {
      name,
      include: [
        'server/**/*.test.ts',
        'bench/**/*.test.ts',
        'src/lib/client/**/*.db.test.ts',
        'tests/reliability/**/*.test.ts'
      ],
      exclude: name === 'postgres' ? [] : ['**/*.pg.test.ts'],
      env: { LINESYNC_TEST_DB: name, TEST_DATABASE_URL: pg.toString() },
      testTimeout: 60_000,
      hookTimeout: 60_000
    }
  });
  return {
    test: {
      projects: [
        {
          test: {
            name: 'unit',
            include: ['src/**/*.test.ts', 'tests/databricks/**/*.test.ts', 'tests/architecture/**/*.test.ts'],
            exclude: ['src/**/*.db.test.ts']
          }
        },
        server('embedded'),
        ...(withPostgres ? [server('postgres')] : [])
      ]
    }
  };
});
