// The API described for its callers. ROUTES is also the list the tests walk to check that every route is
// described and guarded by the role it claims.
import { z } from 'zod';
import { pushRequestSchema, scanEventSchema } from '#domain/events';
import { categoryCreateSchema, categoryUpdateSchema, itemCategorySchema } from '#domain/categories';
import { itemsSaveSchema } from '#domain/items';
import { locationCreateSchema, locationRenameSchema } from '#domain/locations';
import { poActionSchema, poCreateSchema, poEditSchema, poFromSignalsSchema } from '#domain/purchase-orders';
import { resolveRejectionSchema } from '#domain/rejections';
import { reviewSchema } from '#domain/slip';
import { supplierItemsSaveSchema } from '#domain/supplier-items';
import { suppliersSaveSchema } from '#domain/suppliers';

export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string; // OpenAPI style: /api/signals/{signal_id}/acknowledge
  role: 'public' | 'operator' | 'supervisor';
  summary: string;
  body?: z.ZodType;
}

export const ROUTES: RouteDoc[] = [
  { method: 'get', path: '/api/health', role: 'public', summary: 'Database reachable and migrations applied' },
  { method: 'get', path: '/api/me', role: 'operator', summary: 'The signed-in user and role' },
  {
    method: 'post',
    path: '/api/sync/events',
    role: 'operator',
    summary: 'Push a batch of scan events (at most 500, 1 MiB)',
    body: pushRequestSchema
  },
  {
    method: 'get',
    path: '/api/sync/snapshot',
    role: 'operator',
    summary: 'Items, stock and active signals for offline use'
  },
  {
    method: 'get',
    path: '/api/inventory',
    role: 'operator',
    summary: 'Stock per item and location; filter, sort, paginate'
  },
  {
    method: 'get',
    path: '/api/events',
    role: 'operator',
    summary: 'Recent scan events, newest first, keyset-paginated'
  },
  { method: 'get', path: '/api/signals', role: 'operator', summary: 'Replenishment signals in their current state' },
  {
    method: 'post',
    path: '/api/signals/{signal_id}/acknowledge',
    role: 'supervisor',
    summary: 'Acknowledge an open signal'
  },
  { method: 'post', path: '/api/signals/{signal_id}/fulfill', role: 'supervisor', summary: 'Mark a signal fulfilled' },
  { method: 'get', path: '/api/devices', role: 'supervisor', summary: 'Every device with its sync health' },
  {
    method: 'get',
    path: '/api/rejected-events',
    role: 'supervisor',
    summary: 'Events the server refused, as sent: waiting (default), resolved or all; optionally one device'
  },
  {
    method: 'post',
    path: '/api/rejected-events/{rejection_id}/resolve',
    role: 'supervisor',
    summary: 'Resolve a refused event: apply a corrected event (linked to it) or dismiss it with a reason',
    body: resolveRejectionSchema
  },
  {
    method: 'get',
    path: '/api/stream',
    role: 'operator',
    summary: 'Server-sent events: stock and signal changes; Last-Event-ID catches up'
  },
  {
    method: 'get',
    path: '/api/items',
    role: 'operator',
    summary: 'The item master: search (q), filter (active, placeholder), paginate'
  },
  {
    method: 'patch',
    path: '/api/items',
    role: 'supervisor',
    summary: 'Save edited rows in one transaction; each row carries its version (409 with current values when stale)',
    body: itemsSaveSchema
  },
  {
    method: 'get',
    path: '/api/items/{item_id}/audit',
    role: 'supervisor',
    summary: 'Every change to one item: who, when, before, after'
  },
  {
    method: 'get',
    path: '/api/items/{item_id}',
    role: 'operator',
    summary: 'One item with its master data and version'
  },
  {
    method: 'get',
    path: '/api/items/{item_id}/history',
    role: 'operator',
    summary: 'On hand over time (at most 400 points), optionally at one location'
  },
  {
    method: 'get',
    path: '/api/items/{item_id}/forecast',
    role: 'supervisor',
    summary:
      'Daily consumption, a 90-day forecast (served model or local smoothing) and the reorder point it suggests (service_level, default 0.95)'
  },
  {
    method: 'get',
    path: '/api/signals/weekly',
    role: 'operator',
    summary: 'Per week: signals opened, median seconds to acknowledge and to fulfil'
  },
  {
    method: 'get',
    path: '/api/analytics/consumption',
    role: 'supervisor',
    summary:
      'Consumption per day (days, default 28) for the most consumed items (limit, default 6) and in total, from gold_daily_movements'
  },
  {
    method: 'get',
    path: '/api/analytics/signals',
    role: 'supervisor',
    summary: 'Signals opened and fulfilled per ISO week (weeks, default 12), from gold_replenishment_sla'
  },
  {
    method: 'get',
    path: '/api/analytics/throughput',
    role: 'supervisor',
    summary: 'Scans, units and undos per station and hour (hours, default 24), from gold_station_throughput_hourly'
  },
  {
    method: 'get',
    path: '/api/analytics/dashboard',
    role: 'supervisor',
    summary: 'The Databricks AI/BI dashboard embed URL, when DASHBOARD_EMBED_URL is set'
  },
  {
    method: 'post',
    path: '/api/packing-slips',
    role: 'operator',
    summary:
      'Upload a packing slip (multipart: slip_id, device_id, captured_at, files, text_layer); a retry answers the stored slip'
  },
  {
    method: 'get',
    path: '/api/packing-slips',
    role: 'operator',
    summary: 'Packing slips, newest first, with status and line totals'
  },
  {
    method: 'get',
    path: '/api/packing-slips/{slip_id}',
    role: 'operator',
    summary: 'One packing slip with its files and lines'
  },
  {
    method: 'get',
    path: '/api/packing-slips/{slip_id}/files/{page}',
    role: 'operator',
    summary: 'One file of a packing slip as uploaded'
  },
  {
    method: 'put',
    path: '/api/packing-slips/{slip_id}/lines',
    role: 'operator',
    summary: 'Replace the lines with the reviewed ones',
    body: reviewSchema
  },
  {
    method: 'post',
    path: '/api/packing-slips/{slip_id}/receive',
    role: 'operator',
    summary: 'Receive every line as an INTAKE (once; event ids derive from slip and line)'
  },
  {
    method: 'get',
    path: '/api/locations',
    role: 'operator',
    summary: 'Every location with its stock (rows, on hand, negative rows) and the total'
  },
  {
    method: 'post',
    path: '/api/locations',
    role: 'supervisor',
    summary: 'Create a location',
    body: locationCreateSchema
  },
  {
    method: 'patch',
    path: '/api/locations/{location_id}',
    role: 'supervisor',
    summary: 'Rename a location at the version read (409 when stale)',
    body: locationRenameSchema
  },
  {
    method: 'post',
    path: '/api/items/import',
    role: 'supervisor',
    summary:
      'Import items from CSV (text/csv, UTF-8, comma or semicolon): all errors with row and column (422) or all rows in one transaction'
  },
  {
    method: 'get',
    path: '/api/export/inventory.csv',
    role: 'supervisor',
    summary: 'Stock per item and location as CSV, streamed'
  },
  {
    method: 'get',
    path: '/api/export/items.csv',
    role: 'supervisor',
    summary: 'The item master as CSV, streamed (the import reads it back)'
  },
  {
    method: 'get',
    path: '/api/export/events.csv',
    role: 'supervisor',
    summary: 'Scan events received in [from, to) as CSV, streamed'
  },
  {
    method: 'get',
    path: '/api/export/signals.csv',
    role: 'supervisor',
    summary: 'Replenishment signals with their times as CSV, streamed'
  },
  {
    method: 'get',
    path: '/api/export/suppliers.csv',
    role: 'supervisor',
    summary: 'Suppliers as CSV, streamed (the supplier import reads it back)'
  },
  {
    method: 'get',
    path: '/api/export/supplier-items.csv',
    role: 'supervisor',
    summary: 'Supplier items of known suppliers as CSV, streamed (the supplier-item import reads it back)'
  },
  {
    method: 'get',
    path: '/api/suppliers',
    role: 'operator',
    summary: 'Suppliers: search (q), filter (active), paginate; each with its number of supplier items'
  },
  {
    method: 'patch',
    path: '/api/suppliers',
    role: 'supervisor',
    summary:
      'Save edited and new suppliers in one transaction; each row carries its version, null for new (409 with current values when stale)',
    body: suppliersSaveSchema
  },
  { method: 'get', path: '/api/suppliers/{supplier_id}', role: 'operator', summary: 'One supplier with its version' },
  {
    method: 'get',
    path: '/api/suppliers/{supplier_id}/audit',
    role: 'supervisor',
    summary: 'Every change to one supplier and its supplier items: who, when, before, after'
  },
  {
    method: 'post',
    path: '/api/suppliers/import',
    role: 'supervisor',
    summary:
      'Import suppliers from CSV (text/csv, UTF-8, comma or semicolon): all errors with row and column (422) or all rows in one transaction'
  },
  {
    method: 'get',
    path: '/api/supplier-items',
    role: 'operator',
    summary:
      'Supplier part numbers with pack size, price and preferred flag; filter by supplier_id or item_id, paginate'
  },
  {
    method: 'get',
    path: '/api/supplier-items/unknown-suppliers',
    role: 'operator',
    summary: 'Supplier names printed on received slips that are no known supplier, with their learned part numbers'
  },
  {
    method: 'patch',
    path: '/api/supplier-items',
    role: 'supervisor',
    summary:
      "Save, create and remove supplier items in one transaction at their versions; a preferred row takes the flag from the item's previous one",
    body: supplierItemsSaveSchema
  },
  {
    method: 'post',
    path: '/api/supplier-items/import',
    role: 'supervisor',
    summary: 'Import supplier items from CSV: all errors with row and column (422) or all rows in one transaction'
  },
  {
    method: 'get',
    path: '/api/categories',
    role: 'operator',
    summary: 'The category tree (ordered by path) with the number of items in each'
  },
  {
    method: 'post',
    path: '/api/categories',
    role: 'supervisor',
    summary: 'Create a category under a parent (null: the top level)',
    body: categoryCreateSchema
  },
  {
    method: 'patch',
    path: '/api/categories/{category_id}',
    role: 'supervisor',
    summary:
      'Rename and/or move a category (with its subtree) at the version read; a move into its own subtree is refused',
    body: categoryUpdateSchema
  },
  {
    method: 'put',
    path: '/api/items/{item_id}/category',
    role: 'supervisor',
    summary: "Set or clear the category of an item at the item's version",
    body: itemCategorySchema
  },
  {
    method: 'get',
    path: '/api/purchase-orders',
    role: 'operator',
    summary:
      'Purchase orders, newest first, with totals; filter by status, supplier_id, overdue (true/false), q (number or supplier)'
  },
  {
    method: 'post',
    path: '/api/purchase-orders',
    role: 'supervisor',
    summary: 'Draft a purchase order (header and lines)',
    body: poCreateSchema
  },
  {
    method: 'post',
    path: '/api/purchase-orders/from-signals',
    role: 'supervisor',
    summary:
      'Draft purchase orders for open signals: one per preferred supplier, reorder qty rounded up to the pack size; open signals are acknowledged',
    body: poFromSignalsSchema
  },
  {
    method: 'get',
    path: '/api/purchase-orders/suppliers/{supplier_id}/summary',
    role: 'operator',
    summary: "A supplier's open purchase orders and on-time rate"
  },
  {
    method: 'get',
    path: '/api/purchase-orders/{po_id}',
    role: 'operator',
    summary: 'One purchase order with its lines, status history and the actions allowed now'
  },
  {
    method: 'put',
    path: '/api/purchase-orders/{po_id}',
    role: 'supervisor',
    summary: 'Replace a draft (header and lines) at the version read (409 when stale or no longer a draft)',
    body: poEditSchema
  },
  {
    method: 'post',
    path: '/api/purchase-orders/{po_id}/send',
    role: 'supervisor',
    summary: 'Send a draft (409 unless the status rules allow it; 422 without lines)',
    body: poActionSchema
  },
  {
    method: 'post',
    path: '/api/purchase-orders/{po_id}/cancel',
    role: 'supervisor',
    summary: 'Cancel a draft or sent purchase order (409 otherwise)',
    body: poActionSchema
  },
  { method: 'get', path: '/api/openapi.json', role: 'operator', summary: 'This document' }
];

const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
      required: ['code', 'message']
    }
  }
};

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of ROUTES) {
    const params = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' }
    }));
    (paths[r.path] ??= {})[r.method] = {
      summary: r.summary,
      'x-linesync-role': r.role,
      ...(params.length ? { parameters: params } : {}),
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: z.toJSONSchema(r.body, { unrepresentable: 'any' }) } }
            }
          }
        : {}),
      responses: {
        '200': { description: 'OK' },
        '4XX': {
          description: 'The request was refused; the body says why',
          content: { 'application/json': { schema: errorSchema } }
        }
      }
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'LineSync API', version: '1' },
    paths,
    components: {
      schemas: { ScanEvent: z.toJSONSchema(scanEventSchema, { unrepresentable: 'any' }), Error: errorSchema }
    }
  };
}
