// Where an inventory page's time goes (issue 18), view by view, on the read bench's 100,000 items: the HTTP answer
// beside readInventory called directly, and the CPU each costs, the Node process's and the PostgreSQL backends', which
// a busy machine moves far less than wall time. Not a section of `npm run bench`: run it when a view is slow.
//
//   node --import tsx bench/inventory-probe.ts                 a fresh database, dropped after
//   KEEP=1 …  /  DB_URL=postgres://…/linesync_bench_x …        keep it for EXPLAIN, or probe a kept one again
//   REPS=60 VIEWS='sort=on_hand,q=part%201' …                  more runs, other views
import { connect } from '../server/db/connect';
import { encodeCursor, inventoryQuery, readInventory } from '../server/features/inventory/inventory';
import { backendsCpuMs, freshDatabase, loadSupervisedStock, percentile, startApi, type BenchContext } from './harness';

const ctx: BenchContext = {
  quick: false,
  adminUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  log: (m) => console.error(m)
};
const items = Number(process.env.ITEMS ?? 100_000);
const reps = Number(process.env.REPS ?? 30);
const kept = process.env.DB_URL;

const db = kept ? { ...(await connect({ kind: 'url', url: kept }, { max: 10 })), url: kept } : await freshDatabase(ctx);
if (!kept) {
  // The data of bench/read.bench.ts's inventory views.
  await loadSupervisedStock(db, items);
  await db.sql`VACUUM ANALYZE`;
}
const half = Math.floor(items / 2);
const deep = encodeCursor({
  s: 'item_id',
  o: 'asc',
  k: [`S-${String(half - 1).padStart(6, '0')}`, `LOC-${(half - 1) % 2}`]
});
const views = process.env.VIEWS
  ? process.env.VIEWS.split(',')
  : [
      '',
      'q=part%2012345',
      'q=part%201',
      'q=part%201&sort=last_activity_at',
      'q=part%201&sort=status&order=desc',
      'q=loc-1&sort=on_hand',
      'status=low&sort=on_hand',
      'status=ok&sort=on_hand',
      'sort=last_activity_at&order=desc',
      'sort=status',
      'sort=location_id&order=desc',
      'sort=on_hand&order=desc',
      'location_id=LOC-1&status=negative',
      `cursor=${deep}`
    ];

const api = await startApi(db);
const time = async (f: () => Promise<unknown>) => {
  const t = performance.now();
  await f();
  return performance.now() - t;
};
const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
const f1 = (n: number) => n.toFixed(1).padStart(6);
console.log(`view${' '.repeat(37)}HTTP p50    p95 | direct p50   p95 | CPU a request: HTTP node   pg | direct node`);
for (const v of views) {
  const qs = new URLSearchParams(`limit=50${v ? '&' + v : ''}`);
  const q = inventoryQuery.parse(Object.fromEntries(qs));
  const url = `${api.url}/api/inventory?${qs}`;
  for (let i = 0; i < 3; i++) await fetch(url).then((r) => r.text()); // warm: plans and caches
  const http: number[] = [];
  const direct: number[] = [];
  const pg0 = await backendsCpuMs(ctx, db.url);
  const node0 = process.cpuUsage();
  for (let i = 0; i < reps; i++) http.push(await time(() => fetch(url).then((r) => r.text())));
  const httpNode = cpuMs(process.cpuUsage(node0)) / reps;
  const pg1 = await backendsCpuMs(ctx, db.url);
  const direct0 = process.cpuUsage();
  for (let i = 0; i < reps; i++) direct.push(await time(() => readInventory(db.sql, q)));
  const directNode = cpuMs(process.cpuUsage(direct0)) / reps;
  http.sort((a, b) => a - b);
  direct.sort((a, b) => a - b);
  const pg = pg0 === null || pg1 === null ? NaN : (pg1 - pg0) / reps;
  console.log(
    `${v.slice(0, 40).padEnd(40)} ${f1(percentile(http, 50))} ${f1(percentile(http, 95))} | ` +
      `${f1(percentile(direct, 50))} ${f1(percentile(direct, 95))} | ${' '.repeat(14)}${f1(httpNode)} ${f1(pg)} | ${f1(directNode)}`
  );
}
await api.stop();
if (process.env.KEEP) console.log(`kept ${db.url}`);
if (kept) await db.sql.end();
else if (!process.env.KEEP) await db.close();
process.exit(0);
