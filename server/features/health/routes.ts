// Liveness for load balancers and people: is the database there, and is its schema the one this build expects.
import { Hono } from 'hono';
import type { Env } from '../../http/auth';
import type { Deps } from '../../deps';
import { appliedMigrations, readMigrations } from '../../db/migrate';

export function healthRoutes({ sql, dbKind }: Deps) {
  const expected = readMigrations().map((m) => m.name);
  return new Hono<Env>().get('/', async (c) => {
    try {
      const applied = (await appliedMigrations(sql)).map((m) => m.name);
      const pending = expected.filter((n) => !applied.includes(n));
      return c.json(
        {
          status: pending.length ? 'migrations_pending' : 'ok',
          database: { reachable: true, kind: dbKind },
          migrations: { applied, pending }
        },
        pending.length ? 503 : 200
      );
    } catch (e) {
      return c.json(
        { status: 'database_unreachable', database: { reachable: false, kind: dbKind, error: (e as Error).message } },
        503
      );
    }
  });
}
