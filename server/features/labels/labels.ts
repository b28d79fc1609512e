// The labels a request names, read from the master data: each id must exist, each code must be one the station
// reads back as what it names. What goes on each label: src/lib/domain/labels.ts.
import {
  DEFAULT_SYMBOLOGY,
  itemCode,
  LABEL_STOCKS,
  locationCode,
  supplierItemCode,
  type CodeResult,
  type LabelRequest
} from '#domain/labels';
import type { Sql } from '../../db/connect';
import { ApiError } from '../../http/errors';
import { LabelError, renderLabels, type LabelSpec } from './render';

export async function labelSheet(sql: Sql, req: LabelRequest): Promise<{ pdf: Uint8Array; labels: number }> {
  const specs = await labelSpecs(sql, req);
  const all = specs.flatMap((s) => Array.from({ length: req.copies }, () => s));
  try {
    return { pdf: await renderLabels(LABEL_STOCKS[req.stock], all, req.skip), labels: all.length };
  } catch (e) {
    if (e instanceof LabelError) throw new ApiError(422, 'label_does_not_fit', e.message);
    throw e;
  }
}

async function labelSpecs(sql: Sql, req: LabelRequest): Promise<LabelSpec[]> {
  const symbology = req.symbology ?? DEFAULT_SYMBOLOGY[req.kind];
  if (req.kind === 'item') {
    const rows = await sql<{ item_id: string; gtin: string | null; description: string; unit: string }[]>`
      SELECT item_id, gtin, description, unit FROM items WHERE item_id = ANY(${req.item_ids}::text[])`;
    const by = new Map(rows.map((r) => [r.item_id, r]));
    missing('item', req.item_ids, by);
    return build(req.item_ids, (id) => {
      const it = by.get(id)!;
      const code = itemCode(it, symbology);
      return [
        code,
        { title: it.item_id, lines: [code.ok && code.code.human !== it.item_id ? code.code.human : '', describe(it)] }
      ];
    });
  }
  if (req.kind === 'location') {
    const rows = await sql<{ location_id: string; name: string }[]>`
      SELECT location_id, name FROM locations WHERE location_id = ANY(${req.location_ids}::text[])`;
    const by = new Map(rows.map((r) => [r.location_id, r]));
    missing('location', req.location_ids, by);
    return build(req.location_ids, (id) => {
      const loc = by.get(id)!;
      return [locationCode(id, symbology), { title: loc.location_id, lines: [loc.name === id ? '' : loc.name] }];
    });
  }
  const keys = req.supplier_items.map((k) => `${k.supplier_id}\u0000${k.supplier_part}`);
  const rows = await sql<
    {
      supplier_id: string;
      supplier_part: string;
      supplier_name: string;
      item_id: string;
      description: string;
      unit: string;
      pack_size: number;
    }[]
  >`
    SELECT si.supplier_id, si.supplier_part, s.name AS supplier_name, si.item_id, i.description, i.unit, si.pack_size
    FROM supplier_items si JOIN suppliers s ON s.supplier_id = si.supplier_id JOIN items i ON i.item_id = si.item_id
    WHERE si.supplier_id = ANY(${req.supplier_items.map((k) => k.supplier_id)}::text[])
      AND si.supplier_part = ANY(${req.supplier_items.map((k) => k.supplier_part)}::text[])`;
  const by = new Map(rows.map((r) => [`${r.supplier_id}\u0000${r.supplier_part}`, r]));
  missing('supplier item', keys, by, (k) => k.replace('\u0000', ' part '));
  return build(keys, (k) => {
    const r = by.get(k)!;
    return [
      supplierItemCode(r, symbology),
      {
        title: r.supplier_part,
        lines: [
          `${r.supplier_name} · item ${r.item_id}${r.pack_size > 1 ? `, pack of ${r.pack_size}` : ''}`,
          describe(r)
        ]
      }
    ];
  });
}

function describe(it: { description: string; unit: string }): string {
  return it.description ? `${it.description} (${it.unit || 'ea'})` : '';
}

function missing(what: string, ids: string[], by: Map<string, unknown>, show = (id: string) => id) {
  const gone = [...new Set(ids.filter((id) => !by.has(id)))];
  if (gone.length)
    throw new ApiError(
      404,
      'not_found',
      `No ${what} ${gone.slice(0, 5).map(show).join(', ')}${gone.length > 5 ? ` and ${gone.length - 5} more` : ''}.`,
      { missing: gone.map(show) }
    );
}

/** The specs in request order; every code that cannot be made is named in one 422. */
function build(ids: string[], make: (id: string) => [CodeResult, Omit<LabelSpec, 'code'>]): LabelSpec[] {
  const out: LabelSpec[] = [];
  const errors: string[] = [];
  for (const id of ids) {
    const [code, rest] = make(id);
    if (code.ok) out.push({ code: code.code, ...rest });
    else errors.push(code.error);
  }
  if (errors.length)
    throw new ApiError(
      422,
      'unlabelable',
      errors.slice(0, 5).join(' ') + (errors.length > 5 ? ` (${errors.length - 5} more)` : ''),
      {
        errors
      }
    );
  return out;
}
