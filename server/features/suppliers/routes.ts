// Suppliers: the list, one supplier, its audit trail, and the grid's batch save.
import { Hono } from 'hono';
import { supplierId, suppliersSaveSchema } from '#domain/suppliers';
import type { Env } from '../../http/auth';
import type { Deps } from '../../deps';
import { ApiError, jsonBody, queryParams } from '../../http/errors';
import { getSupplier, listSuppliers, saveSuppliers, supplierAudit, supplierListQuery } from './suppliers';

function supplierParam(raw: string): string {
  const parsed = supplierId.safeParse(raw);
  if (!parsed.success) throw new ApiError(400, 'invalid_request', 'supplier_id must be 1 to 64 printable characters.');
  return parsed.data;
}

export function supplierRoutes({ sql }: Deps) {
  return new Hono<Env>()
    .get('/', async (c) => c.json(await listSuppliers(sql, queryParams(c, supplierListQuery))))
    .patch('/', async (c) => {
      const { rows } = await jsonBody(c, suppliersSaveSchema);
      const user = c.get('user').email;
      return c.json(await sql.begin((tx) => saveSuppliers(tx, rows, user)));
    })
    .get('/:supplier_id/audit', async (c) =>
      c.json({ rows: await supplierAudit(sql, supplierParam(c.req.param('supplier_id'))) })
    )
    .get('/:supplier_id', async (c) => {
      const id = supplierParam(c.req.param('supplier_id'));
      const supplier = await getSupplier(sql, id);
      if (!supplier) throw new ApiError(404, 'not_found', `No supplier ${id}.`);
      return c.json(supplier);
    });
}
