// Reads databricks.yml the way `databricks bundle validate -t <target>` sees it, for the tests: included files
// merged in, the target merged over the root (maps merged, sequences appended, app resources merged by name with
// the later one winning, as the CLI's MergeApps does), development mode's prefix put on schema names (the CLI's
// ApplyPresets), then ${var.*}, ${bundle.*} and ${workspace.*} replaced.
// ${resources.*} stays: the CLI only knows those values at deploy time, and the schema accepts the reference.
import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export type Node = null | boolean | number | string | Node[] | { [key: string]: Node };
type Map = { [key: string]: Node };

const isMap = (v: Node | undefined): v is Map => typeof v === 'object' && v !== null && !Array.isArray(v);

export function readYaml(file: string): Map {
  const text = readFileSync(isAbsolute(file) ? file : ROOT + file, 'utf8');
  const doc = parse(text, { merge: true, maxAliasCount: 100 }) as Node;
  if (!isMap(doc)) throw new Error(`${file} is not a YAML mapping`);
  return doc;
}

export function merge(a: Node | undefined, b: Node | undefined): Node {
  if (b === undefined) return a ?? null;
  if (isMap(a) && isMap(b)) {
    const out: Map = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = merge(a[k], v);
    return out;
  }
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  return structuredClone(b);
}

/** The app's resources merged by name, the later definition replacing the earlier one (CLI: MergeApps). */
function mergeAppResources(config: Map) {
  const apps = isMap(config.resources) && isMap(config.resources.apps) ? config.resources.apps : {};
  for (const app of Object.values(apps)) {
    if (!isMap(app) || !Array.isArray(app.resources)) continue;
    const byName = new globalThis.Map<string, Node>();
    for (const r of app.resources) byName.set(isMap(r) ? String(r.name) : '', r);
    app.resources = [...byName.keys()].sort().map((k) => byName.get(k)!);
  }
}

/** Development mode prefixes every UC schema the bundle defines with dev_<short name>_ (the CLI's ApplyPresets and
 *  normalizePrefix of "[dev <short name>] "), unless experimental.skip_name_prefix_for_schema is set. */
function applySchemaPrefix(config: Map, workspace: Workspace) {
  if (config.mode !== 'development') return;
  if (isMap(config.experimental) && config.experimental.skip_name_prefix_for_schema === true) return;
  const schemas = isMap(config.resources) && isMap(config.resources.schemas) ? config.resources.schemas : {};
  const prefix = `dev_${workspace.current_user.short_name.replace(/[^\p{L}\p{N}]+/gu, '_')}_`;
  for (const schema of Object.values(schemas)) if (isMap(schema)) schema.name = prefix + String(schema.name);
}

export interface Workspace {
  current_user: { userName: string; short_name: string; domain_friendly_name: string };
}

export const SAMPLE_WORKSPACE: Workspace = {
  current_user: { userName: 'jane.doe@plant.example', short_name: 'jane_doe', domain_friendly_name: 'jane-doe' }
};

/** What a user passes with --var: the variables that have no default on purpose (looked up once, docs/deploy.md). */
export const SAMPLE_VARS: Record<string, string> = {
  lakebase_database: 'projects/linesync/branches/production/databases/db-a1b2-c3d4e5f6g7',
  warehouse_id: 'abcdef0123456789'
};

const REFERENCE = /\$\{([a-z_]+(?:\.[\w-]+)+)\}/g;

/** The bundle for one target, as the CLI resolves it before deploying (resource references aside). */
export function resolveTarget(
  target: string,
  opts: { include?: string[]; vars?: Record<string, string>; workspace?: Workspace; file?: string } = {}
) {
  const root = readYaml(opts.file ?? 'databricks.yml');
  let config: Map = root;
  for (const file of [...((root.include as string[] | null) ?? []), ...(opts.include ?? [])])
    config = merge(config, readYaml(file)) as Map;
  const targets = (config.targets ?? {}) as Map;
  const chosen = targets[target];
  if (!isMap(chosen)) throw new Error(`no target "${target}" in databricks.yml`);
  const { targets: _targets, ...rest } = config;
  void _targets;
  const { variables: targetVars, default: _default, ...overrides } = chosen;
  void _default;
  const merged = merge(rest, overrides) as Map;
  mergeAppResources(merged);
  applySchemaPrefix(merged, opts.workspace ?? SAMPLE_WORKSPACE);

  const values: Record<string, Node> = {};
  for (const [name, def] of Object.entries((merged.variables ?? {}) as Map))
    values[name] = isMap(def) ? (def.default ?? null) : def;
  for (const [name, value] of Object.entries((targetVars ?? {}) as Map))
    values[name] = isMap(value) ? (value.default ?? null) : value;
  Object.assign(values, opts.vars ?? SAMPLE_VARS);

  const context = {
    bundle: { target, name: (merged.bundle as Map).name },
    workspace: opts.workspace ?? SAMPLE_WORKSPACE
  };
  const lookup = (path: string, seen: string[]): Node | undefined => {
    const [head, ...tail] = path.split('.');
    if (head === 'var') {
      const name = tail.join('.');
      if (!(name in values)) throw new Error(`\${var.${name}} is not declared`);
      if (seen.includes(name)) throw new Error(`variable cycle: ${[...seen, name].join(' -> ')}`);
      const v = values[name];
      if (v === null) throw new Error(`variable ${name} has no value for target ${target}`);
      return substitute(v, [...seen, name]);
    }
    if (head === 'bundle' || head === 'workspace') {
      let node: unknown = context[head];
      for (const key of tail) node = (node as Record<string, unknown> | undefined)?.[key];
      if (node === undefined) throw new Error(`\${${path}} is not known`);
      return node as Node;
    }
    return undefined; // resources.*: resolved by the CLI at deploy time
  };
  const substitute = (node: Node, seen: string[] = []): Node => {
    if (typeof node === 'string') {
      const whole = /^\$\{([a-z_]+(?:\.[\w-]+)+)\}$/.exec(node);
      if (whole) {
        const v = lookup(whole[1], seen);
        return v === undefined ? node : v;
      }
      return node.replace(REFERENCE, (ref, path: string) => {
        const v = lookup(path, seen);
        return v === undefined ? ref : String(v);
      });
    }
    if (Array.isArray(node)) return node.map((n) => substitute(n, seen));
    if (isMap(node)) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, substitute(v, seen)]));
    return node;
  };
  const { variables, ...body } = merged;
  return { ...(substitute(body) as Map), variables } as Map;
}

export function targets(): string[] {
  return Object.keys((readYaml('databricks.yml').targets ?? {}) as Map);
}

export { isMap };

/** The files the CLI loads for a run: databricks.yml, its own includes, and the ones a test adds. */
function loadedFiles(include: string[] = []): string[] {
  const root = readYaml('databricks.yml');
  return ['databricks.yml', ...((root.include as string[] | null) ?? []), ...include];
}

/**
 * What the CLI's load phase refuses before any schema check, one line per problem: a resource key defined at the top
 * level of two files (target overrides are exempt), a ${var.*} without a value, and a ${resources.<type>.<key>.*} that
 * names no resource of the resolved target.
 */
export function loadProblems(
  target: string,
  opts: { include?: string[]; vars?: Record<string, string> } = {}
): string[] {
  const out: string[] = [];
  const definedIn = new globalThis.Map<string, string>();
  for (const file of loadedFiles(opts.include)) {
    const resources = readYaml(file).resources;
    if (!isMap(resources)) continue;
    for (const [type, byKey] of Object.entries(resources))
      for (const key of Object.keys(isMap(byKey) ? byKey : {})) {
        const id = `resources.${type}.${key}`;
        const first = definedIn.get(id);
        if (first)
          out.push(`${id} is defined in ${first} and ${file} (multiple resources have been defined with the same key)`);
        else definedIn.set(id, file);
      }
  }
  let config: Map;
  try {
    config = resolveTarget(target, opts);
  } catch (e) {
    return [...out, (e as Error).message];
  }
  const resources = isMap(config.resources) ? config.resources : {};
  for (const m of JSON.stringify(config).matchAll(/\$\{resources\.([\w-]+)\.([\w-]+)\.[\w.-]+\}/g)) {
    const byKey = resources[m[1]];
    if (!isMap(byKey) || !isMap(byKey[m[2]])) out.push(`${m[0]} names no resource of target ${target}`);
  }
  return [...new Set(out)];
}
