import { describe, expect, it } from 'vitest';
import { ConfigError, dbTarget, loadConfig } from './config';

describe('configuration', () => {
  it('defaults to the embedded database, local auth on loopback, port 8000', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ AUTH_MODE: 'local', port: 8000, host: '127.0.0.1' });
    expect(dbTarget(c)).toEqual({ kind: 'embedded', dataDir: './.linesync/db' });
    expect(dbTarget(loadConfig({ LINESYNC_DATA_DIR: '/var/lib/linesync' }))).toEqual({
      kind: 'embedded',
      dataDir: '/var/lib/linesync'
    });
  });

  it('takes the port from PORT, else DATABRICKS_APP_PORT', () => {
    expect(loadConfig({ PORT: '9000', DATABRICKS_APP_PORT: '8080' }).port).toBe(9000);
    expect(loadConfig({ DATABRICKS_APP_PORT: '8080' }).port).toBe(8080);
  });

  it('listens on every interface behind Databricks, and where told to', () => {
    expect(loadConfig({ AUTH_MODE: 'databricks' }).host).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
  });

  it('chooses DATABASE_URL over PG* variables', () => {
    expect(dbTarget(loadConfig({ DATABASE_URL: 'postgres://u@h/d', PGHOST: 'x' }))).toEqual({
      kind: 'url',
      url: 'postgres://u@h/d'
    });
  });

  it('chooses Lakebase when the PG* variables come with an endpoint or an instance', () => {
    const pg = {
      PGHOST: 'instance.database.cloud.databricks.com',
      PGUSER: 'sp-1',
      PGDATABASE: 'databricks_postgres',
      PGSSLMODE: 'require'
    };
    expect(dbTarget(loadConfig({ ...pg, LAKEBASE_ENDPOINT: 'projects/a/branches/b/endpoints/c' }))).toMatchObject({
      kind: 'lakebase',
      port: 5432,
      credential: { kind: 'autoscaling', endpoint: 'projects/a/branches/b/endpoints/c' }
    });
    expect(dbTarget(loadConfig({ ...pg, PGPORT: '6543', LAKEBASE_INSTANCE_NAME: 'db1' }))).toMatchObject({
      kind: 'lakebase',
      port: 6543,
      credential: { kind: 'provisioned', instance: 'db1' }
    });
    expect(dbTarget(loadConfig({ ...pg, PGPASSWORD: 'pw' }))).toMatchObject({
      kind: 'pgenv',
      ssl: true,
      password: 'pw'
    });
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).port).toBe(8000);
  });

  it('refuses bad values with every problem named', () => {
    expect(() => loadConfig({ PORT: 'eighty', AUTH_MODE: 'none', DATABASE_URL: 'mysql://x' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'eighty', AUTH_MODE: 'none', DATABASE_URL: 'mysql://x', LAKEBASE_ENDPOINT: 'my-endpoint' });
    } catch (e) {
      expect((e as Error).message).toMatch(/PORT/);
      expect((e as Error).message).toMatch(/AUTH_MODE/);
      expect((e as Error).message).toMatch(/DATABASE_URL: must be a postgres:\/\/ URL/);
      expect((e as Error).message).toMatch(/LAKEBASE_ENDPOINT: must be projects\//);
    }
    expect(() => dbTarget(loadConfig({ PGHOST: 'h' }))).toThrow(/PGUSER and PGDATABASE/);
  });

  it('reads the forecast settings with defaults, and refuses bad ones', () => {
    expect(loadConfig({})).toMatchObject({
      DEFAULT_LEAD_TIME_DAYS: 7,
      FORECAST_SERVICE_LEVEL: 0.95,
      FORECAST_TIMEOUT_MS: 10_000
    });
    expect(loadConfig({}).FORECAST_ENDPOINT).toBeUndefined();
    expect(
      loadConfig({
        DEFAULT_LEAD_TIME_DAYS: '14',
        FORECAST_SERVICE_LEVEL: '0.99',
        FORECAST_ENDPOINT: 'linesync-forecast'
      })
    ).toMatchObject({
      DEFAULT_LEAD_TIME_DAYS: 14,
      FORECAST_SERVICE_LEVEL: 0.99,
      FORECAST_ENDPOINT: 'linesync-forecast'
    });
    expect(() => loadConfig({ DEFAULT_LEAD_TIME_DAYS: '-1' })).toThrow(/DEFAULT_LEAD_TIME_DAYS: must be 0 or more/);
    expect(() => loadConfig({ DEFAULT_LEAD_TIME_DAYS: '2.5' })).toThrow(
      /DEFAULT_LEAD_TIME_DAYS: must be a whole number/
    );
    expect(() => loadConfig({ FORECAST_SERVICE_LEVEL: '95' })).toThrow(
      /FORECAST_SERVICE_LEVEL: must be at most 0.9999/
    );
    expect(() => loadConfig({ FORECAST_ENDPOINT: 'a/../b' })).toThrow(
      /FORECAST_ENDPOINT: must be a serving endpoint name/
    );
  });

  it('takes DASHBOARD_EMBED_URL only as an https URL', () => {
    const url = 'https://adb-1234.5.azuredatabricks.net/embed/dashboardsv3/01ef?o=1234';
    expect(loadConfig({ DASHBOARD_EMBED_URL: url }).DASHBOARD_EMBED_URL).toBe(url);
    expect(loadConfig({}).DASHBOARD_EMBED_URL).toBeUndefined();
    expect(() => loadConfig({ DASHBOARD_EMBED_URL: 'http://adb-1234.5.azuredatabricks.net/embed/x' })).toThrow(
      /DASHBOARD_EMBED_URL: must be an https URL/
    );
    expect(() => loadConfig({ DASHBOARD_EMBED_URL: 'javascript:alert(1)' })).toThrow(/DASHBOARD_EMBED_URL/);
    expect(() => loadConfig({ DASHBOARD_EMBED_URL: 'not a url' })).toThrow(/DASHBOARD_EMBED_URL/);
  });

  it('derives the embed URL from DASHBOARD_ID and the workspace host Apps sets; an explicit URL wins', () => {
    const id = '01f167fb84e01d88acaf62a3e633ad3e';
    const embed = 'https://adb-1234.5.azuredatabricks.net/embed/dashboardsv3/' + id;
    for (const host of ['adb-1234.5.azuredatabricks.net', 'https://adb-1234.5.azuredatabricks.net/'])
      expect(loadConfig({ DASHBOARD_ID: id, DATABRICKS_HOST: host }).DASHBOARD_EMBED_URL).toBe(embed);
    const given = 'https://other.example/embed/dashboardsv3/x';
    expect(
      loadConfig({ DASHBOARD_ID: id, DATABRICKS_HOST: 'h.example', DASHBOARD_EMBED_URL: given }).DASHBOARD_EMBED_URL
    ).toBe(given);
    expect(loadConfig({ DATABRICKS_HOST: 'h.example' }).DASHBOARD_EMBED_URL).toBeUndefined();
    expect(() => loadConfig({ DASHBOARD_ID: id })).toThrow(/DASHBOARD_ID: needs DATABRICKS_HOST/);
    expect(() => loadConfig({ DASHBOARD_ID: id, DATABRICKS_HOST: 'http://h.example' })).toThrow(
      /needs DATABRICKS_HOST/
    );
    expect(() => loadConfig({ DASHBOARD_ID: '../x', DATABRICKS_HOST: 'h.example' })).toThrow(
      /DASHBOARD_ID: must be a dashboard id/
    );
  });

  it('takes GENIE_SPACE_ID only as a space id, with bounded time-out, polling and rows', () => {
    const c = loadConfig({ GENIE_SPACE_ID: '01ef34712a29169db030324fd0e1df5f' });
    expect(c).toMatchObject({ GENIE_TIMEOUT_MS: 60_000, GENIE_POLL_MS: 1000, GENIE_ROW_LIMIT: 200 });
    expect(loadConfig({}).GENIE_SPACE_ID).toBeUndefined();
    expect(() => loadConfig({ GENIE_SPACE_ID: 'spaces/1' })).toThrow(/GENIE_SPACE_ID: must be a Genie space id/);
    expect(() => loadConfig({ GENIE_TIMEOUT_MS: '10' })).toThrow(/GENIE_TIMEOUT_MS/);
  });
});
