// The AI/BI dashboard the bundle deploys (resources/linesync.lvdash.json) against the shape the Lakeview API
// serializes (datasets with queryLines, pages with a layout of widgets, each widget's query naming a dataset) and
// against the pipeline: every dataset reads only gold tables the pipeline SQL creates, by columns they have, and every
// widget field names a column its dataset returns. Datasets name tables without catalog and schema: the bundle's
// dataset_catalog and dataset_schema give those per target.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, isMap, readYaml, resolveTarget, targets, type Node } from './bundle';

interface Dataset {
  name: string;
  displayName: string;
  queryLines: string[];
}
interface Field {
  name: string;
  expression: string;
}
interface Widget {
  name: string;
  textbox_spec?: string;
  queries?: { name: string; query: { datasetName: string; fields: Field[]; disaggregated: boolean } }[];
  spec?: {
    version: number;
    widgetType: string;
    encodings: Record<string, unknown>;
    frame?: { title?: string };
    mark?: Record<string, unknown>;
  };
}
interface Dashboard {
  datasets: Dataset[];
  pages: {
    name: string;
    displayName: string;
    layout: { widget: Widget; position: { x: number; y: number; width: number; height: number } }[];
  }[];
}

const DASHBOARD_FILE = 'resources/linesync.lvdash.json';
const dashboard = JSON.parse(readFileSync(join(ROOT, DASHBOARD_FILE), 'utf8')) as Dashboard;

/** Text with its string literals blanked and comments dropped, so words inside them are not taken for names. */
const code = (sql: string) =>
  sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/`/g, '');

/** The top-level comma-separated items of a SELECT list, or the text up to the first top-level FROM. */
function splitTop(text: string, stopAtFrom: boolean): { items: string[]; rest: string } {
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && ch === ',') {
      items.push(text.slice(start, i));
      start = i + 1;
    } else if (depth === 0 && stopAtFrom && /^\bFROM\b/i.test(text.slice(i)) && /\W/.test(text[i - 1] ?? ' ')) {
      items.push(text.slice(start, i));
      return { items, rest: text.slice(i) };
    }
  }
  items.push(text.slice(start));
  return { items, rest: '' };
}

/** The names of the columns a SELECT returns: each item's alias, else the column it names. */
export function selectColumns(sql: string): string[] {
  const body = code(sql);
  const m = /\bSELECT\b/i.exec(body);
  if (!m) throw new Error(`no SELECT in: ${sql.slice(0, 80)}`);
  const { items } = splitTop(body.slice(m.index + m[0].length), true);
  return items.map((item) => {
    const t = item.trim();
    const alias = /\bAS\s+(\w+)\s*$/i.exec(t) ?? /(\w+)\s*$/.exec(t);
    if (!alias || t.endsWith('*')) throw new Error(`cannot name the column of "${t}"`);
    return alias[1].toLowerCase();
  });
}

/** Every gold table the pipeline SQL creates, with the columns it returns. */
export function goldTables(): Map<string, string[]> {
  const dir = join(ROOT, 'sql/pipeline');
  const out = new Map<string, string[]>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.sql'))) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const m of text.matchAll(/CREATE OR REFRESH (?:MATERIALIZED VIEW|STREAMING TABLE) (gold_\w+)/g)) {
      const after = text.slice(m.index + m[0].length);
      const as = /\bAS\s+SELECT\b/i.exec(code(after));
      if (!as) throw new Error(`${m[1]} in ${file}: no AS SELECT`);
      out.set(m[1], selectColumns(code(after).slice(as.index + 3)));
    }
  }
  return out;
}

// Words a dataset query may use besides table names, columns and its own aliases: SQL and the functions used here.
const SQL_WORDS = new Set(
  `select from where and or not as over partition by order desc asc group having case when then else end is null in
   interval limit qualify join left inner on distinct cast double bigint int date true false
   row_number date_trunc date_sub current_date current_timestamp sum count avg min max coalesce round`
    .split(/\s+/)
    .filter(Boolean)
);

/** What in one dataset query is not a gold table, a column of the gold tables it reads, or its own alias. */
export function datasetProblems(sql: string, gold: Map<string, string[]>): string[] {
  const body = code(sql);
  const out: string[] = [];
  const tables: string[] = [];
  const named = new Set<string>(); // every part of every table name, reported above if wrong
  for (const m of body.matchAll(/\b(?:FROM|JOIN)\s+(?!\()([\w.]+)/gi)) {
    const name = m[1];
    for (const part of name.split('.')) named.add(part.toLowerCase());
    if (name.includes('.'))
      out.push(`${name}: name tables without catalog and schema (dataset_catalog and dataset_schema give them)`);
    else if (!gold.has(name)) out.push(`${name} is not a gold table of the pipeline`);
    else tables.push(name);
  }
  if (!tables.length) out.push('reads no gold table');
  const columns = new Set(tables.flatMap((t) => gold.get(t)!));
  const aliases = new Set<string>();
  for (const m of body.matchAll(/\bAS\s+(\w+)/gi)) aliases.add(m[1].toLowerCase());
  for (const m of body.matchAll(/\b(?:FROM|JOIN)\s+[\w.]+\s+(?!(?:WHERE|ON|GROUP|ORDER|LEFT|JOIN|INNER)\b)(\w+)/gi))
    aliases.add(m[1].toLowerCase()); // table aliases
  for (const m of body.matchAll(/\)\s*(\w+)/g)) if (!SQL_WORDS.has(m[1].toLowerCase())) aliases.add(m[1].toLowerCase()); // subquery aliases
  for (const m of body.matchAll(/\b([A-Za-z_]\w*)\b/g)) {
    const word = m[1].toLowerCase();
    if (SQL_WORDS.has(word) || named.has(word) || columns.has(word) || aliases.has(word)) continue;
    if (/^\d/.test(word)) continue;
    out.push(`${m[1]} is no column of ${tables.join(', ') || 'any table read'}`);
  }
  return [...new Set(out)];
}

const sqlOf = (d: Dataset) => d.queryLines.join('');

describe('resources/linesync.lvdash.json', () => {
  it('has the serialized dashboard shape: named datasets with queryLines, pages with a layout of widgets', () => {
    expect(Object.keys(dashboard).sort()).toEqual(['datasets', 'pages']);
    const names = dashboard.datasets.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    for (const d of dashboard.datasets) {
      expect(d.name).toMatch(/^\w+$/);
      expect(d.displayName).toEqual(expect.any(String));
      expect(d.queryLines.length).toBeGreaterThan(0);
      expect(d.queryLines.every((l) => typeof l === 'string')).toBe(true);
      // queryLines keep their line ends, as an export does: the lines joined are the query.
      expect(d.queryLines.slice(0, -1).every((l) => l.endsWith('\n'))).toBe(true);
    }
    expect(dashboard.pages.length).toBeGreaterThan(0);
    const widgetNames = dashboard.pages.flatMap((p) => p.layout.map((l) => l.widget.name));
    expect(new Set(widgetNames).size).toBe(widgetNames.length);
    for (const page of dashboard.pages) {
      expect(page.name).toMatch(/^\w+$/);
      for (const { widget, position } of page.layout) {
        expect(Number.isInteger(position.x) && position.x >= 0, widget.name).toBe(true);
        expect(position.x + position.width, `${widget.name} fits the 6-column grid`).toBeLessThanOrEqual(6);
        expect(position.height, widget.name).toBeGreaterThan(0);
        if (widget.textbox_spec !== undefined) continue;
        expect(widget.spec?.widgetType, widget.name).toMatch(/^(counter|table|bar|line|symbol-map)$/);
        expect(widget.spec?.version, widget.name).toEqual(expect.any(Number));
        expect(widget.queries?.length, widget.name).toBeGreaterThan(0);
      }
    }
  });

  it('lays no widget over another', () => {
    for (const page of dashboard.pages) {
      const cells = new Map<string, string>();
      for (const { widget, position: p } of page.layout)
        for (let x = p.x; x < p.x + p.width; x++)
          for (let y = p.y; y < p.y + p.height; y++) {
            const at = `${x},${y}`;
            expect(cells.get(at), `${widget.name} overlaps ${cells.get(at)} at ${at}`).toBeUndefined();
            cells.set(at, widget.name);
          }
    }
  });

  it('shows stock and negative stock, consumption per day, signal SLA times and station throughput', () => {
    const gold = goldTables();
    const read = (table: string) =>
      dashboard.datasets.filter((d) => datasetProblems(sqlOf(d), gold).length === 0 && sqlOf(d).includes(table));
    expect(read('gold_on_hand_history').length).toBeGreaterThan(0);
    expect(dashboard.datasets.some((d) => /on_hand < 0/.test(sqlOf(d)))).toBe(true);
    expect(read('gold_daily_movements').length).toBeGreaterThan(0);
    expect(read('gold_replenishment_sla').length).toBeGreaterThan(0);
    expect(read('gold_station_throughput_hourly').length).toBeGreaterThan(0);
    const titles = dashboard.pages.flatMap((p) => p.layout.map((l) => l.widget.spec?.frame?.title ?? ''));
    for (const t of ['Stock below zero', 'Negative stock', 'Consumption per day', 'Signal SLA per week'])
      expect(titles).toContain(t);
    expect(titles.some((t) => /Station throughput/.test(t))).toBe(true);
  });

  it('maps locations and suppliers from their coordinates in gold_places', () => {
    const gold = goldTables();
    const places = gold.get('gold_places');
    expect(places, 'sql/pipeline/gold_places.sql').toEqual(
      expect.arrayContaining(['kind', 'place_id', 'name', 'latitude', 'longitude', 'on_hand_qty', 'open_po_count'])
    );
    const maps = dashboard.pages.flatMap((p) => p.layout.filter((l) => l.widget.spec?.widgetType === 'symbol-map'));
    expect(maps).toHaveLength(1);
    const { widget } = maps[0];
    expect(widget.spec?.frame?.title).toBe('Locations and suppliers');
    // The point map's serialized form: version 2, one `coordinates` encoding holding latitude and longitude (bare
    // latitude/longitude channels are not read), the rows disaggregated: one marker per place.
    expect(widget.spec?.version).toBe(2);
    const enc = widget.spec!.encodings as {
      coordinates?: { latitude?: { fieldName: string }; longitude?: { fieldName: string } };
      color?: { fieldName: string; scale?: { type: string } };
      extra?: { fieldName: string }[];
    };
    expect(Object.keys(enc)).not.toContain('latitude');
    expect(widget.queries).toHaveLength(1);
    const { query } = widget.queries![0];
    expect(query.disaggregated).toBe(true);
    // Every field the widget asks for is a column of its dataset, and that column one of gold_places.
    const dataset = dashboard.datasets.find((d) => d.name === query.datasetName);
    expect(dataset, query.datasetName).toBeDefined();
    expect(datasetProblems(sqlOf(dataset!), gold)).toEqual([]);
    expect(sqlOf(dataset!)).toMatch(/\bFROM gold_places\b/);
    const columns = selectColumns(sqlOf(dataset!));
    const column = (fieldName: string | undefined) => {
      const f = query.fields.find((x) => x.name === fieldName);
      expect(f, `${widget.name}: a field named ${fieldName}`).toBeDefined();
      const m = /^`(\w+)`$/.exec(f!.expression);
      expect(m, f!.expression).not.toBeNull();
      expect(columns, `${query.datasetName} returns ${m![1]}`).toContain(m![1]);
      expect(places, `gold_places has ${m![1]}`).toContain(m![1]);
      return m![1];
    };
    expect(column(enc.coordinates?.latitude?.fieldName)).toBe('latitude');
    expect(column(enc.coordinates?.longitude?.fieldName)).toBe('longitude');
    expect(column(enc.color?.fieldName)).toBe('kind');
    expect(enc.color?.scale?.type).toBe('categorical');
    for (const f of query.fields) column(f.name);
    expect((enc.extra ?? []).map((e) => column(e.fieldName))).toEqual(
      expect.arrayContaining(['name', 'on_hand_qty', 'open_po_count'])
    );
    // A place without coordinates has nowhere to go: the dataset leaves it out.
    expect(sqlOf(dataset!)).toMatch(/latitude IS NOT NULL AND p\.longitude IS NOT NULL/);
  });

  it('reads only gold tables of the pipeline, by columns they have', () => {
    const gold = goldTables();
    // The parse of the pipeline itself: the tables and a few columns it must find.
    expect([...gold.keys()].sort()).toEqual(
      expect.arrayContaining([
        'gold_daily_movements',
        'gold_on_hand_history',
        'gold_replenishment_sla',
        'gold_station_throughput_hourly'
      ])
    );
    expect(gold.get('gold_on_hand_history')).toEqual(expect.arrayContaining(['day', 'item_id', 'on_hand']));
    expect(gold.get('gold_replenishment_sla')).toEqual(expect.arrayContaining(['seconds_to_fulfil', 'state']));
    for (const d of dashboard.datasets) expect(datasetProblems(sqlOf(d), gold), d.name).toEqual([]);
  });

  it('catches a wrong table, a qualified name and a missing column (the check can fail)', () => {
    const gold = goldTables();
    expect(datasetProblems('SELECT s.qty FROM silver_scans s', gold)).toEqual([
      'silver_scans is not a gold table of the pipeline',
      'reads no gold table',
      'qty is no column of any table read'
    ]);
    expect(datasetProblems('SELECT m.day FROM main.linesync_analytics.gold_daily_movements m', gold)).toEqual([
      'main.linesync_analytics.gold_daily_movements: name tables without catalog and schema (dataset_catalog and dataset_schema give them)',
      'reads no gold table',
      'day is no column of any table read'
    ]);
    expect(datasetProblems('SELECT m.day, m.consumed_qty FROM gold_daily_movements m', gold)).toEqual([
      'consumed_qty is no column of gold_daily_movements'
    ]);
    expect(selectColumns('SELECT a.x, CAST(sum(b) AS BIGINT) AS total, f(c, d) AS g FROM t')).toEqual([
      'x',
      'total',
      'g'
    ]);
  });

  it('has every widget field name a column its dataset returns, and every encoding a field of its query', () => {
    const byName = new Map(dashboard.datasets.map((d) => [d.name, selectColumns(sqlOf(d))]));
    for (const page of dashboard.pages)
      for (const { widget } of page.layout) {
        if (!widget.queries) continue;
        const fieldNames = new Set<string>();
        for (const { query } of widget.queries) {
          const columns = byName.get(query.datasetName);
          expect(columns, `${widget.name}: dataset ${query.datasetName}`).toBeDefined();
          for (const f of query.fields) {
            fieldNames.add(f.name);
            for (const m of f.expression.matchAll(/`([^`]+)`/g))
              if (m[1] !== '*') expect(columns, `${widget.name}: ${f.expression}`).toContain(m[1]);
          }
        }
        const encoded = JSON.stringify(widget.spec?.encodings ?? {}).matchAll(/"fieldName":"([^"]+)"/g);
        for (const m of encoded) expect(fieldNames, `${widget.name} encodes ${m[1]}`).toContain(m[1]);
      }
  });
});

describe('the dashboard resource in databricks.yml', () => {
  it.each(targets())('target %s: deploys the file on the warehouse, datasets in the analytics schema', (target) => {
    const config = resolveTarget(target);
    const d = (config.resources as Record<string, Record<string, Node>>).dashboards?.linesync;
    expect(isMap(d)).toBe(true);
    const r = d as Record<string, Node>;
    expect(r.file_path).toBe('./' + DASHBOARD_FILE);
    expect(r.warehouse_id).toBe('abcdef0123456789'); // var.warehouse_id, the one the app reads on
    expect(r.dataset_catalog).toBe('${resources.schemas.analytics.catalog_name}');
    expect(r.dataset_schema).toBe('${resources.schemas.analytics.name}');
    expect(r.permissions).toEqual([{ level: 'CAN_RUN', group_name: 'users' }]);
  });

  it('names the file relative to databricks.yml', () => {
    const raw = readYaml('databricks.yml');
    const path = ((raw.resources as Record<string, Record<string, Record<string, Node>>>).dashboards.linesync
      .file_path ?? '') as string;
    expect(readFileSync(join(ROOT, path), 'utf8')).toContain('"datasets"');
  });
});
