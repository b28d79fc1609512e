// What durability costs the embedded default: pushes through the real app on a fresh PGlite data directory, once
// with fsync (the default) and once as PGlite ships (fsync off). `node --import tsx scripts/bench-embedded-fsync.ts`
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { createApp } from '../server/app';
import { loadConfig } from '../server/config';
import { startEmbedded } from '../server/db/embedded';
import { migrate } from '../server/db/migrate';
import { makeEvent } from '../server/testing/testkit';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function run(durable: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'linesync-fsync-bench-'));
  const t0 = performance.now();
  const server = await startEmbedded(join(dir, 'db'), { durable });
  const openMs = performance.now() - t0;
  const sql = postgres({ host: server.host, port: server.port, user: 'postgres', database: 'postgres', max: 1 });
  sql.options.onnotice = () => {};
  try {
    await migrate(sql);
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
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const durable of [false, true]) {
  const r = await run(durable);
  console.log(
    `embedded ${durable ? 'fsync on ' : 'fsync off'}: fresh open ${r.openMs.toFixed(0)} ms; push of 1 event ` +
      `median ${r.one.toFixed(1)} ms (40 pushes); push of 200 events median ${r.big.toFixed(1)} ms (8 pushes)`
  );
}
