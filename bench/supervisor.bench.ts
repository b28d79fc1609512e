// Supervisor console: commit-to-client latency of the live stream across two server processes (a push through one,
// the event read from the other's GET /api/stream through LISTEN/NOTIFY; one scan, and a batch of 500 parts),
// GET /api/inventory at 100,000 items with the console's queries (first page, search, status filter, sort, a deep
// page), and a 50,000-row item CSV import (all new, then the same file again changing every row).
import { randomUUID } from 'node:crypto';
import { encodeCursor } from '../server/features/inventory/inventory';
import { sseReader } from '../server/testing/sse';
import {
  freshDatabase,
  loadSupervisedStock,
  percentile,
  round,
  spawnServer,
  type BenchContext,
  type BenchSection
} from './harness';

export default async function supervisor(ctx: BenchContext): Promise<BenchSection> {
  const items = ctx.quick ? 10_000 : 100_000;
  const pushes = ctx.quick ? 50 : 200;
  const db = await freshDatabase(ctx);
  ctx.log(`loading ${items} items with stock at 2 locations`);
  await loadSupervisedStock(db, items);
  await db.sql`ANALYZE`;
  const [writer, reader] = [await spawnServer(db.url), await spawnServer(db.url)];

  // Live: each push waits for its own change to arrive on the other instance's stream.
  ctx.log(`timing ${pushes} pushes from one server to the other's stream`);
  const sse = sseReader(await fetch(`${reader.url}/api/stream`));
  await sse.next((m) => m.event === 'hello');
  const liveMs: number[] = [];
  for (let i = 1; i <= pushes; i++) {
    const item = `S-${String(i % items).padStart(6, '0')}`;
    const t = performance.now();
    const res = await fetch(`${writer.url}/api/sync/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        device_id: 'bench-live',
        events: [
          {
            event_id: randomUUID(),
            device_seq: i,
            event_type: 'INTAKE',
            item_id: item,
            qty: 1,
            location_id: 'LOC-0',
            source: 'wedge',
            captured_at: new Date().toISOString()
          }
        ]
      })
    });
    if (!res.ok) throw new Error(`push failed: ${res.status}`);
    await sse.next((m) => m.event === 'change' && m.data.includes(`"${item}"`), 10_000);
    liveMs.push(performance.now() - t);
    await res.arrayBuffer();
  }
  liveMs.sort((a, b) => a - b);

  // Live, a shift of offline scans drained: 500-event batches of 500 distinct parts (more keys than one NOTIFY holds),
  // timed until every row has arrived on the other instance's stream; a reset there is a failure.
  const bigPushes = ctx.quick ? 5 : 20;
  ctx.log(`timing ${bigPushes} pushes of 500 distinct parts to the other's stream`);
  const bigMs: number[] = [];
  for (let b = 0; b < bigPushes; b++) {
    const events = Array.from({ length: 500 }, (_, i) => ({
      event_id: randomUUID(),
      device_seq: b * 500 + i + 1,
      event_type: 'CONSUME',
      item_id: `S-${String((b * 500 + i) * 2 + 1).padStart(6, '0')}`, // odd parts: their stock row is at LOC-1
      qty: 1,
      location_id: 'LOC-1',
      source: 'wedge',
      captured_at: new Date().toISOString()
    }));
    const waiting = new Set(events.map((e) => e.item_id));
    const t = performance.now();
    const res = await fetch(`${writer.url}/api/sync/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ device_id: 'bench-drain', events })
    });
    if (!res.ok) throw new Error(`push failed: ${res.status}`);
    while (waiting.size) {
      const m = await sse.next((x) => x.event === 'change' || x.event === 'reset', 10_000);
      if (m.event === 'reset') throw new Error('a 500-part push reset the stream');
      for (const r of JSON.parse(m.data).stock as { item_id: string }[]) waiting.delete(r.item_id);
    }
    bigMs.push(performance.now() - t);
    await res.arrayBuffer();
  }
  await sse.close();
  bigMs.sort((a, b) => a - b);

  // Inventory: the queries the inventory page sends.
  const pages = [
    '?limit=50',
    '?limit=50&q=part%2012345',
    '?limit=50&status=low&sort=on_hand',
    '?limit=50&sort=last_activity_at&order=desc',
    // A deep page: half way down the item order (a cursor there, as walking the pages would reach it).
    `?limit=50&cursor=${encodeCursor({ s: 'item_id', o: 'asc', k: [`S-${String(Math.floor(items / 2)).padStart(6, '0')}`, `LOC-${Math.floor(items / 2) % 2}`] })}`,
    '?limit=50&location_id=LOC-1&status=negative'
  ];
  const byPage = new Map<string, number[]>(pages.map((p) => [p, []]));
  for (const p of pages) await fetch(`${reader.url}/api/inventory${p}`).then((r) => r.json()); // warm up
  ctx.log('timing GET /api/inventory');
  const allMs: number[] = [];
  for (let i = 0; i < (ctx.quick ? 60 : 300); i++) {
    const p = pages[i % pages.length];
    const t = performance.now();
    const res = await fetch(`${reader.url}/api/inventory${p}`);
    if (!res.ok) throw new Error(`inventory failed: ${res.status} ${await res.text()}`);
    await res.json();
    const ms = performance.now() - t;
    allMs.push(ms);
    byPage.get(p)!.push(ms);
  }
  allMs.sort((a, b) => a - b);
  const worst = [...byPage]
    .map(
      ([p, ms]) =>
        [
          p,
          percentile(
            ms.sort((a, b) => a - b),
            95
          )
        ] as const
    )
    .sort((a, b) => b[1] - a[1])[0];

  // CSV import: 50,000 new items, then every one of them updated.
  const csvRows = ctx.quick ? 10_000 : 50_000;
  const file = (suffix: string) =>
    'item_id;description;unit;reorder_point;reorder_qty;gtin;active\n' +
    Array.from(
      { length: csvRows },
      (_, i) => `IMP-${i};"Imported part ${i}${suffix}";ea;${i % 50};${(i % 50) * 4};;true`
    ).join('\n') +
    '\n';
  const importMs: number[] = [];
  for (const suffix of ['', ' rev B']) {
    const body = file(suffix);
    ctx.log(`importing ${csvRows} rows (${round(body.length / 1e6, 1)} MB)`);
    const t = performance.now();
    const res = await fetch(`${reader.url}/api/items/import`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', 'x-linesync-client': '1' },
      body
    });
    const out = (await res.json()) as { created?: number; updated?: number };
    if (!res.ok || (out.created ?? 0) + (out.updated ?? 0) !== csvRows)
      throw new Error(`import failed: ${res.status} ${JSON.stringify(out).slice(0, 300)}`);
    importMs.push(performance.now() - t);
  }

  await writer.stop();
  await reader.stop();
  await db.close();

  const liveP95 = percentile(liveMs, 95);
  const invP95 = percentile(allMs, 95);
  return {
    key: 'supervisor',
    results: {
      live_pushes: pushes,
      live_p50_ms: round(percentile(liveMs, 50), 1),
      live_p95_ms: round(liveP95, 1),
      live_target_ms: 500,
      live_500_parts_pushes: bigPushes,
      live_500_parts_p50_ms: round(percentile(bigMs, 50), 1),
      live_500_parts_p95_ms: round(percentile(bigMs, 95), 1),
      inventory_items: items,
      inventory_p50_ms: round(percentile(allMs, 50), 1),
      inventory_p95_ms: round(invP95, 1),
      inventory_slowest_query: worst[0],
      inventory_slowest_query_p95_ms: round(worst[1], 1),
      csv_import_rows: csvRows,
      csv_import_create_s: round(importMs[0] / 1000, 2),
      csv_import_update_s: round(importMs[1] / 1000, 2)
    },
    rows: [
      ["live: push on A → event on B's stream, p50", `${round(percentile(liveMs, 50), 1)} ms`, ''],
      [
        "live: push on A → event on B's stream, p95",
        `${round(liveP95, 1)} ms`,
        `target ≤ 500 ms${liveP95 <= 500 ? ' ✓' : ' ✗'}`
      ],
      ['live: 500-part push → all 500 rows on B, p50', `${round(percentile(bigMs, 50), 1)} ms`, ''],
      ['live: 500-part push → all 500 rows on B, p95', `${round(percentile(bigMs, 95), 1)} ms`, 'no reset'],
      [`inventory API, ${items} items, p50`, `${round(percentile(allMs, 50), 1)} ms`, ''],
      [`inventory API, ${items} items, p95`, `${round(invP95, 1)} ms`, 'mixed page/search/filter/sort'],
      [`  slowest: ${worst[0]}`, `${round(worst[1], 1)} ms`, 'p95'],
      [`CSV import, ${csvRows} new items`, `${round(importMs[0] / 1000, 2)} s`, 'target: seconds'],
      [`CSV import, ${csvRows} items all changed`, `${round(importMs[1] / 1000, 2)} s`, 'with an audit row each']
    ]
  };
}
