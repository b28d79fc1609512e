// CSV exports, streamed: rows leave in batches from a database cursor as they are read, so a large export never
// sits in memory whole. (On the embedded database the one connection is busy while an export runs.)
import { Hono, type Context } from 'hono';
import { stream } from 'hono/streaming';
import { z } from 'zod';
import { csvLine } from '#domain/csv';
import type { Env } from '../../http/auth';
import type { Deps } from '../../deps';
import { ApiError, queryParams } from '../../http/errors';
import {
  eventsExport,
  inventoryExport,
  itemsExport,
  signalsExport,
  supplierItemsExport,
  suppliersExport,
  type Export
} from './exports';

const BATCH = 2000;
const noParams = z.strictObject({});
const eventRange = z
  .strictObject({ from: z.iso.datetime({ offset: true }).optional(), to: z.iso.datetime({ offset: true }).optional() })
  .refine((r) => !r.from || !r.to || Date.parse(r.from) <= Date.parse(r.to), 'from must not be after to');

function csv(c: Context<Env>, name: string, { columns, query }: Export) {
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
  const plain = (name: string, read: (s: typeof sql) => Export) => (c: Context<Env>) => {
    queryParams(c, noParams);
    return csv(c, name, read(sql));
  };
  return new Hono<Env>()
    .get('/inventory.csv', plain('inventory', inventoryExport))
    .get('/items.csv', plain('items', itemsExport))
    .get('/suppliers.csv', plain('suppliers', suppliersExport))
    .get('/supplier-items.csv', plain('supplier-items', supplierItemsExport))
    .get('/events.csv', (c) => {
      const r = queryParams(c, eventRange);
      if (!r.from && !r.to)
        throw new ApiError(400, 'invalid_request', 'Give a date range: from and/or to (ISO 8601 with a time zone).');
      return csv(c, 'events', eventsExport(sql, r));
    })
    .get('/signals.csv', plain('signals', signalsExport));
}
