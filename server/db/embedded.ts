// The embedded default: PostgreSQL in-process (PGlite), reached through pglite-socket so every query still goes
// through postgres.js, exactly as against a real server.
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedServer {
  host: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts PGlite on `dataDir` ('memory://' for a throw-away database) and serves it on a free loopback port. */
export async function startEmbedded(dataDir: string): Promise<EmbeddedServer> {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  // pg_trgm: the trigram indexes of migration 0009 (the inventory and item searches).
  const db = await PGlite.create(dataDir, { extensions: { pg_trgm } });
  // PGlite is one session. The socket server runs one client's transaction to its end before it lets another in,
  // and the app also keeps a single postgres.js connection to it, so requests can never interleave inside one.
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 4 });
  await server.start();
  const [host, port] = server.getServerConn().split(':');
  return {
    host,
    port: Number(port),
    async stop() {
      await server.stop();
      await db.close();
    }
  };
}
