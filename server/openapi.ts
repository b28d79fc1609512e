// The API described for its callers. ROUTES is also the list the tests walk to check that every route is
// described and guarded by the role it claims.
import { z } from 'zod';
import { pushRequestSchema, scanEventSchema } from '../src/lib/domain/events';
import { itemsSaveSchema } from '../src/lib/domain/items';
import { locationCreateSchema, locationRenameSchema } from '../src/lib/domain/locations';
import { reviewSchema } from '../src/lib/domain/slip';

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
  { method: 'post', path: '/api/sync/events', role: 'operator', summary: 'Push a batch of scan events (at most 500, 1 MiB)', body: pushRequestSchema },
  { method: 'get', path: '/api/sync/snapshot', role: 'operator', summary: 'Items, stock and active signals for offline use' },
  { method: 'get', path: '/api/inventory', role: 'operator', summary: 'Stock per item and location; filter, sort, paginate' },
  { method: 'get', path: '/api/events', role: 'operator', summary: 'Recent scan events, newest first, keyset-paginated' },
  { method: 'get', path: '/api/signals', role: 'operator', summary: 'Replenishment signals in their current state' },
  { method: 'post', path: '/api/signals/{signal_id}/acknowledge', role: 'supervisor', summary: 'Acknowledge an open signal' },
  { method: 'post', path: '/api/signals/{signal_id}/fulfill', role: 'supervisor', summary: 'Mark a signal fulfilled' },
  { method: 'get', path: '/api/devices', role: 'supervisor', summary: 'Every device with its sync health' },
  { method: 'get', path: '/api/stream', role: 'operator', summary: 'Server-sent events: stock and signal changes; Last-Event-ID catches up' },
  { method: 'get', path: '/api/items', role: 'operator', summary: 'The item master: search (q), filter (active, placeholder), paginate' },
  { method: 'patch', path: '/api/items', role: 'supervisor', summary: 'Save edited rows in one transaction; each row carries its version (409 with current values when stale)', body: itemsSaveSchema },
  { method: 'get', path: '/api/items/{item_id}/audit', role: 'supervisor', summary: 'Every change to one item: who, when, before, after' },
  { method: 'get', path: '/api/items/{item_id}', role: 'operator', summary: 'One item with its master data and version' },
  { method: 'get', path: '/api/items/{item_id}/history', role: 'operator', summary: 'On hand over time (at most 400 points), optionally at one location' },
  { method: 'get', path: '/api/signals/weekly', role: 'operator', summary: 'Per week: signals opened, median seconds to acknowledge and to fulfil' },
  { method: 'post', path: '/api/packing-slips', role: 'operator', summary: 'Upload a packing slip (multipart: slip_id, device_id, captured_at, files, text_layer); a retry answers the stored slip' },
  { method: 'get', path: '/api/packing-slips', role: 'operator', summary: 'Packing slips, newest first, with status and line totals' },
  { method: 'get', path: '/api/packing-slips/{slip_id}', role: 'operator', summary: 'One packing slip with its files and lines' },
  { method: 'get', path: '/api/packing-slips/{slip_id}/files/{page}', role: 'operator', summary: 'One file of a packing slip as uploaded' },
  { method: 'put', path: '/api/packing-slips/{slip_id}/lines', role: 'operator', summary: 'Replace the lines with the reviewed ones', body: reviewSchema },
  { method: 'post', path: '/api/packing-slips/{slip_id}/receive', role: 'operator', summary: 'Receive every line as an INTAKE (once; event ids derive from slip and line)' },
  { method: 'get', path: '/api/locations', role: 'operator', summary: 'Every location with its stock (rows, on hand, negative rows) and the total' },
  { method: 'post', path: '/api/locations', role: 'supervisor', summary: 'Create a location', body: locationCreateSchema },
  { method: 'patch', path: '/api/locations/{location_id}', role: 'supervisor', summary: 'Rename a location at the version read (409 when stale)', body: locationRenameSchema },
  { method: 'post', path: '/api/items/import', role: 'supervisor', summary: 'Import items from CSV (text/csv, UTF-8, comma or semicolon): all errors with row and column (422) or all rows in one transaction' },
  { method: 'get', path: '/api/export/inventory.csv', role: 'supervisor', summary: 'Stock per item and location as CSV, streamed' },
  { method: 'get', path: '/api/export/items.csv', role: 'supervisor', summary: 'The item master as CSV, streamed (the import reads it back)' },
  { method: 'get', path: '/api/export/events.csv', role: 'supervisor', summary: 'Scan events received in [from, to) as CSV, streamed' },
  { method: 'get', path: '/api/export/signals.csv', role: 'supervisor', summary: 'Replenishment signals with their times as CSV, streamed' },
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
    const params = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    (paths[r.path] ??= {})[r.method] = {
      summary: r.summary,
      'x-linesync-role': r.role,
      ...(params.length ? { parameters: params } : {}),
      ...(r.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(r.body, { unrepresentable: 'any' }) } } } }
        : {}),
      responses: {
        '200': { description: 'OK' },
        '4XX': { description: 'The request was refused; the body says why', content: { 'application/json': { schema: errorSchema } } }
      }
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'LineSync API', version: '1' },
    paths,
    components: { schemas: { ScanEvent: z.toJSONSchema(scanEventSchema, { unrepresentable: 'any' }), Error: errorSchema } }
  };
}
