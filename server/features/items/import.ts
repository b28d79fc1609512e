// The item CSV import, applied in one transaction once the file is free of errors: new items created, existing ones
// updated in the columns the file names (the others kept), each change audited.
import type { ItemImport } from '#domain/csv';
import { ITEM_FIELDS } from '#domain/items';
import type { TransactionSql } from '../../db/connect';
import { invalidCsv as invalid } from '../../http/csv-upload';

export const MAX_IMPORT_BYTES = 32 * 1024 * 1024;
const DEFAULTS = {
  description: "''",
  unit: "'ea'",
  reorder_point: 'NULL',
  reorder_qty: 'NULL',
  gtin: 'NULL',
  active: 'true'
} as const;
const TYPES = {
  description: 'text',
  unit: 'text',
  reorder_point: 'integer',
  reorder_qty: 'integer',
  gtin: 'text',
  active: 'boolean'
} as const;

export async function applyItemImport(tx: TransactionSql, file: ItemImport, user: string) {
  const ids = file.rows.map((r) => r.item_id);
  // GTINs this file gives that already belong to items the file does not name.
  if (file.columns.includes('gtin')) {
    const gtins = file.rows.filter((r) => r.gtin).map((r) => ({ gtin: r.gtin!, row: r.row, item_id: r.item_id }));
    const taken = await tx<{ gtin: string; item_id: string }[]>`
      SELECT i.gtin, i.item_id FROM items i
      WHERE i.gtin = ANY(${gtins.map((g) => g.gtin)}::text[]) AND NOT i.item_id = ANY(${ids}::text[])`;
    if (taken.length) {
      const owner = new Map(taken.map((t) => [t.gtin, t.item_id]));
      throw invalid(
        gtins
          .filter((g) => owner.has(g.gtin))
          .map((g) => ({
            row: g.row,
            column: 'gtin',
            message: `${g.gtin} already belongs to item ${owner.get(g.gtin)}`
          }))
      );
    }
  }
  const cols = file.columns;
  const recordType = ['item_id text', ...cols.map((c) => `${c} ${TYPES[c]}`)].join(', ');
  const insertCols = ['item_id', ...ITEM_FIELDS].join(', ');
  const insertVals = ['r.item_id', ...ITEM_FIELDS.map((f) => (cols.includes(f) ? `r.${f}` : DEFAULTS[f]))].join(', ');
  const set = cols.map((c) => `${c} = EXCLUDED.${c}`).join(', ');
  const changed = cols.map((c) => `items.${c} IS DISTINCT FROM EXCLUDED.${c}`).join(' OR ');
  // Three linear statements, not one with joins between CTEs: the planner cannot know how many rows a JSON parameter
  // holds and joined them with nested loops (50,000 rows: minutes instead of seconds).
  const before = await tx<Record<string, unknown>[]>`
    SELECT item_id, ${tx.unsafe(ITEM_FIELDS.join(', '))} FROM items WHERE item_id = ANY(${ids}::text[]) ORDER BY item_id FOR UPDATE`;
  const old = new Map(before.map((b) => [b.item_id as string, b]));
  const up = await tx<Record<string, unknown>[]>`
    INSERT INTO items AS items (${tx.unsafe(insertCols)}, updated_by)
    SELECT ${tx.unsafe(insertVals)}, ${user}
    FROM json_to_recordset(${tx.json(file.rows.map(({ row: _row, ...r }) => r) as never)}::json) AS r(${tx.unsafe(recordType)})
    ON CONFLICT (item_id) DO UPDATE SET ${tx.unsafe(set ? set + ', ' : '')} placeholder = false, version = items.version + 1,
      updated_at = now(), updated_by = EXCLUDED.updated_by
    ${tx.unsafe(changed ? `WHERE ${changed} OR items.placeholder` : 'WHERE items.placeholder')}
    RETURNING items.item_id, ${tx.unsafe(ITEM_FIELDS.map((f) => 'items.' + f).join(', '))}`;
  const pick = (r: Record<string, unknown>) => Object.fromEntries(ITEM_FIELDS.map((f) => [f, r[f]]));
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
