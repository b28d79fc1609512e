// Ingest: events pushed through the HTTP API end to end (parse, validate, insert, projection, signals) against the
// same events inserted straight into scan_events by postgres.js, both in 500-event batches from 4 concurrent clients.
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  backendsCpuMs,
  freshDatabase,
  processCpuMs,
  round,
  spawnServer,
  type BenchContext,
  type BenchSection
} from './harness';

const CLIENTS = 4;
const BATCH = 500;
const ITEMS = 1000;

function makeEvents(device: number, count: number, start: number) {
  return Array.from({ length: count }, (_, i) => {
    const n = start + i;
    return {
      event_id: randomUUID(),
      device_seq: n + 1,
      event_type: n % 3 === 0 ? 'INTAKE' : 'CONSUME',
      item_id: `B-${(n * 7 + device * 13) % ITEMS}`,
      qty: 1 + (n % 5),
      location_id: `LOC-${device % 2}`,
      station_id: `ST-${device}`,
      barcode_raw: `ITEM=B-${(n * 7 + device * 13) % ITEMS};QTY=${1 + (n % 5)}`,
      lot: null,
      source: 'wedge',
      captured_at: new Date(Date.now() - 3600_000 + n).toISOString(),
      operator: null,
      packing_slip_id: null,
      voids_event_id: null
    };
  });
}

async function prepare(sql: import('../server/db/connect').Sql) {
  await sql`INSERT INTO locations (location_id, name) VALUES ('LOC-0', 'Loc 0'), ('LOC-1', 'Loc 1')`;
  await sql`INSERT INTO items (item_id, description, reorder_point, reorder_qty)
            SELECT 'B-' || g, 'Bench part ' || g, 20, 100 FROM generate_series(0, ${ITEMS - 1}) g`;
}

export default async function ingest(ctx: BenchContext): Promise<BenchSection> {
  const total = ctx.quick ? 20_000 : 200_000;
  const perClient = total / CLIENTS;
  const batches = Array.from({ length: CLIENTS }, (_, d) => {
    const events = makeEvents(d, perClient, 0);
    return Array.from({ length: Math.ceil(perClient / BATCH) }, (_, b) => events.slice(b * BATCH, (b + 1) * BATCH));
  });

  // Bare insert: the floor of what PostgreSQL can take from postgres.js on this machine.
  const bare = await freshDatabase(ctx, CLIENTS + 1);
  await prepare(bare.sql);
  ctx.log(`bare insert of ${total} events`);
  let t = performance.now();
  const clientCpu = process.cpuUsage();
  await Promise.all(
    batches.map(async (list, d) => {
      for (const batch of list) {
        const rows = batch.map((e) => ({ ...e, device_id: `bench-${d}` }));
        await bare.sql`INSERT INTO scan_events ${bare.sql(rows)}`;
      }
    })
  );
  const bareSeconds = (performance.now() - t) / 1000;
  // CPU both sides spent: the client's (building and sending the insert, which is the API server's job in the other
  // run) and the database's. Wall time on a shared machine moves with the neighbours; CPU time barely does.
  const { user, system } = process.cpuUsage(clientCpu);
  const bareBackends = await backendsCpuMs(ctx, bare.url);
  const bareCpu = bareBackends === null ? null : (user + system) / 1000 + bareBackends;
  await bare.close();

  // The API: the real server in its own process over HTTP on loopback, on a fresh database of its own. The request
  // bodies are serialised beforehand: building them is the tablets' work, not the server's.
  const db = await freshDatabase(ctx, 2);
  await prepare(db.sql);
  // INGEST_CPU_PROFILE=dir: the server writes a V8 CPU profile of the run there when it stops (where its CPU goes).
  // Through a script that runs node with the flag: NODE_OPTIONS may not carry --cpu-prof.
  const profile = process.env.INGEST_CPU_PROFILE;
  let node: string | undefined;
  if (profile) {
    mkdirSync(profile, { recursive: true });
    node = join(profile, 'node-cpu-prof.sh');
    writeFileSync(node, `#!/bin/sh\nexec ${process.execPath} --cpu-prof --cpu-prof-dir=${profile} "$@"\n`, {
      mode: 0o755
    });
  }
  const api = await spawnServer(db.url, {}, node);
  const bodies = batches.map((list, d) => list.map((events) => JSON.stringify({ device_id: `bench-${d}`, events })));
  ctx.log(`API ingest of ${total} events`);
  let applied = 0;
  let apiSeconds: number;
  let apiCpu: number | null = null;
  let serverCpu: number | null = null; // of apiCpu, the API server's own share (the rest is the database's)
  try {
    const serverCpu0 = processCpuMs(api.pid);
    const backends0 = await backendsCpuMs(ctx, db.url);
    t = performance.now();
    await Promise.all(
      bodies.map(async (list) => {
        for (const body of list) {
          const res = await fetch(`${api.url}/api/sync/events`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body
          });
          if (!res.ok) throw new Error(`push failed: ${res.status} ${await res.text()}`);
          const answer = (await res.json()) as { results: { status: string }[] };
          applied += answer.results.filter((r) => r.status === 'applied').length;
        }
      })
    );
    apiSeconds = (performance.now() - t) / 1000;
    const serverCpu1 = processCpuMs(api.pid);
    const backends1 = await backendsCpuMs(ctx, db.url);
    if (serverCpu0 !== null && serverCpu1 !== null && backends0 !== null && backends1 !== null) {
      serverCpu = serverCpu1 - serverCpu0;
      apiCpu = serverCpu + (backends1 - backends0);
    }
  } finally {
    await api.stop();
  }
  const [{ drift }] = await db.sql<{ drift: number }[]>`
    SELECT count(*) AS drift FROM stock_levels s FULL JOIN inventory_current v USING (item_id, location_id)
    WHERE s.on_hand IS DISTINCT FROM v.on_hand`;
  // How many of the projection's row updates were HOT (no index entries written): the server's backends have exited,
  // so their counts are in.
  const [hot] = await db.sql<{ upd: string; hot: string }[]>`
    SELECT n_tup_upd AS upd, n_tup_hot_upd AS hot FROM pg_stat_user_tables WHERE relname = 'stock_levels'`;
  const hotShare = Number(hot.upd) ? round(Number(hot.hot) / Number(hot.upd), 3) : null;
  ctx.log(`stock_levels updates: ${hot.upd}, HOT ${hot.hot}`);
  await db.close();
  if (applied !== total || drift !== 0)
    throw new Error(`ingest benchmark is wrong: ${applied}/${total} applied, ${drift} rows drift`);

  const apiRate = total / apiSeconds;
  const bareRate = total / bareSeconds;
  const ratio = apiRate / bareRate;
  const perThousand = (ms: number | null) => (ms === null ? null : round((ms / total) * 1000, 1));
  const cpuRatio = apiCpu !== null && bareCpu !== null ? round(bareCpu / apiCpu, 2) : null;
  return {
    key: 'ingest',
    results: {
      events: total,
      clients: CLIENTS,
      batch: BATCH,
      api_events_per_s: Math.round(apiRate),
      bare_insert_events_per_s: Math.round(bareRate),
      ratio: round(ratio, 3),
      api_cpu_ms_per_1000_events: perThousand(apiCpu),
      api_server_cpu_ms_per_1000_events: perThousand(serverCpu),
      api_database_cpu_ms_per_1000_events: perThousand(apiCpu === null ? null : apiCpu - serverCpu!),
      bare_cpu_ms_per_1000_events: perThousand(bareCpu),
      cpu_ratio: cpuRatio,
      stock_levels_hot_update_share: hotShare
    },
    rows: [
      [
        `API push, ${total} events (${CLIENTS} clients × ${BATCH})`,
        `${Math.round(apiRate)} ev/s`,
        'end to end: HTTP, validate, insert, stock, signals'
      ],
      ['bare INSERT into scan_events (same batches)', `${Math.round(bareRate)} ev/s`, 'anchor'],
      ['ratio API / bare', `${round(ratio, 3)}×`, `target ≥ 0.5× ${ratio >= 0.5 ? '✔' : '✘'}`],
      ...(cpuRatio === null
        ? []
        : ([
            ['CPU per 1,000 events: API (server + database)', `${perThousand(apiCpu)} ms`, 'HTTP client not counted'],
            [
              '  of which the API server, the database',
              `${perThousand(serverCpu)} + ${perThousand(apiCpu! - serverCpu!)} ms`,
              'where to look first'
            ],
            ['CPU per 1,000 events: bare (client + database)', `${perThousand(bareCpu)} ms`, 'anchor'],
            ['cost ratio bare / API (CPU)', `${cpuRatio}×`, 'the same ratio, steady on a busy machine']
          ] as [string, string, string][])),
      [
        'stock_levels updates that were HOT',
        hotShare === null ? 'n/a' : `${round(hotShare * 100, 1)} %`,
        'a non-HOT one writes an entry in every index'
      ]
    ]
  };
}
