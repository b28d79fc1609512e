// The item CSV import, applied in one transaction once the file is free of errors: new items created, existing ones
// updated in the columns the file names (the others kept), each change audited.
import type { ItemImport } from '#domain/csv';
import { IMPORT_FIELDS } from '#domain/items';
import type { TransactionSql } from '../../db/connect';
import { invalidCsv as invalid } from '../../http/csv-upload';
import { storedGtin } from './items';

export const MAX_IMPORT_BYTES = 32 * 1024 * 1024;
const DEFAULTS = {
  description: "''",
  unit: "'ea'",
  reorder_point: 'NULL',
  reorder_qty: 'NULL',
  gtin: 'NULL',
  active: 'true',
  tracking: "'none'"
} as const;
const TYPES = {
  description: 'text',
  unit: 'text',
  reorder_point: 'integer',
  reorder_qty: 'integer',
  gtin: 'text',
  active: 'boolean',
  tracking: 'text'
} as const;

export async function applyItemImport(tx: TransactionSql, parsed: ItemImport, user: string) {
  // GTINs stored as 14 digits (storedGtin), whichever form the file wrote them in.
  const file = parsed.columns.includes('gtin')
    ? { ...parsed, rows: parsed.rows.map((r) => (r.gtin ? { ...r, gtin: storedGtin(r.gtin)! } : r)) }
    : parsed;
  const ids = file.rows.map((r) => r.item_id);
  if (file.columns.includes('gtin')) {
    const gtins = parsed.rows
      .map((r, i) => ({ typed: r.gtin, gtin: file.rows[i].gtin, row: r.row, item_id: r.item_id }))
      .filter((g): g is { typed: string; gtin: string; row: number; item_id: string } => !!g.gtin && !!g.typed);
    // Two rows giving forms of one GTIN (036000291452 and 0036000291452): the file's parser sees two texts.
    const first = new Map<string, number>();
    const twice: typeof gtins = [];
    for (const g of gtins) {
      if (first.has(g.gtin)) twice.push(g);
      else first.set(g.gtin, g.row);
    }
    if (twice.length)
      throw invalid(
        twice.map((g) => ({ row: g.row, column: 'gtin', message: `${g.typed} is also on row ${first.get(g.gtin)}` }))
      );
    // GTINs this file gives that already belong to items the file does not name, in whatever form they are stored.
    const taken = await tx<{ gtin: string; item_id: string }[]>`
      SELECT lpad(i.gtin, 14, '0') AS gtin, i.item_id FROM items i
      WHERE lpad(i.gtin, 14, '0') = ANY(${gtins.map((g) => g.gtin)}::text[]) AND NOT i.item_id = ANY(${ids}::text[])`;
    if (taken.length) {
      const owner = new Map(taken.map((t) => [t.gtin, t.item_id]));
      throw invalid(
        gtins
          .filter((g) => owner.has(g.gtin))
          .map((g) => ({
            row: g.row,
            column: 'gtin',
            message: `${g.typed} already belongs to item ${owner.get(g.gtin)}`
          }))
      );
    }
  }
  const cols = file.columns;
  const recordType = ['item_id text', ...cols.map((c) => `${c} ${TYPES[c]}`)].join(', ');
  const insertCols = ['item_id', ...IMPORT_FIELDS].join(', ');
  const insertVals = ['r.item_id', ...IMPORT_FIELDS.map((f) => (cols.includes(f) ? `r.${f}` : DEFAULTS[f]))].join(', ');
  const set = cols.map((c) => `${c} = EXCLUDED.${c}`).join(', ');
  const changed = cols.map((c) => `items.${c} IS DISTINCT FROM EXCLUDED.${c}`).join(' OR ');
  // Three linear statements, not one with joins between CTEs: the planner cannot know how many rows a JSON parameter
  // holds and joined them with nested loops (50,000 rows: minutes instead of seconds).
  const before = await tx<Record<string, unknown>[]>`
    SELECT item_id, ${tx.unsafe(IMPORT_FIELDS.join(', '))} FROM items WHERE item_id = ANY(${ids}::text[]) ORDER BY item_id FOR UPDATE`;
  const old = new Map(before.map((b) => [b.item_id as string, b]));
  const up = await tx<Record<string, unknown>[]>`
    INSERT INTO items AS items (${tx.unsafe(insertCols)}, updated_by)
    SELECT ${tx.unsafe(insertVals)}, ${user}
    FROM json_to_recordset(${tx.json(file.rows.map(({ row: _row, ...r }) => r) as never)}::json) AS r(${tx.unsafe(recordType)})
    ON CONFLICT (item_id) DO UPDATE SET ${tx.unsafe(set ? set + ', ' : '')} placeholder = false, version = items.version + 1,
      updated_at = now(), updated_by = EXCLUDED.updated_by
    ${tx.unsafe(changed ? `WHERE ${changed} OR items.placeholder` : 'WHERE items.placeholder')}
    RETURNING items.item_id, ${tx.unsafe(IMPORT_FIELDS.map((f) => 'items.' + f).join(', '))}`;
  const pick = (r: Record<string, unknown>) => Object.fromEntries(IMPORT_FIELDS.map((f) => [f, r[f]]));
  const audit = up.map((r) => {
    const was = old.get(r.item_id as string);
    return { entity_id: r.item_id, action: was ? 'import' : 'create', before: was ? pick(was) : null, after: pick(r) };
  });
  if (audit.length)
    await tx`
      INSERT INTO audit_log (actor, entity, entity_id, action, before, after)
      SELECT ${user}, 'item', entity_id, action, before, after
      FROM json_to_recordset(${tx.json(audit as never)}::json) AS a(entity_id text, action text, before jsonb, after jsonb)`;
  const result = {
    created: audit.filter((a) => a.action === 'create').length,
    updated: audit.filter((a) => a.action === 'import').length
  };
  return {
    rows: file.rows.length,
    created: result.created,
    updated: result.updated,
    unchanged: file.rows.length - result.created - result.updated
  };
}
