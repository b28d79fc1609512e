// Sample data for a laptop demo: a small plant with three locations, thirty parts and a week of scans, pushed
// through the same code path as a tablet's, so the projection and signals are what production would hold; and the
// purchasing master data around the parts (suppliers, a category tree, supplier parts with a preferred supplier each).
import { randomUUID } from 'node:crypto';
import type { Sql } from './connect';
import { actOnPurchaseOrder, purchaseOrdersFromSignals } from '../features/purchasing/orders';
import { pushEvents } from '../features/sync/push';

const LOCATIONS = [
  ['LINE-1', 'Assembly line 1'],
  ['LINE-2', 'Assembly line 2'],
  ['STORES', 'Main stores']
] as const;

const PARTS = [
  ['Hex bolt M8x30', 'ea'],
  ['Hex nut M8', 'ea'],
  ['Flat washer M8', 'ea'],
  ['Cable tie 200mm', 'ea'],
  ['O-ring 20x2', 'ea'],
  ['Hydraulic hose 1/2"', 'm'],
  ['Bearing 6204-2RS', 'ea'],
  ['Grease cartridge', 'ea'],
  ['Shrink tube 6mm', 'm'],
  ['Terminal ring M6', 'ea'],
  ['Fuse 10A', 'ea'],
  ['Relay 24V', 'ea'],
  ['Proximity sensor M12', 'ea'],
  ['Drive belt XPZ 1000', 'ea'],
  ['Gasket DN50', 'ea'],
  ['Spring pin 4x20', 'ea'],
  ['Circlip 25mm', 'ea'],
  ['Threadlocker 50ml', 'ea'],
  ['Label roll 100x50', 'roll'],
  ['Nitrile gloves L', 'box'],
  ['Shaft key 8x7x40', 'ea'],
  ['Coupling insert', 'ea'],
  ['Solenoid valve 24V', 'ea'],
  ['Air filter element', 'ea'],
  ['Pneumatic fitting 8mm', 'ea'],
  ['PU tube 8mm', 'm'],
  ['Cable gland M20', 'ea'],
  ['Heat sink paste', 'ea'],
  ['Motor brush set', 'set'],
  ['Safety glasses', 'ea']
] as const;

// Purchasing master data: who the parts come from, in what packs, and a small category tree.
const SUPPLIERS = [
  ['FASTCO', 'Fastco Fasteners', 'orders@fastco.example', 3, '12 Harbour Road, Rotterdam', 51.92, 4.48],
  ['ELECTRA', 'Electra Components', 'sales@electra.example', 7, 'Industriestrasse 5, Stuttgart', 48.78, 9.18],
  ['HYDRAPAC', 'HydraPac Fluid Power', '+44 121 555 0100', 10, 'Unit 4, Tyburn Road, Birmingham', 52.49, -1.89],
  ['SAFEWORK', 'SafeWork Supplies', 'counter@safework.example', 2, '', null, null]
] as const;

const CATEGORIES = [
  ['mechanical', null, 'Mechanical'],
  ['fasteners', 'mechanical', 'Fasteners'],
  ['drives', 'mechanical', 'Bearings and drives'],
  ['electrical', null, 'Electrical'],
  ['fluid', null, 'Fluid power'],
  ['seals', 'fluid', 'Seals'],
  ['consumables', null, 'Consumables'],
  ['safety', 'consumables', 'Safety']
] as const;

/** The category of each part of PARTS, by position, and the supplier its category is bought from. */
const PART_CATEGORY = [
  'fasteners',
  'fasteners',
  'fasteners',
  'electrical',
  'seals',
  'fluid',
  'drives',
  'consumables',
  'electrical',
  'electrical',
  'electrical',
  'electrical',
  'electrical',
  'drives',
  'seals',
  'fasteners',
  'fasteners',
  'consumables',
  'consumables',
  'safety',
  'drives',
  'drives',
  'fluid',
  'fluid',
  'fluid',
  'fluid',
  'electrical',
  'consumables',
  'drives',
  'safety'
] as const;
const CATEGORY_SUPPLIER: Record<string, string> = {
  fasteners: 'FASTCO',
  drives: 'FASTCO',
  electrical: 'ELECTRA',
  fluid: 'HYDRAPAC',
  seals: 'HYDRAPAC',
  consumables: 'SAFEWORK',
  safety: 'SAFEWORK'
};

/** Suppliers, categories, each part's category and its supplier parts: one preferred per part, some with a second source. */
export function samplePurchasing() {
  const items = sampleItems();
  const suppliers = SUPPLIERS.map(([supplier_id, name, contact, lead_time_days, address, latitude, longitude]) => ({
    supplier_id,
    name,
    contact,
    lead_time_days,
    address,
    latitude,
    longitude
  }));
  const categories = CATEGORIES.map(([category_id, parent_id, name]) => ({ category_id, parent_id, name }));
  const itemCategories = items.map((it, i) => ({ item_id: it.item_id, category_id: PART_CATEGORY[i] }));
  const name = new Map<string, string>(suppliers.map((s) => [s.supplier_id, s.name]));
  const supplierItems = items.flatMap((it, i) => {
    const main = CATEGORY_SUPPLIER[PART_CATEGORY[i]];
    const pack = PART_CATEGORY[i] === 'fasteners' ? 100 : it.unit === 'm' ? 25 : i % 3 === 0 ? 10 : 1;
    const price = Math.round((0.05 + ((i * 37) % 50) * (pack === 100 ? 0.01 : 0.9)) * 10_000) / 10_000;
    const row = (supplier_id: string, preferred: boolean, markup: number) => ({
      supplier: name.get(supplier_id)!,
      supplier_id,
      supplier_part: `${supplier_id.slice(0, 3)}-${String(4000 + i * 7)}`,
      item_id: it.item_id,
      pack_size: pack,
      price: Math.round(price * markup * 10_000) / 10_000,
      preferred,
      confirmed: 0,
      updated_by: 'seed'
    });
    // Every fifth part has a dearer second source.
    return i % 5 === 0
      ? [row(main, true, 1), row(main === 'SAFEWORK' ? 'FASTCO' : 'SAFEWORK', false, 1.15)]
      : [row(main, true, 1)];
  });
  return { suppliers, categories, itemCategories, supplierItems };
}

/** A deterministic pseudo-random stream, so the sample plant looks the same on every laptop. */
function rng(seed: number) {
  return () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
}

export function sampleItems() {
  return PARTS.map(([description, unit], i) => ({
    item_id: `P-${String(1001 + i)}`,
    description,
    unit,
    reorder_point: 10 + (i % 5) * 5,
    reorder_qty: 50 + (i % 4) * 25,
    // GS1 GTIN-13 with a valid check digit, so GS1 barcodes of the sample parts resolve.
    gtin: gtin13(`40063813${String(1001 + i)}`)
  }));
}

export function gtin13(first12: string): string {
  const sum = [...first12].reduce((s, d, i) => s + Number(d) * (i % 2 ? 3 : 1), 0);
  return first12 + String((10 - (sum % 10)) % 10);
}

export async function seed(sql: Sql, { days = 7, now = Date.now() } = {}): Promise<{ items: number; events: number }> {
  const items = sampleItems();
  await sql.begin(async (tx) => {
    await tx`INSERT INTO locations ${tx(LOCATIONS.map(([location_id, name]) => ({ location_id, name, updated_by: 'seed' })))}
             ON CONFLICT (location_id) DO NOTHING`;
    await tx`INSERT INTO items ${tx(items.map((i) => ({ ...i, updated_by: 'seed' })))} ON CONFLICT (item_id) DO NOTHING`;
    const p = samplePurchasing();
    await tx`INSERT INTO suppliers ${tx(p.suppliers.map((x) => ({ ...x, updated_by: 'seed' })))} ON CONFLICT DO NOTHING`;
    // Parents first: the path of each is built from its parent's.
    for (const c of p.categories)
      await tx`INSERT INTO categories (category_id, parent_id, name, path, updated_by) VALUES (${c.category_id}, ${c.parent_id}, ${c.name}, '', 'seed') ON CONFLICT DO NOTHING`;
    await tx`UPDATE items i SET category_id = c.category_id FROM json_to_recordset(${tx.json(p.itemCategories)}::json) AS c(item_id text, category_id text)
             WHERE i.item_id = c.item_id AND i.category_id IS NULL`;
    await tx`INSERT INTO supplier_items ${tx(p.supplierItems)} ON CONFLICT DO NOTHING`;
  });
  const rand = rng(42);
  const start = now - days * 86_400_000;
  const events: Record<string, unknown>[] = [];
  // Stock every part on both lines at the start of the week, then consume through each day's shifts.
  for (const it of items)
    for (const [loc] of LOCATIONS.slice(0, 2))
      events.push(event('INTAKE', it.item_id, loc, it.reorder_qty + 20, start + events.length * 1000));
  for (let d = 0; d < days; d++)
    for (let k = 0; k < 40; k++) {
      const it = items[Math.floor(rand() * items.length)];
      const loc = LOCATIONS[Math.floor(rand() * 2)][0];
      const t = start + d * 86_400_000 + (6 + rand() * 14) * 3_600_000;
      events.push(event('CONSUME', it.item_id, loc, 1 + Math.floor(rand() * 8), t));
    }
  // One tablet recorded them, so its sequence follows the clock.
  events.sort((a, b) => String(a.captured_at).localeCompare(String(b.captured_at)));
  events.forEach((e, i) => (e.device_seq = i + 1));
  for (let i = 0; i < events.length; i += 500)
    await pushEvents(
      sql,
      { device_id: 'seed-tablet', device_name: 'Sample tablet', station_id: 'ST-1', events: events.slice(i, i + 500) },
      { userEmail: 'seed', requireKnownItems: false }
    );
  await samplePurchaseOrders(sql);
  return { items: items.length, events: events.length };
}

/**
 * A few purchase orders, so the purchasing pages open on something: up to four of the week's open signals ordered
 * from their preferred suppliers (one draft per supplier, as the board's "Create PO" drafts them), the first sent.
 * Only into a database that has no purchase orders yet, so a second seed adds none.
 */
async function samplePurchaseOrders(sql: Sql) {
  const [{ n }] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM purchase_orders`;
  if (n) return;
  const open = await sql<{ signal_id: string }[]>`
    SELECT s.active_signal_id::text AS signal_id FROM stock_levels s JOIN item_preferred_supplier p USING (item_id)
    WHERE s.active_signal_id IS NOT NULL ORDER BY s.item_id, s.location_id LIMIT 4`;
  if (!open.length) return;
  const [first] = await sql.begin((tx) =>
    purchaseOrdersFromSignals(
      tx,
      open.map((o) => o.signal_id),
      null,
      'seed'
    )
  );
  await sql.begin((tx) => actOnPurchaseOrder(tx, first, 'send', 1, 'seed'));
}

function event(
  type: 'INTAKE' | 'CONSUME',
  item_id: string,
  location_id: string,
  qty: number,
  at: number
): Record<string, unknown> {
  return {
    event_id: randomUUID(),
    event_type: type,
    item_id,
    qty,
    location_id,
    station_id: 'ST-1',
    barcode_raw: `ITEM=${item_id};QTY=${qty}`,
    source: 'camera',
    captured_at: new Date(at).toISOString()
  };
}
