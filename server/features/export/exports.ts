// What each CSV export reads: its columns, in order, and the query whose cursor streams them.
import { ITEM_CSV_COLUMNS } from '#domain/csv';
import { SUPPLIER_ITEM_CSV_COLUMNS } from '#domain/supplier-items';
import { SUPPLIER_CSV_COLUMNS } from '#domain/suppliers';
import type { Sql } from '../../db/connect';

export interface Export {
  columns: string[];
  query: ReturnType<Sql>;
}

export function inventoryExport(sql: Sql): Export {
  const columns = [
    'item_id',
    'location_id',
    'on_hand',
    'reorder_point',
    'status',
    'intake_total',
    'consume_total',
    'last_activity_at',
    'description',
    'unit'
  ];
  return {
    columns,
    query: sql`
      SELECT s.item_id, s.location_id, s.on_hand, i.reorder_point,
             CASE WHEN s.on_hand < 0 THEN 'negative' WHEN i.reorder_point IS NOT NULL AND s.on_hand <= i.reorder_point THEN 'low' ELSE 'ok' END AS status,
             s.intake_total, s.consume_total, s.last_activity_at, i.description, i.unit
      FROM stock_levels s JOIN items i USING (item_id) ORDER BY s.item_id, s.location_id`
  };
}

export function itemsExport(sql: Sql): Export {
  const columns = [...ITEM_CSV_COLUMNS]; // exactly what the import reads, so a file can go out, be edited and come back
  return { columns, query: sql`SELECT ${sql(columns)} FROM items ORDER BY item_id` };
}

export function suppliersExport(sql: Sql): Export {
  const columns = [...SUPPLIER_CSV_COLUMNS]; // what the supplier import reads
  return { columns, query: sql`SELECT ${sql(columns)} FROM suppliers ORDER BY supplier_id` };
}

/** What the supplier-item import reads; rows learned under a name that is no known supplier cannot go back in. */
export function supplierItemsExport(sql: Sql): Export {
  return {
    columns: [...SUPPLIER_ITEM_CSV_COLUMNS],
    query: sql`
      SELECT supplier_id, supplier_part, item_id, pack_size, price::float8 AS price, preferred FROM supplier_items
      WHERE supplier_id IS NOT NULL ORDER BY supplier_id, supplier_part`
  };
}

export function eventsExport(sql: Sql, r: { from?: string; to?: string }): Export {
  const columns = [
    'event_id',
    'device_id',
    'device_seq',
    'event_type',
    'item_id',
    'qty',
    'location_id',
    'station_id',
    'barcode_raw',
    'lot',
    'source',
    'captured_at',
    'received_at',
    'user_email',
    'operator',
    'packing_slip_id',
    'voids_event_id'
  ];
  return {
    columns,
    query: sql`
      SELECT ${sql(columns)} FROM scan_events
      WHERE true ${r.from ? sql`AND received_at >= ${r.from}::timestamptz` : sql``} ${r.to ? sql`AND received_at < ${r.to}::timestamptz` : sql``}
      ORDER BY received_at, event_id`
  };
}

export function signalsExport(sql: Sql): Export {
  const columns = [
    'signal_id',
    'item_id',
    'location_id',
    'state',
    'opened_at',
    'acknowledged_at',
    'fulfilled_at',
    'seconds_to_acknowledge',
    'seconds_to_fulfil'
  ];
  return { columns, query: sql`SELECT ${sql(columns)} FROM gold_replenishment_sla ORDER BY opened_at, signal_id` };
}
