import { describe, expect, it } from 'vitest';
import { ConfigError, dbTarget, loadConfig } from './config';

describe('configuration', () => {
  it('defaults to the embedded database, local auth on loopback, port 8000', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ AUTH_MODE: 'local', port: 8000, host: '127.0.0.1' });
    expect(dbTarget(c)).toEqual({ kind: 'embedded', dataDir: './.linesync/db' });
    expect(dbTarget(loadConfig({ LINESYNC_DATA_DIR: '/var/lib/linesync' }))).toEqual({ kind: 'embedded', dataDir: '/var/lib/linesync' });
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
    expect(dbTarget(loadConfig({ DATABASE_URL: 'postgres://u@h/d', PGHOST: 'x' }))).toEqual({ kind: 'url', url: 'postgres://u@h/d' });
  });

  it('chooses Lakebase when the PG* variables come with an endpoint or an instance', () => {
    const pg = { PGHOST: 'instance.database.cloud.databricks.com', PGUSER: 'sp-1', PGDATABASE: 'databricks_postgres', PGSSLMODE: 'require' };
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
    expect(dbTarget(loadConfig({ ...pg, PGPASSWORD: 'pw' }))).toMatchObject({ kind: 'pgenv', ssl: true, password: 'pw' });
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
});
