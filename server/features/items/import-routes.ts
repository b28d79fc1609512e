// POST /api/items/import: a CSV of items. Every row is checked first and every error is answered with its row and
// column; only a file without errors is applied, in one transaction: new items created, existing ones updated in
// the columns the file names (the others kept), each change audited.
import { Hono } from 'hono';
import { parseItemsCsv } from '#domain/csv';
import type { Env } from '../../http/auth';
import type { Deps } from '../../deps';
import { csvText, invalidCsv as invalid } from '../../http/csv-upload';
import { applyItemImport } from './import';

export function itemImportRoutes({ sql }: Deps) {
  return new Hono<Env>().post('/', async (c) => {
    const file = parseItemsCsv(await csvText(c));
    if (file.errors.length) throw invalid(file.errors);
    const user = c.get('user').email;
    return c.json(await sql.begin((tx) => applyItemImport(tx, file, user)));
  });
}
