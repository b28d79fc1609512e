// databricks.yml against the Databricks CLI's bundle JSON schema (../shared/databricks/bundle-schema.json, the
// v1.13-era schema the CLI validates with), for every target after variable substitution; and every path it names.
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { describe, expect, it } from 'vitest';
import { ROOT, SAMPLE_VARS, isMap, loadProblems, readYaml, resolveTarget, targets, type Node } from './bundle';

// The team's shared copy when it sits beside the repo (it is kept current there); else the copy committed here, from
// databricks/cli bundle/schema/jsonschema.json at v1.13.0-4-g7bbe285213, so a fresh clone tests the same.
const SHARED_SCHEMA = join(ROOT, '../shared/databricks/bundle-schema.json');
const SCHEMA_FILE = existsSync(SHARED_SCHEMA) ? SHARED_SCHEMA : join(ROOT, 'tests/databricks/bundle-schema.json');

function validator() {
  // The schema carries editor-only keywords (markdownDescription, deprecationMessage, x-databricks-*): not strict.
  const ajv = new Ajv({ strict: false, allErrors: true });
  return ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')));
}
const validate = validator();

function problems(config: Node): string[] {
  if (validate(config)) return [];
  // The schema's unions are oneOf [the value, ${...} reference patterns]: when the value is wrong, the reference
  // branches (index 1 and up) fail too and say nothing useful, so report the value branch only.
  return (validate.errors as ErrorObject[])
    .filter((e) => e.keyword !== 'oneOf' && !/\/oneOf\/[1-9]\d*\//.test(e.schemaPath))
    .map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
}

const get = (node: Node | undefined, path: string): Node | undefined =>
  path.split('.').reduce<Node | undefined>((n, k) => (isMap(n) ? n[k] : undefined), node);

describe('databricks.yml', () => {
  it('has the dev, prod and prod-provisioned targets, dev in development mode by default', () => {
    const raw = readYaml('databricks.yml');
    expect(targets()).toEqual(['dev', 'prod', 'prod-provisioned']);
    expect(get(raw, 'targets.dev.mode')).toBe('development');
    expect(get(raw, 'targets.dev.default')).toBe(true);
    expect(get(raw, 'targets.prod.mode')).toBe('production');
    expect(get(raw, 'targets.prod-provisioned.mode')).toBe('production');
  });

  it('validates against the bundle schema as written, ${...} references included', () => {
    expect(problems(readYaml('databricks.yml'))).toEqual([]);
  });

  it('catches what the schema forbids (the check can fail)', () => {
    const bad = resolveTarget('prod') as Record<string, Node>;
    const app = get(bad, 'resources.apps.linesync') as Record<string, Node>;
    app.command_line = 'npm start';
    (get(bad, 'resources.postgres_endpoints.primary') as Record<string, Node>).endpoint_type = 'READ_WRITE';
    (get(bad, 'resources.pipelines.analytics') as Record<string, Node>).serverless = 'yes';
    const found = problems(bad).join('\n');
    expect(found).toMatch(/pipelines\/analytics\/serverless must be boolean/);
    expect(found).toMatch(/apps\/linesync must NOT have additional properties .*command_line/);
    expect(found).toMatch(/postgres_endpoints\/primary\/endpoint_type must be equal to one of the allowed values/);
  });

  describe.each(targets())('target %s, variables substituted', (target) => {
    const config = resolveTarget(target);

    it('validates against the bundle schema', () => {
      expect(problems(config)).toEqual([]);
    });

    it('leaves no ${var.*}, ${bundle.*} or ${workspace.*} unresolved', () => {
      expect(JSON.stringify(config.resources)).not.toMatch(/\$\{(var|bundle|workspace)\./);
    });

    it('deploys the app from the repository root, bound to Lakebase under the key app.yaml names', () => {
      const app = get(config, 'resources.apps.linesync');
      expect(get(app, 'source_code_path')).toBe('.');
      const db = (get(app, 'resources') as Node[]).filter((r) => isMap(r) && r.name === 'postgres');
      expect(db).toHaveLength(1);
      const binding = db[0] as Record<string, Node>;
      if (target === 'prod-provisioned') {
        // No Provisioned instance can be created after 12 March 2026: the target names an existing one.
        expect(binding.database).toEqual({
          instance_name: 'linesync-db',
          database_name: 'databricks_postgres',
          permission: 'CAN_CONNECT_AND_CREATE'
        });
        expect(binding.postgres).toBeUndefined();
        expect(get(config, 'resources.postgres_projects')).toBeUndefined();
        expect(get(config, 'resources.database_instances')).toBeUndefined();
        expect(get(config, 'resources.database_catalogs.lakebase.database_instance_name')).toBe('linesync-db');
      } else {
        // The default database's id is generated: the app names it by the path the user looked up (a variable),
        // and the bundle does not try to create or take over a database by a guessed id.
        expect(binding.postgres).toEqual({
          branch: '${resources.postgres_branches.production.id}',
          database: SAMPLE_VARS.lakebase_database,
          permission: 'CAN_CONNECT_AND_CREATE'
        });
        expect(get(config, 'resources.postgres_databases')).toBeUndefined();
        expect(get(config, 'resources.database_instances')).toBeUndefined();
        expect(get(config, 'resources.postgres_projects.lakebase.pg_version')).toBe(17); // Change Data Feed needs 17
        // Change Data Feed reads only databricks_postgres: the app's tables must live there.
        expect(get(config, 'resources.postgres_catalogs.lakebase.postgres_database')).toBe('databricks_postgres');
        expect(get(config, 'resources.postgres_endpoints.primary.endpoint_type')).toBe('ENDPOINT_TYPE_READ_WRITE');
      }
    });

    it('runs the pipeline serverless from sql/pipeline with its source as configuration', () => {
      const p = get(config, 'resources.pipelines.analytics');
      expect(get(p, 'serverless')).toBe(true);
      expect(get(p, 'libraries')).toEqual([{ glob: { include: './sql/pipeline/**' } }]);
      expect(Object.keys(get(p, 'configuration') as Record<string, Node>).sort()).toEqual([
        'source_catalog',
        'source_schema',
        'spark.sql.session.timeZone'
      ]);
      expect(get(p, 'configuration.source_catalog')).toEqual(expect.any(String));
    });
  });

  it('gives dev per-user names and prod fixed ones', () => {
    const dev = resolveTarget('dev');
    expect(get(dev, 'resources.apps.linesync.name')).toBe('linesync-jane-doe');
    expect(get(dev, 'resources.postgres_projects.lakebase.project_id')).toBe('linesync-jane-doe');
    // The pipeline's per-user schema exists because the bundle creates it, and the slip volume lives in it.
    expect(get(dev, 'resources.pipelines.analytics.schema')).toBe('${resources.schemas.analytics.name}');
    expect(get(dev, 'resources.schemas.analytics')).toMatchObject({ catalog_name: 'main', name: 'linesync_jane_doe' });
    expect(get(dev, 'resources.volumes.slips')).toMatchObject({
      schema_name: '${resources.schemas.analytics.name}',
      name: 'packing_slips'
    });
    const prod = resolveTarget('prod');
    expect(get(prod, 'resources.apps.linesync.name')).toBe('linesync');
    expect(get(prod, 'resources.postgres_projects.lakebase.project_id')).toBe('linesync');
    expect(get(prod, 'resources.postgres_branches.production.is_protected')).toBe(true);
    expect(get(dev, 'resources.postgres_branches.production.is_protected')).toBe(false);
  });

  it('names no workspace and holds no credential', () => {
    const text =
      readFileSync(join(ROOT, 'databricks.yml'), 'utf8') + readFileSync(join(ROOT, 'databricks.models.yml'), 'utf8');
    expect(text).not.toMatch(/https?:\/\//);
    expect(text).not.toMatch(/\.(cloud\.databricks\.com|azuredatabricks\.net|gcp\.databricks\.com)/);
    expect(text).not.toMatch(/\bdapi[0-9a-f]{8,}|\b(token|password|client_secret|host)\s*:/i);
    for (const t of targets()) expect(get(resolveTarget(t), 'workspace')).toBeUndefined();
  });

  it('with databricks.models.yml included, binds the serving endpoints and still validates', () => {
    for (const t of targets()) {
      const config = resolveTarget(t, { include: ['databricks.models.yml'] });
      expect(problems(config)).toEqual([]);
      const names = (get(config, 'resources.apps.linesync.resources') as Record<string, Node>[]).map((r) => r.name);
      expect(names).toEqual(['forecast-model', 'postgres', 'slip-model', 'slip-volume', 'sql-warehouse']);
      expect(get(config, 'resources.model_serving_endpoints.forecast.config.served_entities')).toHaveLength(1);
    }
  });
});

describe('with databricks.genie.yml included', () => {
  it.each(targets())('target %s: validates, and binds the Genie space over the gold tables to the app', (target) => {
    const config = resolveTarget(target, { include: ['databricks.genie.yml'] });
    expect(problems(config)).toEqual([]);
    const app = get(config, 'resources.apps.linesync.resources') as Record<string, Node>[];
    expect(app.find((r) => r.name === 'genie-space')?.genie_space).toEqual({
      name: 'Ask LineSync',
      space_id: '${resources.genie_spaces.linesync.id}',
      permission: 'CAN_RUN'
    });
    const space = get(config, 'resources.genie_spaces.linesync') as Record<string, Node>;
    expect(space.warehouse_id).toBe(SAMPLE_VARS.warehouse_id);
    const schema = target === 'dev' ? 'main.linesync_jane_doe' : 'main.linesync_analytics';
    const tables = (get(space, 'serialized_space.data_sources.tables') as Record<string, string>[]).map(
      (t) => t.identifier
    );
    // Sorted, as the serialized space must be, and every one a gold table the pipeline makes.
    expect(tables).toEqual([...tables].sort());
    const text = readdirSync(join(ROOT, 'sql/pipeline'))
      .map((f) => readFileSync(join(ROOT, 'sql/pipeline', f), 'utf8'))
      .join('\n');
    for (const t of tables) {
      expect(t.startsWith(schema + '.gold_'), t).toBe(true);
      expect(text).toContain(`MATERIALIZED VIEW ${t.slice(schema.length + 1)}\n`);
    }
    expect(get(space, 'serialized_space.instructions.text_instructions')).toHaveLength(1);
    for (const id of JSON.stringify(space.serialized_space).matchAll(/"id":"([^"]*)"/g))
      expect(id[1]).toMatch(/^[0-9a-f]{32}$/);
    // The app's service principal keeps its CAN_RUN when the space's permissions are set again on a redeploy.
    expect(space.permissions).toContainEqual({
      level: 'CAN_RUN',
      service_principal_name: '${resources.apps.linesync.service_principal_client_id}'
    });
  });
});

describe('one gold schema per target, as deployed', () => {
  // The pipeline publishes to the schema resource, whose name the CLI may prefix in development mode; Genie's tables
  // and the app's WAREHOUSE_GOLD_SCHEMA must name that schema, not the variable it was made from.
  const deployed = (config: Node) => {
    const schema = get(config, 'resources.schemas.analytics') as Record<string, string>;
    return `${schema.catalog_name}.${schema.name}`;
  };

  it.each(targets())('target %s: the pipeline, Genie and the app read the schema the bundle deploys', (target) => {
    const config = resolveTarget(target, { include: ['databricks.genie.yml'] });
    expect(get(config, 'resources.pipelines.analytics.schema')).toBe('${resources.schemas.analytics.name}');
    expect(deployed(config)).toBe(target === 'dev' ? 'main.linesync_jane_doe' : 'main.linesync_analytics');
    const tables = (
      get(config, 'resources.genie_spaces.linesync.serialized_space.data_sources.tables') as Record<string, string>[]
    ).map((t) => t.identifier.replace(/\.gold_\w+$/, ''));
    expect(new Set(tables)).toEqual(new Set([deployed(config)]));
    const env = get(config, 'resources.apps.linesync.config.env') as Record<string, string>[];
    expect(env.find((e) => e.name === 'WAREHOUSE_GOLD_SCHEMA')?.value).toBe(
      '${resources.schemas.analytics.catalog_name}.${resources.schemas.analytics.name}'
    );
  });

  it('keeps the dev schema per user by its own name: development mode would prefix it (the check can fail)', () => {
    expect(get(readYaml('databricks.yml'), 'experimental.skip_name_prefix_for_schema')).toBe(true);
    const original = readFileSync(join(ROOT, 'databricks.yml'), 'utf8');
    const without = original.replace(/^experimental:\n {2}skip_name_prefix_for_schema: true\n/m, '');
    expect(without).not.toBe(original);
    const file = join(mkdtempSync(join(tmpdir(), 'linesync-bundle-')), 'databricks.yml');
    writeFileSync(file, without);
    const dev = resolveTarget('dev', { file, include: ['databricks.genie.yml'] });
    expect(deployed(dev)).toBe('main.dev_jane_doe_linesync_jane_doe');
    const tables = get(dev, 'resources.genie_spaces.linesync.serialized_space.data_sources.tables') as Record<
      string,
      string
    >[];
    expect(tables[0].identifier.startsWith(deployed(dev) + '.')).toBe(false);
    expect(deployed(resolveTarget('prod', { file }))).toBe('main.linesync_analytics'); // production mode: no prefix
  });
});

describe('the load phase, as the CLI runs it before validating', () => {
  describe.each([
    [[]],
    [['databricks.models.yml']],
    [['databricks.genie.yml']],
    [['databricks.models.yml', 'databricks.genie.yml']]
  ])('with includes %j', (include) => {
    it.each(targets())('target %s: unique resource keys, every ${var.*} and ${resources.*} resolves', (target) => {
      expect(loadProblems(target, { include })).toEqual([]);
    });

    // The "done when": every target, with and without each include, passes both the load phase (above) and
    // the committed CLI schema once the target is merged in.
    it.each(targets())('target %s: validates against the bundle schema', (target) => {
      expect(problems(resolveTarget(target, { include }))).toEqual([]);
    });
  });

  it('grants the app the slip volume it writes to, under the key app.yaml reads', () => {
    for (const t of targets()) {
      const r = (get(resolveTarget(t), 'resources.apps.linesync.resources') as Record<string, Node>[]).find(
        (x) => x.name === 'slip-volume'
      );
      expect(r?.uc_securable).toEqual({
        securable_type: 'VOLUME',
        securable_full_name:
          '${resources.volumes.slips.catalog_name}.${resources.volumes.slips.schema_name}.${resources.volumes.slips.name}',
        permission: 'WRITE_VOLUME'
      });
    }
  });

  it('refuses what the CLI refuses (the check can fail)', () => {
    // The app defined again at the top level of an included file, as databricks.models.yml once did.
    expect(loadProblems('dev', { include: ['tests/databricks/fixtures/duplicate-app.yml'] })).toEqual([
      'resources.apps.linesync is defined in databricks.yml and tests/databricks/fixtures/duplicate-app.yml (multiple resources have been defined with the same key)',
      '${resources.postgres_databases.app.id} names no resource of target dev'
    ]);
    expect(loadProblems('prod', { vars: {} })).toEqual(['variable lakebase_database has no value for target prod']);
  });
});

describe('every file the bundle points to', () => {
  const raw = readYaml('databricks.yml');

  it('exists: the app source with its app.yaml and start script', () => {
    const source = join(ROOT, get(raw, 'resources.apps.linesync.source_code_path') as string);
    expect(statSync(source).isDirectory()).toBe(true);
    expect(existsSync(join(source, 'app.yaml'))).toBe(true);
    const pkg = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8'));
    expect(pkg.scripts.start).toMatch(/^node (--[\w=-]+ )*--import tsx server\/main\.ts$/);
    expect(existsSync(join(source, 'server/main.ts'))).toBe(true);
    expect(pkg.scripts.build).toEqual(expect.any(String)); // Apps runs `npm run build` before the command
    expect(pkg.dependencies.tsx).toEqual(expect.any(String)); // the start command needs it at run time
  });

  it('exists: the pipeline root and at least one SQL file for bronze, silver and every gold table', () => {
    const root = join(ROOT, get(raw, 'resources.pipelines.analytics.root_path') as string);
    const include = (get(raw, 'resources.pipelines.analytics.libraries') as Node[]).map(
      (l) => get(l, 'glob.include') as string
    );
    expect(include).toEqual(['./sql/pipeline/**']);
    const files = readdirSync(root).filter((f) => f.endsWith('.sql'));
    expect(files).toEqual(expect.arrayContaining(['bronze.sql', 'silver.sql']));
    const text = files.map((f) => readFileSync(join(root, f), 'utf8')).join('\n');
    for (const table of [
      'gold_daily_movements',
      'gold_on_hand_history',
      'gold_places',
      'gold_replenishment_sla',
      'gold_station_throughput_hourly',
      'gold_voided_scan_rate'
    ])
      expect(text).toContain(`MATERIALIZED VIEW ${table}\n`);
    for (const key of ['source_catalog', 'source_schema']) expect(text).toContain('${' + key + '}');
  });

  it('exists: every included file, the optional ones too', () => {
    for (const file of [...((raw.include as string[] | null) ?? []), 'databricks.models.yml', 'databricks.genie.yml'])
      expect(existsSync(join(ROOT, file)), file).toBe(true);
  });
});
