// Purchasing tests' shared ground: a small plant with two suppliers and their catalogue, and the HTTP steps people
// take (draft, send or cancel, photograph a slip, review it with a PO number, receive it).
import { randomUUID } from 'node:crypto';
import { PNG } from 'pngjs';
import { expect } from 'vitest';
import type { App } from '../app';
import type { Sql } from '../db/connect';
import type { PoDetail } from '#domain/purchase-orders';
import { CLIENT_HEADERS } from '#domain/client-header';

export async function seedPurchasing(sql: Sql) {
  await sql`TRUNCATE purchase_order_status_history, purchase_order_lines, purchase_orders, packing_slips, supplier_items, suppliers,
    scan_events, stock_levels, replenishment_signals, devices, audit_log, items, locations CASCADE`;
  await sql`INSERT INTO locations (location_id, name) VALUES ('RECV', 'Receiving'), ('LINE-1', 'Line 1'), ('LINE-2', 'Line 2')`;
  await sql`INSERT INTO items (item_id, description, unit, reorder_point, reorder_qty) VALUES
    ('BOLT', 'Hex bolt M8', 'ea', 300, 500), ('NUT', 'Nut M8', 'ea', 50, 100), ('WASHER', 'Washer M8', 'box', 10, NULL), ('GLUE', 'Glue', 'l', 5, 10)`;
  await sql`INSERT INTO suppliers (supplier_id, name, lead_time_days) VALUES ('ACME', 'Acme Fasteners', 5), ('BETA', 'Beta Supply', 10)`;
  await sql`INSERT INTO supplier_items (supplier, supplier_part, item_id, supplier_id, pack_size, price, preferred) VALUES
    ('Acme Fasteners', 'A-1', 'BOLT', 'ACME', 120, 0.25, true),
    ('Acme Fasteners', 'A-2', 'NUT', 'ACME', 1, 0.1, true),
    ('Beta Supply', 'B-1', 'WASHER', 'BETA', 50, NULL, true)`;
}

export const LINES = [
  { item_id: 'BOLT', qty_ordered: 10 },
  { item_id: 'NUT', qty_ordered: 5 }
];

function png(): Uint8Array {
  const p = new PNG({ width: 4, height: 4 });
  p.data.fill(255);
  return new Uint8Array(PNG.sync.write(p));
}

/** The steps over HTTP; `app` is asked for at each call, so a test file can make it in beforeAll. */
export function purchasingApi(app: () => App) {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await app().request(
      path,
      body === undefined
        ? { method, headers: CLIENT_HEADERS }
        : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
    );
    return { status: res.status, body: await res.json() };
  };
  const detail = async (id: string): Promise<PoDetail> => (await call('GET', `/api/purchase-orders/${id}`)).body;
  async function draft(lines: unknown[] = LINES, extra: Record<string, unknown> = {}): Promise<PoDetail> {
    const res = await call('POST', '/api/purchase-orders', { supplier_id: 'ACME', lines, ...extra });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  }
  const act = (po: { po_id: string; version: number }, action: 'send' | 'cancel') =>
    call('POST', `/api/purchase-orders/${po.po_id}/${action}`, { version: po.version });

  /** A packing slip photographed and reviewed with these lines and PO number (not yet received). */
  async function reviewedSlip(poNumber: string | null, lines: [string, number][]) {
    const slip_id = randomUUID();
    const f = new FormData();
    f.set('slip_id', slip_id);
    f.set('device_id', 'tab-recv');
    f.append('files', new Blob([png() as Uint8Array<ArrayBuffer>], { type: 'image/png' }), 'slip.png');
    expect(
      (await app().request('/api/packing-slips', { method: 'POST', headers: CLIENT_HEADERS, body: f })).status
    ).toBe(201);
    const review = await call('PUT', `/api/packing-slips/${slip_id}/lines`, {
      supplier: 'Acme Fasteners',
      po_number: poNumber,
      lines: lines.map(([item_id, qty]) => ({ item_id, qty }))
    });
    expect(review.status).toBe(200);
    return { slip_id, review: review.body };
  }
  const receive = (slipId: string) => call('POST', `/api/packing-slips/${slipId}/receive`, { location_id: 'RECV' });

  /** Photographed, reviewed and received at RECV. */
  async function receiveSlip(poNumber: string | null, lines: [string, number][]) {
    const slip = await reviewedSlip(poNumber, lines);
    return { ...slip, ...(await receive(slip.slip_id)) };
  }
  return { call, detail, draft, act, reviewedSlip, receive, receiveSlip };
}
