// Exactly once under faults, long settings: 20 simulated tablets × 5,000 scans (BENCH_QUICK: 5 × 400) through the
// fault proxy to server/main.ts in its own process on a fresh database, restarted (SIGTERM, then a new process) half
// way. The section fails unless every event landed once, every outbox drained, stock does not drift and signals agree.
// Then the refill: on the embedded database and on PostgreSQL, each copied whole, pushed to, put back to the copy and
// restarted; the section fails unless every tablet sent again exactly what the server lost and the stock is exact.
import 'fake-indexeddb/auto';
import { describeReport, prepareServer, runExactlyOnce } from '../tests/reliability/exactly-once';
import { runRefill, type RefillReport } from '../tests/reliability/refill';
import { embeddedOnDisk, postgresScratch, type RestorableDatabase } from '../tests/reliability/restores';
import { freshDatabase, round, spawnServer, type BenchContext, type BenchSection } from './harness';

export default async function reliability(ctx: BenchContext): Promise<BenchSection> {
  const devices = ctx.quick ? 5 : 20;
  const perDevice = ctx.quick ? 400 : 5_000;
  const db = await freshDatabase(ctx, 2);
  try {
    await prepareServer(db.sql);
    let running: Awaited<ReturnType<typeof spawnServer>> | null = null;
    const report = await runExactlyOnce({
      devices,
      eventsPerDevice: perDevice,
      sql: db.sql,
      seed: 20261121,
      log: ctx.log,
      server: {
        start: async () => (running = await spawnServer(db.url)).url,
        stop: async () => {
          await running?.stop();
          running = null;
        }
      }
    });
    ctx.log(describeReport(report));
    const total = devices * perDevice;
    const exact =
      report.events_made === total &&
      report.server_events === total &&
      report.distinct_server_events === total &&
      report.missing_on_server === 0 &&
      report.unknown_on_server === 0 &&
      report.outbox_pending === 0 &&
      report.outbox_rejected === 0 &&
      report.drift.length === 0 &&
      report.signal_problems.length === 0;
    if (!exact)
      throw new Error(
        `reliability: not exactly once\n${describeReport(report)}\n${JSON.stringify(report.signal_problems.slice(0, 5))}`
      );
    // Then the server loses the later half of what tablets pushed (a restore to a copy): they must refill it.
    const refills: RefillReport[] = [];
    for (const open of [
      () => embeddedOnDisk(),
      () => postgresScratch(ctx.adminUrl, 'linesync_bench_refill')
    ] as (() => Promise<RestorableDatabase>)[]) {
      const target = await open();
      try {
        await prepareServer(target.sql);
        const refill = await runRefill({
          db: target,
          devices: ctx.quick ? 5 : 20,
          scansPerDevice: ctx.quick ? 40 : 200
        });
        ctx.log(`refill on ${target.describe}: ${JSON.stringify(refill)}`);
        if (
          refill.lost_on_server === 0 ||
          refill.refilled !== refill.lost_on_server ||
          refill.server_events !== refill.events_made ||
          refill.outbox_left !== 0 ||
          refill.drift_rows !== 0
        )
          throw new Error(`reliability: the refill after a restore was not exact: ${JSON.stringify(refill)}`);
        refills.push(refill);
      } finally {
        await target.close();
      }
    }
    const [embedded, postgresql] = refills;
    const faulted = Object.entries(report.faults)
      .filter(([k]) => k !== 'clean')
      .reduce((n, [, v]) => n + v, 0);
    return {
      key: 'reliability',
      results: {
        devices,
        events: total,
        server_events: report.server_events,
        outbox_left: report.outbox_pending + report.outbox_rejected,
        drift_rows: report.drift.length,
        signal_rows: report.signal_rows,
        signal_problems: report.signal_problems.length,
        syncs: report.sync_attempts,
        failed_syncs: report.sync_failures,
        faulted_requests: faulted,
        restarts: report.restarts,
        seconds: round(report.seconds),
        ...Object.fromEntries(
          (
            [
              ['embedded', embedded],
              ['postgres', postgresql]
            ] as const
          ).flatMap(([k, r]) => [
            [`refill_${k}_events`, r.events_made],
            [`refill_${k}_lost_on_server`, r.lost_on_server],
            [`refill_${k}_refilled`, r.refilled],
            [`refill_${k}_drift_rows`, r.drift_rows],
            [`refill_${k}_seconds`, round(r.seconds)]
          ])
        )
      },
      rows: [
        [
          `${devices} tablets × ${perDevice} scans through faults`,
          `${report.server_events} stored`,
          `exactly ${total}, once each ✔`
        ],
        ['outboxes left (pending + rejected)', String(report.outbox_pending + report.outbox_rejected), 'target 0 ✔'],
        [
          'stock drift rows / signal problems',
          `${report.drift.length} / ${report.signal_problems.length}`,
          'target 0 / 0 ✔'
        ],
        [
          'requests faulted by the proxy',
          String(faulted),
          Object.entries(report.faults)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')
        ],
        [
          'syncs (failed) / server restarts',
          `${report.sync_attempts} (${report.sync_failures}) / ${report.restarts}`,
          ''
        ],
        ...(
          [
            ['embedded, directory put back', embedded],
            ['PostgreSQL, remade from a copy', postgresql]
          ] as const
        ).map(([how, r]): [string, string, string] => [
          `refill: ${how}`,
          `${r.lost_on_server} lost, ${r.refilled} refilled, drift ${r.drift_rows}`,
          `${r.devices} tablets; refilled = lost, ${r.server_events} of ${r.events_made} held ✔`
        ]),
        ['wall time', `${round(report.seconds)} s`, '']
      ]
    };
  } finally {
    await db.close();
  }
}
