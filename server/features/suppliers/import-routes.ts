// POST /api/suppliers/import and /api/supplier-items/import: CSV files checked whole first (every error answered with
// its row and column), then applied in one transaction, as the item import does: new rows created, existing ones
// updated in the columns the file names (the others kept), each change audited.
import { Hono } from 'hono';
import { parseSupplierItemsCsv } from '#domain/supplier-items';
import { parseSuppliersCsv } from '#domain/suppliers';
import type { Env } from '../../http/auth';
import type { Deps } from '../../deps';
import { csvText } from '../../http/csv-upload';
import { applySupplierItems, applySuppliers, invalid } from './import';

export function supplierImportRoutes({ sql }: Deps) {
  return new Hono<Env>().post('/', async (c) => {
    const file = parseSuppliersCsv(await csvText(c));
    if (file.errors.length) throw invalid(file.errors);
    const user = c.get('user').email;
    return c.json(await sql.begin((tx) => applySuppliers(tx, file, user)));
  });
}

export function supplierItemImportRoutes({ sql }: Deps) {
  return new Hono<Env>().post('/', async (c) => {
    const file = parseSupplierItemsCsv(await csvText(c));
    if (file.errors.length) throw invalid(file.errors);
    const user = c.get('user').email;
    return c.json(await sql.begin((tx) => applySupplierItems(tx, file, user)));
  });
}
