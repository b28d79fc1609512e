// POST /api/labels: a sheet of printable labels (PDF) for items, locations or supplier items (supervisors).
import { Hono } from 'hono';
import { labelRequestSchema } from '#domain/labels';
import type { Env } from '../../http/auth';
import type { Deps } from '../../deps';
import { jsonBody } from '../../http/errors';
import { labelSheet } from './labels';

export function labelRoutes({ sql }: Deps) {
  return new Hono<Env>().post('/', async (c) => {
    const req = await jsonBody(c, labelRequestSchema);
    const { pdf, labels } = await labelSheet(sql, req);
    return c.body(pdf as Uint8Array<ArrayBuffer>, 200, {
      'content-type': 'application/pdf',
      'content-disposition': `inline; filename="labels-${req.kind.replace('_', '-')}-${req.stock}.pdf"`,
      'cache-control': 'no-store',
      'x-label-count': String(labels)
    });
  });
}
