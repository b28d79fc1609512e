// Supplier items as supervisors keep them: the list, the names slips taught that are no supplier yet, the batch save.
import { Hono } from 'hono';
import { z } from 'zod';
import { supplierItemsSaveSchema } from '#domain/supplier-items';
import type { Env } from '../../http/auth';
import type { Deps } from '../../deps';
import { jsonBody, queryParams } from '../../http/errors';
import { listSupplierItems, saveSupplierItems, supplierItemListQuery, unknownSuppliers } from './supplier-items';

export function supplierItemRoutes({ sql }: Deps) {
  return new Hono<Env>()
    .get('/', async (c) => c.json(await listSupplierItems(sql, queryParams(c, supplierItemListQuery))))
    .get('/unknown-suppliers', async (c) => {
      queryParams(c, z.strictObject({}));
      return c.json({ rows: await unknownSuppliers(sql) });
    })
    .patch('/', async (c) => {
      const { rows } = await jsonBody(c, supplierItemsSaveSchema);
      const user = c.get('user').email;
      return c.json(await sql.begin((tx) => saveSupplierItems(tx, rows, user)));
    });
}
