// The embedded default: PostgreSQL in-process (PGlite), reached through pglite-socket so every query still goes
// through postgres.js, exactly as against a real server.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { NodeFS } from '@electric-sql/pglite/nodefs';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { lockDataDir } from './datadir-lock';

interface EmbeddedServer {
  host: string;
  port: number;
  stop(): Promise<void>;
}

// Durability. PGlite starts PostgreSQL with -F (fsync = off), and Emscripten's NODEFS has no fsync: a commit is
// acknowledged with its WAL only in the page cache, and a power cut loses it (or tears the data directory). So:
// PostgreSQL runs with fsync on and wal_sync_method = fsync (Emscripten's fdatasync is a no-op; its fsync calls the
// file system's stream_ops.fsync), and NODEFS gets a real one. PostgreSQL then flushes what a commit needs — the
// WAL up to the commit record, pg_wal itself after a new segment — before it answers COMMIT, so before the push's
// 200; data files at checkpoints; the whole directory on the start after a crash.
const START_PARAMS = [
  ...PGlite.defaultStartParams.filter((p) => p !== '-F'),
  ...['-c', 'fsync=on', '-c', 'wal_sync_method=fsync', '-c', 'synchronous_commit=on', '-c', 'full_page_writes=on']
];

interface EmscriptenStream {
  nfd?: number;
}
interface EmscriptenFs {
  filesystems: { NODEFS: { stream_ops: { fsync?: (s: EmscriptenStream) => number } } };
  ErrnoError: new (errno: number) => Error;
}
const EMSCRIPTEN_EIO = 29;

class DurableNodeFS extends NodeFS {
  override async init(pg: PGlite, opts: Parameters<NodeFS['init']>[1]) {
    const r = await super.init(pg, opts);
    // PGlite's own type of the module differs between its builds' declarations: only FS is read here.
    const preRun = [r.emscriptenOpts.preRun ?? []].flat() as unknown as ((mod: { FS: EmscriptenFs }) => void)[];
    preRun.push((mod: { FS: EmscriptenFs }) => {
      mod.FS.filesystems.NODEFS.stream_ops.fsync = (stream) => {
        if (stream.nfd === undefined) return 0;
        try {
          fsyncSync(stream.nfd);
        } catch {
          // PostgreSQL PANICs on a failed fsync (data_sync_retry = off): no commit is acknowledged after it.
          throw new mod.FS.ErrnoError(EMSCRIPTEN_EIO);
        }
        return 0;
      };
    });
    r.emscriptenOpts.preRun = preRun as unknown as typeof r.emscriptenOpts.preRun;
    return r;
  }
}

/** Every file and directory under `dir`, flushed: a data directory just made by initdb, which runs without. */
function fsyncTree(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) fsyncTree(path);
    else if (entry.isFile()) fsyncPath(path);
  }
  fsyncPath(dir);
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Starts PGlite on `dataDir` ('memory://' for a throw-away database) and serves it on a free loopback port.
 *  `durable: false` is PGlite's own fsync-less default: only for the benchmark that measures what durability costs. */
export async function startEmbedded(dataDir: string, { durable = true } = {}): Promise<EmbeddedServer> {
  // pg_trgm: the trigram indexes of migration 0009 (the inventory and item searches).
  const extensions = { pg_trgm };
  let db: PGlite;
  let release = () => {};
  if (dataDir.startsWith('memory://')) {
    db = await PGlite.create(dataDir, { extensions });
  } else {
    mkdirSync(dataDir, { recursive: true });
    release = lockDataDir(dataDir); // before PGlite touches a file in it
    try {
      const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
      db = durable
        ? await PGlite.create({ fs: new DurableNodeFS(dataDir), extensions, startParams: START_PARAMS })
        : await PGlite.create(dataDir, { extensions });
      if (fresh && durable) fsyncTree(dataDir);
    } catch (e) {
      release();
      throw e;
    }
  }
  // PGlite is one session. The socket server runs one client's transaction to its end before it lets another in,
  // and the app also keeps a single postgres.js connection to it, so requests can never interleave inside one.
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 4 });
  await server.start();
  const [host, port] = server.getServerConn().split(':');
  return {
    host,
    port: Number(port),
    async stop() {
      try {
        await server.stop();
        await db.close();
      } finally {
        release();
      }
    }
  };
}
