// Sample data for a laptop demo: a small plant with three locations, thirty parts and a week of scans, pushed
// through the same code path as a tablet's, so the projection and signals are what production would hold.
import { randomUUID } from 'node:crypto';
import type { Sql } from './connect';
import { pushEvents } from '../services/sync';

const LOCATIONS = [
  ['LINE-1', 'Assembly line 1'],
  ['LINE-2', 'Assembly line 2'],
  ['STORES', 'Main stores']
] as const;

const PARTS = [
  ['Hex bolt M8x30', 'ea'], ['Hex nut M8', 'ea'], ['Flat washer M8', 'ea'], ['Cable tie 200mm', 'ea'],
  ['O-ring 20x2', 'ea'], ['Hydraulic hose 1/2"', 'm'], ['Bearing 6204-2RS', 'ea'], ['Grease cartridge', 'ea'],
  ['Shrink tube 6mm', 'm'], ['Terminal ring M6', 'ea'], ['Fuse 10A', 'ea'], ['Relay 24V', 'ea'],
  ['Proximity sensor M12', 'ea'], ['Drive belt XPZ 1000', 'ea'], ['Gasket DN50', 'ea'], ['Spring pin 4x20', 'ea'],
  ['Circlip 25mm', 'ea'], ['Threadlocker 50ml', 'ea'], ['Label roll 100x50', 'roll'], ['Nitrile gloves L', 'box'],
  ['Shaft key 8x7x40', 'ea'], ['Coupling insert', 'ea'], ['Solenoid valve 24V', 'ea'], ['Air filter element', 'ea'],
  ['Pneumatic fitting 8mm', 'ea'], ['PU tube 8mm', 'm'], ['Cable gland M20', 'ea'], ['Heat sink paste', 'ea'],
  ['Motor brush set', 'set'], ['Safety glasses', 'ea']
] as const;

/** A deterministic pseudo-random stream, so the sample plant looks the same on every laptop. */
function rng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
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
  });
  const rand = rng(42);
  const start = now - days * 86_400_000;
  const events: Record<string, unknown>[] = [];
  // Stock every part on both lines at the start of the week, then consume through each day's shifts.
  for (const it of items)
    for (const [loc] of LOCATIONS.slice(0, 2)) events.push(event('INTAKE', it.item_id, loc, it.reorder_qty + 20, start + events.length * 1000));
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
  return { items: items.length, events: events.length };
}

function event(type: 'INTAKE' | 'CONSUME', item_id: string, location_id: string, qty: number, at: number): Record<string, unknown> {
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
