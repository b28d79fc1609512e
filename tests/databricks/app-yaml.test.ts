// app.yaml, and every target's app config which a bundle deploy gives in its place, against what Databricks Apps
// accepts as its documentation states it: `command`, a sequence of strings run without a shell (no variable expansion
// but DATABRICKS_APP_PORT), and `env`, a list of {name, value} or {name, valueFrom: <an app resource key>}.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROOT, isMap, resolveTarget, targets, type Node } from './bundle';

interface EnvEntry {
  name: string;
  value?: string;
  valueFrom?: string;
}
interface AppRuntime {
  command: string[];
  env: EnvEntry[];
}

/** What Apps would refuse, one line per problem; resource keys are the app's resources in the bundle. */
function appRuntimeProblems(doc: unknown, resourceKeys: string[], valueFromKey = 'valueFrom'): string[] {
  const out: string[] = [];
  if (!isMap(doc as Node)) return ['not a mapping'];
  const d = doc as Record<string, unknown>;
  for (const k of Object.keys(d)) if (k !== 'command' && k !== 'env') out.push(`unknown setting ${k}`);
  if (d.command !== undefined) {
    if (
      !Array.isArray(d.command) ||
      d.command.length === 0 ||
      !d.command.every((c) => typeof c === 'string' && c.length > 0)
    )
      out.push('command must be a non-empty sequence of strings');
    else
      for (const part of d.command as string[]) {
        if (/[|&;<>`]|\$\((?!\))/.test(part)) out.push(`command part "${part}" needs a shell, and Apps runs none`);
        for (const m of part.matchAll(/\$\{?(\w+)\}?/g))
          if (m[1] !== 'DATABRICKS_APP_PORT') out.push(`command expands ${m[1]}, which Apps does not`);
      }
  }
  if (d.env !== undefined && !Array.isArray(d.env)) out.push('env must be a list');
  const seen = new Set<string>();
  for (const e of (Array.isArray(d.env) ? d.env : []) as Record<string, unknown>[]) {
    const name = e?.name;
    if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      out.push(`env entry without a valid name: ${JSON.stringify(e)}`);
      continue;
    }
    if (seen.has(name)) out.push(`env ${name} is set twice`);
    seen.add(name);
    const extra = Object.keys(e).filter((k) => k !== 'name' && k !== 'value' && k !== valueFromKey);
    if (extra.length) out.push(`env ${name} has unknown fields ${extra.join(', ')}`);
    const hasValue = 'value' in e;
    const hasFrom = valueFromKey in e;
    if (hasValue === hasFrom) out.push(`env ${name} needs exactly one of value and ${valueFromKey}`);
    if (hasValue && typeof e.value !== 'string')
      out.push(`env ${name}: value must be a string (quote numbers and booleans)`);
    if (hasFrom && !resourceKeys.includes(String(e[valueFromKey])))
      out.push(`env ${name}: ${valueFromKey} ${String(e[valueFromKey])} names no app resource`);
  }
  return out;
}

const GOLD_SCHEMA = '${resources.schemas.analytics.catalog_name}.${resources.schemas.analytics.name}';
/** An app.yaml entry as the bundle's config writes it (valueFrom is value_from there). */
const written = (e: EnvEntry) => (e.valueFrom === undefined ? e : { name: e.name, value_from: e.valueFrom });
const appYamlText = readFileSync(join(ROOT, 'app.yaml'), 'utf8');
const appYaml = parse(appYamlText) as AppRuntime;
const resourceKeys = (target: string, include: string[] = []) =>
  (
    (resolveTarget(target, { include }).resources as Record<string, Record<string, Record<string, Node>>>).apps.linesync
      .resources as Record<string, Node>[]
  ).map((r) => String(r.name));

describe('app.yaml', () => {
  it('starts the server with npm start, on DATABRICKS_APP_PORT, trusting the Apps proxy', () => {
    expect(appYaml.command).toEqual(['npm', 'start']);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.start).toMatch(/^node (--[\w=-]+ )*--import tsx server\/main\.ts$/);
    // PORT would win over DATABRICKS_APP_PORT (server/config.ts), so it must not be set here.
    expect(appYaml.env.map((e) => e.name)).not.toContain('PORT');
    expect(appYaml.env).toContainEqual({ name: 'AUTH_MODE', value: 'databricks' });
    expect(appYaml.env).toContainEqual({ name: 'LAKEBASE_ENDPOINT', valueFrom: 'postgres' });
  });

  it.each(['dev', 'prod'])('is accepted as Apps reads it, its valueFrom naming resources of target %s', (target) => {
    expect(appRuntimeProblems(appYaml, resourceKeys(target))).toEqual([]);
  });

  it('refuses what Apps would refuse (the check can fail)', () => {
    const bad = {
      command: ['sh', '-c', 'npm install && npm start'],
      env: [
        { name: 'AUTH_MODE', value: 'databricks', valueFrom: 'postgres' },
        { name: 'PGPORT', value: 5432 },
        { name: 'X', valueFrom: 'warehouse' },
        { value: 'x' }
      ],
      port: 8000
    };
    expect(appRuntimeProblems(bad, ['postgres'])).toEqual([
      'unknown setting port',
      'command part "npm install && npm start" needs a shell, and Apps runs none',
      'env AUTH_MODE needs exactly one of value and valueFrom',
      'env PGPORT: value must be a string (quote numbers and booleans)',
      'env X: valueFrom warehouse names no app resource',
      'env entry without a valid name: {"value":"x"}'
    ]);
  });

  it('with databricks.models.yml included, its model lines name the serving endpoints the bundle binds', () => {
    // The two commented entries, uncommented as docs/deploy.md says.
    const enabled = appYamlText
      .replace(/^ {2}# (- name: (SLIP_MODEL|FORECAST)_ENDPOINT)$/gm, '  $1')
      .replace(/^ {2}# ( {2}valueFrom: (slip|forecast)-model)$/gm, '  $1');
    const doc = parse(enabled) as AppRuntime;
    expect(doc.env.map((e) => e.name)).toEqual([
      'AUTH_MODE',
      'LAKEBASE_ENDPOINT',
      'SLIP_VOLUME_PATH',
      'DATABRICKS_WAREHOUSE_ID',
      'WAREHOUSE_GOLD_SCHEMA',
      'SLIP_MODEL_ENDPOINT',
      'FORECAST_ENDPOINT'
    ]);
    for (const target of ['dev', 'prod'])
      expect(appRuntimeProblems(doc, resourceKeys(target, ['databricks.models.yml']))).toEqual([]);
  });

  it('with databricks.genie.yml included, its GENIE_SPACE_ID line names the Genie space the bundle binds', () => {
    const enabled = appYamlText
      .replace(/^ {2}# (- name: GENIE_SPACE_ID)$/gm, '  $1')
      .replace(/^ {2}# ( {2}valueFrom: genie-space)$/gm, '  $1');
    const doc = parse(enabled) as AppRuntime;
    expect(doc.env).toContainEqual({ name: 'GENIE_SPACE_ID', valueFrom: 'genie-space' });
    for (const target of ['dev', 'prod']) {
      expect(appRuntimeProblems(doc, resourceKeys(target, ['databricks.genie.yml']))).toEqual([]);
      // Without the include the line would name nothing: that is why it stays commented out.
      expect(appRuntimeProblems(doc, resourceKeys(target))).toEqual([
        'env GENIE_SPACE_ID: valueFrom genie-space names no app resource'
      ]);
    }
    // prod-provisioned's config replaces app.yaml: the include adds the entry there itself.
    const config = (
      resolveTarget('prod-provisioned', { include: ['databricks.genie.yml'] }).resources as Record<
        string,
        Record<string, Record<string, Node>>
      >
    ).apps.linesync.config as unknown as AppRuntime;
    expect(config.env).toContainEqual({ name: 'GENIE_SPACE_ID', value_from: 'genie-space' });
    expect(
      appRuntimeProblems(config, resourceKeys('prod-provisioned', ['databricks.genie.yml']), 'value_from')
    ).toEqual([]);
  });

  it('with databricks.models.yml included, prod-provisioned (whose config replaces app.yaml) gets the endpoints too', () => {
    const config = (
      resolveTarget('prod-provisioned', { include: ['databricks.models.yml'] }).resources as Record<
        string,
        Record<string, Record<string, Node>>
      >
    ).apps.linesync.config as unknown as AppRuntime;
    expect(config.env).toContainEqual({ name: 'SLIP_MODEL_ENDPOINT', value_from: 'slip-model' });
    expect(config.env).toContainEqual({ name: 'FORECAST_ENDPOINT', value_from: 'forecast-model' });
    expect(
      appRuntimeProblems(config, resourceKeys('prod-provisioned', ['databricks.models.yml']), 'value_from')
    ).toEqual([]);
  });

  it('names the dashboard id entry the server derives the embed URL from', () => {
    expect(appYamlText).toMatch(/^ {2}# - name: DASHBOARD_ID$/m);
    expect(appYamlText).toContain('.resources.dashboards.linesync.id');
  });
});

describe('the prod-provisioned app config, which replaces app.yaml', () => {
  const config = (resolveTarget('prod-provisioned').resources as Record<string, Record<string, Record<string, Node>>>)
    .apps.linesync.config as unknown as AppRuntime;

  it('is accepted as Apps reads it (the bundle writes valueFrom as value_from)', () => {
    expect(appRuntimeProblems(config, resourceKeys('prod-provisioned'), 'value_from')).toEqual([]);
  });

  it('starts the same way, naming the Provisioned instance instead of an Autoscaling endpoint', () => {
    expect(config.command).toEqual(appYaml.command);
    expect(config.env).toEqual([
      { name: 'AUTH_MODE', value: 'databricks' },
      { name: 'LAKEBASE_INSTANCE_NAME', value: 'linesync-db' },
      { name: 'SLIP_VOLUME_PATH', value_from: 'slip-volume' },
      { name: 'DATABRICKS_WAREHOUSE_ID', value_from: 'sql-warehouse' },
      { name: 'WAREHOUSE_GOLD_SCHEMA', value: GOLD_SCHEMA },
      { name: 'DASHBOARD_ID', value: '${resources.dashboards.linesync.id}' }
    ]);
    const shared = appYaml.env.filter((e) => !['LAKEBASE_ENDPOINT', 'WAREHOUSE_GOLD_SCHEMA'].includes(e.name));
    for (const e of shared) expect(config.env).toContainEqual(written(e));
  });
});

describe.each(['dev', 'prod'])('the %s app config, which the bundle gives in place of app.yaml', (target) => {
  const configOf = (include: string[] = []) =>
    (resolveTarget(target, { include }).resources as Record<string, Record<string, Record<string, Node>>>).apps.linesync
      .config as unknown as AppRuntime;

  it('is accepted as Apps reads it, with every entry of app.yaml', () => {
    const config = configOf();
    expect(appRuntimeProblems(config, resourceKeys(target), 'value_from')).toEqual([]);
    expect(config.command).toEqual(appYaml.command);
    for (const e of appYaml.env.filter((x) => x.name !== 'WAREHOUSE_GOLD_SCHEMA'))
      expect(config.env).toContainEqual(written(e));
  });

  it('reads the gold tables in the schema as deployed, and frames the deployed dashboard', () => {
    const env = configOf().env;
    // The schema resource's name as the CLI deployed it (a development-mode prefix included), not a fixed default.
    expect(env).toContainEqual({ name: 'WAREHOUSE_GOLD_SCHEMA', value: GOLD_SCHEMA });
    // The server derives DASHBOARD_EMBED_URL from this id and DATABRICKS_HOST (server/config.test.ts).
    expect(env).toContainEqual({ name: 'DASHBOARD_ID', value: '${resources.dashboards.linesync.id}' });
  });

  it('gets the Genie space and the serving endpoints from their includes, each naming a resource they bind', () => {
    const genie = configOf(['databricks.genie.yml']);
    expect(genie.env).toContainEqual({ name: 'GENIE_SPACE_ID', value_from: 'genie-space' });
    expect(appRuntimeProblems(genie, resourceKeys(target, ['databricks.genie.yml']), 'value_from')).toEqual([]);
    const both = ['databricks.models.yml', 'databricks.genie.yml'];
    const models = configOf(both);
    for (const name of ['SLIP_MODEL_ENDPOINT', 'FORECAST_ENDPOINT', 'GENIE_SPACE_ID'])
      expect(models.env.map((e) => e.name)).toContain(name);
    expect(appRuntimeProblems(models, resourceKeys(target, both), 'value_from')).toEqual([]);
    // Without the include nothing names the space.
    expect(configOf().env.map((e) => e.name)).not.toContain('GENIE_SPACE_ID');
  });
});

it('covers every target', () => {
  expect(targets()).toEqual(['dev', 'prod', 'prod-provisioned']);
});
