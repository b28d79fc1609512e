// The API described for its callers. ROUTES is also the list the tests walk to check that every route is
// described and guarded by the role it claims.
import { z } from 'zod';
import { CLIENT_HEADER } from '#domain/client-header';
import { MAX_BATCH_BYTES, pushAnswerSchema, pushRequestSchema, scanEventSchema } from '#domain/events';
import { categoryCreateSchema, categoryUpdateSchema, itemCategorySchema } from '#domain/categories';
import { cartonLabelRequestSchema, cartonLabelSchema } from '#domain/carton-label';
import { genieAnswerSchema, genieQuestionSchema, genieStatusSchema } from '#domain/genie';
import { itemsSaveSchema } from '#domain/items';
import { labelRequestSchema } from '#domain/labels';
import { locationCreateSchema, locationRenameSchema } from '#domain/locations';
import { poActionSchema, poCreateSchema, poEditSchema, poFromSignalsSchema } from '#domain/purchase-orders';
import { resolveRejectionSchema } from '#domain/rejections';
import { MAX_SLIP_BYTES, reviewSchema } from '#domain/slip';
import { supplierItemsSaveSchema } from '#domain/supplier-items';
import { suppliersSaveSchema } from '#domain/suppliers';
import { MAX_IMPORT_BYTES } from './features/items/import';
import { MAX_SUPPLIER_IMPORT_BYTES } from './features/suppliers/import';

/**
 * What a write carries, and so what it must be sent as. A plain HTML form (which a hostile page can post with the
 * supervisor's cookies, without a CORS preflight) can send only text/plain, urlencoded or multipart bodies and no
 * headers of its own; so a write takes either JSON, or its file type together with the CLIENT_HEADER that only our
 * own pages and tablets send (a custom header forces the preflight no foreign page passes).
 * - json: Content-Type application/json (else 415);
 * - csv: text/csv (else 415) and CLIENT_HEADER (else 403);
 * - multipart: multipart/form-data (else 415) and CLIENT_HEADER (else 403);
 * - none: no body: CLIENT_HEADER, or an (empty) JSON body (else 403).
 */
export type BodyKind = 'json' | 'csv' | 'multipart' | 'none';

export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string; // OpenAPI style: /api/signals/{signal_id}/acknowledge
  role: 'public' | 'operator' | 'supervisor';
  summary: string;
  body?: z.ZodType;
  /** Writes only: what the body is (see BodyKind). */
  accepts?: BodyKind;
  /** Writes only: the most bytes the body may have, sized to the largest valid one. A longer body (declared by
   *  Content-Length, or counted as a chunked one arrives) is a 413 before the handler reads it. */
  maxBytes?: number;
  /** What a 413 tells the caller to do, when more can be said than the limit. */
  tooLarge?: string;
  /** The answer's shape (200), where a caller relies on it. */
  response?: z.ZodType;
}

const KiB = 1024;
const MiB = 1024 * KiB;
/** A body naming a few fields: a create, a rename, a version. */
const SMALL_BODY = 16 * KiB;
/** A body-less write: room for the `{}` some callers send. */
const NO_BODY = 1 * KiB;
/** A grid save (1,000 rows) or a slip's 500 lines, at the schema's longest values (writes.test.ts measures them). */
const GRID_BODY = 2 * MiB;

export const ROUTES: RouteDoc[] = [
  { method: 'get', path: '/api/health', role: 'public', summary: 'Database reachable and migrations applied' },
  { method: 'get', path: '/api/me', role: 'operator', summary: 'The signed-in user and role' },
  {
    method: 'post',
    path: '/api/sync/events',
    role: 'operator',
    summary: 'Push a batch of scan events (at most 500, 1 MiB)',
    body: pushRequestSchema,
    accepts: 'json',
    maxBytes: MAX_BATCH_BYTES,
    tooLarge: `A push may be at most ${MAX_BATCH_BYTES} bytes: send fewer events per request.`,
    response: pushAnswerSchema
  },
  {
    method: 'get',
    path: '/api/sync/snapshot',
    role: 'operator',
    summary:
      'Items, stock, active signals, lot expiries and the supplier part → item map (carton labels naming only 1P, bounded; a part two suppliers use for different items is left out) for offline use'
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
    summary:
      'Recent scan events, newest first, keyset-paginated; flagged=true: only scans whose GS1 code breaks an association rule (gs1_broken_rules)'
  },
  { method: 'get', path: '/api/signals', role: 'operator', summary: 'Replenishment signals in their current state' },
  {
    method: 'post',
    path: '/api/signals/{signal_id}/acknowledge',
    role: 'supervisor',
    summary: 'Acknowledge an open signal',
    accepts: 'none',
    maxBytes: NO_BODY
  },
  {
    method: 'post',
    path: '/api/signals/{signal_id}/fulfill',
    role: 'supervisor',
    summary: 'Mark a signal fulfilled',
    accepts: 'none',
    maxBytes: NO_BODY
  },
  { method: 'get', path: '/api/devices', role: 'supervisor', summary: 'Every device with its sync health' },
  {
    method: 'get',
    path: '/api/counts',
    role: 'supervisor',
    summary: 'Cycle counts applied: counted, expected, variance and the adjustment made'
  },
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
    body: resolveRejectionSchema,
    accepts: 'json',
    maxBytes: SMALL_BODY
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
    body: itemsSaveSchema,
    accepts: 'json',
    maxBytes: GRID_BODY
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
    path: '/api/items/{item_id}/lots',
    role: 'operator',
    summary: 'On hand per lot and location, with the expiry scanned, from the events'
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
    method: 'get',
    path: '/api/analytics/genie',
    role: 'supervisor',
    summary: 'Whether a Genie space answers Ask LineSync (GENIE_SPACE_ID), and how to set one up when none does',
    response: genieStatusSchema
  },
  {
    method: 'post',
    path: '/api/analytics/genie/ask',
    role: 'supervisor',
    summary:
      'Ask the Genie space one question (at most 500 characters): its answer text, the SQL it ran and the result (502 Genie failed, 504 no answer in GENIE_TIMEOUT_MS, 409 no space)',
    body: genieQuestionSchema,
    accepts: 'json',
    maxBytes: SMALL_BODY,
    response: genieAnswerSchema
  },
  {
    method: 'post',
    path: '/api/packing-slips',
    role: 'operator',
    summary:
      'Upload a packing slip (multipart: slip_id, device_id, captured_at, files, text_layer); a retry answers the stored slip. A PDF that cannot be read or would cost too much (pages, operators, inflated bytes, time, memory) answers 422 unreadable_pdf or pdf_too_costly, and the slip is kept as failed with its failure_reason (a retry answers 422 slip_failed); PUT lines still enters it by hand',
    accepts: 'multipart',
    maxBytes: MAX_SLIP_BYTES + 4 * MiB, // the files, a text layer and the form's own framing
    tooLarge: `A packing slip may be at most ${MAX_SLIP_BYTES / MiB} MB in all.`
  },
  {
    method: 'get',
    path: '/api/packing-slips',
    role: 'operator',
    summary:
      'Packing slips, newest first, with status and line totals; filter by status (captured, uploaded, parsed, failed, received)'
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
    body: reviewSchema,
    accepts: 'json',
    maxBytes: GRID_BODY
  },
  {
    method: 'post',
    path: '/api/packing-slips/{slip_id}/carton-label',
    role: 'operator',
    summary:
      "Read a scanned carton label (ISO 15434 / ANSI MH10.8.2, as a keyboard wedge types it) against the slip: the item from P or from 1P through the slip supplier's supplier items, Q, 1T, and K / 4K / 11K checked against the slip's PO and number. Writes nothing; 422 with the reason for a label that is unreadable, names an unknown part, another PO, a line not on the PO or another packing list",
    body: cartonLabelRequestSchema,
    accepts: 'json',
    maxBytes: SMALL_BODY,
    response: cartonLabelSchema
  },
  {
    method: 'post',
    path: '/api/packing-slips/{slip_id}/receive',
    role: 'operator',
    summary: 'Receive every line as an INTAKE (once; event ids derive from slip and line)',
    accepts: 'json',
    maxBytes: SMALL_BODY
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
    body: locationCreateSchema,
    accepts: 'json',
    maxBytes: SMALL_BODY
  },
  {
    method: 'patch',
    path: '/api/locations/{location_id}',
    role: 'supervisor',
    summary: 'Rename a location, and set or clear its coordinates, at the version read (409 when stale)',
    body: locationRenameSchema,
    accepts: 'json',
    maxBytes: SMALL_BODY
  },
  {
    method: 'post',
    path: '/api/items/import',
    role: 'supervisor',
    summary:
      'Import items from CSV (text/csv, UTF-8, comma or semicolon): all errors with row and column (422) or all rows in one transaction',
    accepts: 'csv',
    maxBytes: MAX_IMPORT_BYTES,
    tooLarge: `An import may be at most ${MAX_IMPORT_BYTES / MiB} MiB: split the file.`
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
    body: suppliersSaveSchema,
    accepts: 'json',
    maxBytes: 2 * GRID_BODY // names, contacts and addresses of up to 1,000 suppliers
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
      'Import suppliers from CSV (text/csv, UTF-8, comma or semicolon): all errors with row and column (422) or all rows in one transaction',
    accepts: 'csv',
    maxBytes: MAX_SUPPLIER_IMPORT_BYTES,
    tooLarge: `An import may be at most ${MAX_SUPPLIER_IMPORT_BYTES / MiB} MiB: split the file.`
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
    body: supplierItemsSaveSchema,
    accepts: 'json',
    maxBytes: GRID_BODY
  },
  {
    method: 'post',
    path: '/api/supplier-items/import',
    role: 'supervisor',
    summary: 'Import supplier items from CSV: all errors with row and column (422) or all rows in one transaction',
    accepts: 'csv',
    maxBytes: MAX_SUPPLIER_IMPORT_BYTES,
    tooLarge: `An import may be at most ${MAX_SUPPLIER_IMPORT_BYTES / MiB} MiB: split the file.`
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
    body: categoryCreateSchema,
    accepts: 'json',
    maxBytes: SMALL_BODY
  },
  {
    method: 'patch',
    path: '/api/categories/{category_id}',
    role: 'supervisor',
    summary:
      'Rename and/or move a category (with its subtree) at the version read; a move into its own subtree is refused',
    body: categoryUpdateSchema,
    accepts: 'json',
    maxBytes: SMALL_BODY
  },
  {
    method: 'put',
    path: '/api/items/{item_id}/category',
    role: 'supervisor',
    summary: "Set or clear the category of an item at the item's version",
    body: itemCategorySchema,
    accepts: 'json',
    maxBytes: SMALL_BODY
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
    body: poCreateSchema,
    accepts: 'json',
    maxBytes: 256 * KiB
  },
  {
    method: 'post',
    path: '/api/purchase-orders/from-signals',
    role: 'supervisor',
    summary:
      'Draft purchase orders for open signals: one per preferred supplier, reorder qty rounded up to the pack size; open signals are acknowledged',
    body: poFromSignalsSchema,
    accepts: 'json',
    maxBytes: 64 * KiB
  },
  {
    method: 'post',
    path: '/api/labels',
    role: 'supervisor',
    summary:
      'A PDF sheet of printable labels for items, locations or supplier items (at most 600): stock avery-5160, avery-l7160 or thermal-4x6; DataMatrix, Code 128 or QR',
    body: labelRequestSchema,
    accepts: 'json',
    maxBytes: 256 * KiB
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
    body: poEditSchema,
    accepts: 'json',
    maxBytes: 256 * KiB
  },
  {
    method: 'post',
    path: '/api/purchase-orders/{po_id}/send',
    role: 'supervisor',
    summary: 'Send a draft (409 unless the status rules allow it; 422 without lines)',
    body: poActionSchema,
    accepts: 'json',
    maxBytes: SMALL_BODY
  },
  {
    method: 'post',
    path: '/api/purchase-orders/{po_id}/cancel',
    role: 'supervisor',
    summary: 'Cancel a draft or sent purchase order (409 otherwise)',
    body: poActionSchema,
    accepts: 'json',
    maxBytes: SMALL_BODY
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

/** The content a write is sent as, for its requestBody (none for a body-less one). */
function requestContent(r: RouteDoc): Record<string, unknown> | undefined {
  const schema = r.body ? z.toJSONSchema(r.body, { unrepresentable: 'any' }) : {};
  switch (r.accepts) {
    case 'json':
      return { 'application/json': { schema } };
    case 'csv':
      return { 'text/csv': { schema: { type: 'string' } } };
    case 'multipart':
      return { 'multipart/form-data': { schema: { type: 'object' } } };
    default:
      return undefined;
  }
}

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of ROUTES) {
    const params: Record<string, unknown>[] = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' }
    }));
    if (r.accepts === 'csv' || r.accepts === 'multipart' || r.accepts === 'none')
      params.push({
        name: CLIENT_HEADER,
        in: 'header',
        required: r.accepts !== 'none',
        description:
          r.accepts === 'none'
            ? 'Send "1" (or a JSON body): a request a plain HTML form could make is refused (403)'
            : 'Send "1": a request a plain HTML form could make is refused (403)',
        schema: { type: 'string', const: '1' }
      });
    const content = requestContent(r);
    (paths[r.path] ??= {})[r.method] = {
      summary: r.summary,
      'x-linesync-role': r.role,
      ...(r.maxBytes !== undefined ? { 'x-linesync-max-body-bytes': r.maxBytes } : {}),
      ...(params.length ? { parameters: params } : {}),
      ...(content ? { requestBody: { required: true, content } } : {}),
      responses: {
        '200': r.response
          ? {
              description: 'OK',
              content: { 'application/json': { schema: z.toJSONSchema(r.response, { unrepresentable: 'any' }) } }
            }
          : { description: 'OK' },
        '4XX': {
          description:
            'The request was refused; the body says why' +
            (r.maxBytes !== undefined ? ` (413 above ${r.maxBytes} bytes, 415 for another content type)` : ''),
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
