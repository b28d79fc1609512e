// Purchasing master data through the real server: a supplier-item CSV import (two sources per item, one preferred;
// all new, then every price changed), the supplier page's list of one supplier's parts, a 1,000-row grid save that
// moves every item's preferred flag, and a category move that re-paths a whole subtree (the trigger cascade).
import { freshDatabase, percentile, round, spawnServer, type BenchContext, type BenchSection } from './harness';

export default async function purchasing(ctx: BenchContext): Promise<BenchSection> {
  const items = ctx.quick ? 2_000 : 20_000;
  const suppliers = 50;
  const db = await freshDatabase(ctx);
  ctx.log(`loading ${items} items and ${suppliers} suppliers`);
  await db.sql`INSERT INTO items (item_id, description) SELECT 'B-' || lpad(g::text, 6, '0'), 'Bought part ' || g FROM generate_series(0, ${items - 1}) g`;
  await db.sql`INSERT INTO suppliers (supplier_id, name, lead_time_days) SELECT 'SUP-' || g, 'Supplier ' || g, g % 20 FROM generate_series(0, ${suppliers - 1}) g`;
  const server = await spawnServer(db.url);

  // Two sources for every item: the first preferred.
  const file = (price: number) =>
    'supplier_id,supplier_part,item_id,pack_size,price,preferred\n' +
    Array.from({ length: items }, (_, i) => {
      const id = `B-${String(i).padStart(6, '0')}`;
      return `SUP-${i % suppliers},P${i},${id},10,${price},true\nSUP-${(i + 1) % suppliers},Q${i},${id},12,${price + 0.5},false\n`;
    }).join('');
  const importMs: number[] = [];
  for (const price of [1.25, 2.5]) {
    const body = file(price);
    ctx.log(`importing ${items * 2} supplier items (${round(body.length / 1e6, 1)} MB)`);
    const t = performance.now();
    const res = await fetch(`${server.url}/api/supplier-items/import`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', 'x-linesync-client': '1' },
      body
    });
    const out = (await res.json()) as { created?: number; updated?: number };
    if (!res.ok || (out.created ?? 0) + (out.updated ?? 0) !== items * 2)
      throw new Error(`import failed: ${res.status} ${JSON.stringify(out).slice(0, 300)}`);
    importMs.push(performance.now() - t);
  }
  await db.sql`ANALYZE`;

  // The supplier page: one supplier's parts (items * 2 / suppliers of them).
  const listMs: number[] = [];
  for (let i = 0; i < (ctx.quick ? 20 : 100); i++) {
    const t = performance.now();
    const res = await fetch(`${server.url}/api/supplier-items?supplier_id=SUP-${i % suppliers}&limit=1000`);
    if (!res.ok) throw new Error(`list failed: ${res.status}`);
    await res.json();
    listMs.push(performance.now() - t);
  }
  listMs.sort((a, b) => a - b);

  // A grid save of 1,000 rows making every second source preferred: 1,000 demotions, 1,000 updates, 2,000 audit rows.
  const current = await db.sql<{ supplier_id: string; supplier_part: string; item_id: string; version: number }[]>`
    SELECT supplier_id, supplier_part, item_id, version FROM supplier_items WHERE supplier_part LIKE 'Q%' ORDER BY item_id LIMIT 1000`;
  const rows = current.map((r) => ({ ...r, pack_size: 12, price: 3, preferred: true }));
  let t = performance.now();
  const saved = await fetch(`${server.url}/api/supplier-items`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ rows })
  });
  if (!saved.ok) throw new Error(`save failed: ${saved.status} ${(await saved.text()).slice(0, 300)}`);
  const saveMs = performance.now() - t;

  // A subtree of 1 + 10 + 10 × 50 categories moved under another root: every path below rewritten by the triggers.
  await db.sql`INSERT INTO categories (category_id, name, path) VALUES ('root-a', 'Root A', ''), ('root-b', 'Root B', '')`;
  await db.sql`INSERT INTO categories (category_id, parent_id, name, path) SELECT 'mid-' || g, 'root-a', 'Mid ' || g, '' FROM generate_series(1, 10) g`;
  await db.sql`INSERT INTO categories (category_id, parent_id, name, path)
               SELECT 'leaf-' || m || '-' || l, 'mid-' || m, 'Leaf ' || l, '' FROM generate_series(1, 10) m, generate_series(1, 50) l`;
  t = performance.now();
  const moved = await fetch(`${server.url}/api/categories/root-a`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ version: 1, parent_id: 'root-b' })
  });
  if (!moved.ok) throw new Error(`move failed: ${moved.status}`);
  const moveMs = performance.now() - t;
  const [{ n }] = await db.sql<
    { n: number }[]
  >`SELECT count(*)::int AS n FROM categories WHERE path LIKE 'root-b/root-a/%'`;
  if (n !== 510) throw new Error(`the move re-pathed ${n} categories, not 510`);

  await server.stop();
  await db.close();
  return {
    key: 'purchasing',
    results: {
      supplier_items: items * 2,
      import_create_s: round(importMs[0] / 1000, 2),
      import_update_s: round(importMs[1] / 1000, 2),
      supplier_parts_list_p50_ms: round(percentile(listMs, 50), 1),
      supplier_parts_list_p95_ms: round(percentile(listMs, 95), 1),
      grid_save_1000_preferred_ms: round(saveMs, 0),
      category_move_510_descendants_ms: round(moveMs, 0)
    },
    rows: [
      [`supplier-item CSV import, ${items * 2} new`, `${round(importMs[0] / 1000, 2)} s`, 'one transaction, audited'],
      [`supplier-item CSV import, ${items * 2} changed`, `${round(importMs[1] / 1000, 2)} s`, 'every price'],
      [
        `one supplier's parts (${(items * 2) / suppliers}), p95`,
        `${round(percentile(listMs, 95), 1)} ms`,
        'GET /api/supplier-items?supplier_id'
      ],
      ['grid save, 1,000 rows taking preferred', `${round(saveMs, 0)} ms`, '1,000 demoted, 2,000 audit rows'],
      ['category move, 510 descendants', `${round(moveMs, 0)} ms`, 'paths rewritten by trigger']
    ]
  };
}
