// CSV exports, streamed: rows leave in batches from a database cursor as they are read, so a large export never
// sits in memory whole. (On the embedded database the one connection is busy while an export runs.)
import { Hono, type Context } from 'hono';
import { stream } from 'hono/streaming';
import { z } from 'zod';
import { csvLine, ITEM_CSV_COLUMNS } from '#domain/csv';
import { SUPPLIER_ITEM_CSV_COLUMNS } from '#domain/supplier-items';
import { SUPPLIER_CSV_COLUMNS } from '#domain/suppliers';
import { supervisorOnly, type Env } from '../../http/auth';
import type { Deps } from '../../deps';
import type { Sql } from '../../db/connect';
import { ApiError, queryParams } from '../../http/errors';

const BATCH = 2000;
const noParams = z.strictObject({});
const eventRange = z
  .strictObject({ from: z.iso.datetime({ offset: true }).optional(), to: z.iso.datetime({ offset: true }).optional() })
  .refine((r) => !r.from || !r.to || Date.parse(r.from) <= Date.parse(r.to), 'from must not be after to');

type Query = ReturnType<Sql>;

function csv(c: Context<Env>, name: string, columns: string[], query: Query) {
  c.header('content-type', 'text/csv; charset=utf-8');
  c.header('content-disposition', `attachment; filename="${name}-${new Date().toISOString().slice(0, 10)}.csv"`);
  c.header('cache-control', 'no-store');
  return stream(
    c,
    async (out) => {
      await out.write('\uFEFF' + csvLine(columns)); // the BOM tells spreadsheets it is UTF-8
      for await (const rows of query.cursor(BATCH)) {
        if (out.aborted) break;
        await out.write(rows.map((r) => csvLine(columns.map((k) => (r as Record<string, unknown>)[k]))).join(''));
      }
    },
    async (err) => console.error('CSV export failed:', err.message)
  );
}

export function exportRoutes({ sql }: Deps) {
  return new Hono<Env>()
    .use('*', supervisorOnly)
    .get('/inventory.csv', (c) => {
      queryParams(c, noParams);
      const cols = ['item_id', 'location_id', 'on_hand', 'reorder_point', 'status', 'intake_total', 'consume_total', 'last_activity_at', 'description', 'unit'];
      return csv(c, 'inventory', cols, sql`
        SELECT s.item_id, s.location_id, s.on_hand, i.reorder_point,
               CASE WHEN s.on_hand < 0 THEN 'negative' WHEN i.reorder_point IS NOT NULL AND s.on_hand <= i.reorder_point THEN 'low' ELSE 'ok' END AS status,
               s.intake_total, s.consume_total, s.last_activity_at, i.description, i.unit
        FROM stock_levels s JOIN items i USING (item_id) ORDER BY s.item_id, s.location_id`);
    })
    .get('/items.csv', (c) => {
      queryParams(c, noParams);
      const cols = [...ITEM_CSV_COLUMNS]; // exactly what the import reads, so a file can go out, be edited and come back
      return csv(c, 'items', cols, sql`SELECT ${sql(cols)} FROM items ORDER BY item_id`);
    })
    .get('/suppliers.csv', (c) => {
      queryParams(c, noParams);
      const cols = [...SUPPLIER_CSV_COLUMNS]; // what the supplier import reads
      return csv(c, 'suppliers', cols, sql`SELECT ${sql(cols)} FROM suppliers ORDER BY supplier_id`);
    })
    .get('/supplier-items.csv', (c) => {
      queryParams(c, noParams);
      // What the supplier-item import reads; rows learned under a name that is no known supplier cannot go back in.
      const cols = [...SUPPLIER_ITEM_CSV_COLUMNS];
      return csv(c, 'supplier-items', cols, sql`
        SELECT supplier_id, supplier_part, item_id, pack_size, price::float8 AS price, preferred FROM supplier_items
        WHERE supplier_id IS NOT NULL ORDER BY supplier_id, supplier_part`);
    })
    .get('/events.csv', (c) => {
      const r = queryParams(c, eventRange);
      if (!r.from && !r.to) throw new ApiError(400, 'invalid_request', 'Give a date range: from and/or to (ISO 8601 with a time zone).');
      const cols = ['event_id', 'device_id', 'device_seq', 'event_type', 'item_id', 'qty', 'location_id', 'station_id', 'barcode_raw', 'lot',
        'source', 'captured_at', 'received_at', 'user_email', 'operator', 'packing_slip_id', 'voids_event_id'];
      return csv(c, 'events', cols, sql`
        SELECT ${sql(cols)} FROM scan_events
        WHERE true ${r.from ? sql`AND received_at >= ${r.from}::timestamptz` : sql``} ${r.to ? sql`AND received_at < ${r.to}::timestamptz` : sql``}
        ORDER BY received_at, event_id`);
    })
    .get('/signals.csv', (c) => {
      queryParams(c, noParams);
      const cols = ['signal_id', 'item_id', 'location_id', 'state', 'opened_at', 'acknowledged_at', 'fulfilled_at', 'seconds_to_acknowledge', 'seconds_to_fulfil'];
      return csv(c, 'signals', cols, sql`SELECT ${sql(cols)} FROM gold_replenishment_sla ORDER BY opened_at, signal_id`);
    });
}
