// Configuration from the environment, validated once at start: a bad value stops the server with a clear message.
import { z } from 'zod';
import { DEFAULT_SERVICE_LEVEL, leadTimeDays, serviceLevel } from '#domain/forecast';

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');
const port = z.coerce.number().int().min(1).max(65535);
const emails = z.string().transform((s) =>
  s
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean)
);

const envSchema = z.object({
  PORT: port.optional(),
  DATABRICKS_APP_PORT: port.optional(),
  HOST: z.string().min(1).optional(),
  // Extra host names a local server answers (comma-separated), besides localhost, 127.0.0.1, [::1] and HOST.
  ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean)
    ),
  AUTH_MODE: z.enum(['local', 'databricks']).default('local'),
  LOCAL_USER_EMAIL: z.email().default('supervisor@localhost'),
  SUPERVISOR_EMAILS: emails.default([]),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  PGHOST: z.string().min(1).optional(),
  PGPORT: port.optional(),
  PGUSER: z.string().min(1).optional(),
  PGDATABASE: z.string().min(1).optional(),
  PGPASSWORD: z.string().optional(),
  PGSSLMODE: z.enum(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full']).optional(),
  LAKEBASE_ENDPOINT: z
    .string()
    .regex(
      /^projects\/[^/]+\/branches\/[^/]+\/endpoints\/[^/]+$/,
      'must be projects/{project}/branches/{branch}/endpoints/{endpoint}'
    )
    .optional(),
  LAKEBASE_INSTANCE_NAME: z.string().min(1).optional(),
  // TLS to Lakebase is always verified (certificate chain and host name). By default against the system CA store,
  // which holds Lakebase's public CA; a PEM file here (or libpq's PGSSLROOTCERT) replaces it, for a private CA.
  LAKEBASE_CA_FILE: z.string().min(1).optional(),
  PGSSLROOTCERT: z.string().min(1).optional(),
  LINESYNC_DATA_DIR: z.string().min(1).default('./.linesync/db'),
  LINESYNC_SAMPLE_DATA: bool.default(true),
  REQUIRE_KNOWN_ITEMS: bool.default(false),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  // Demand forecast: lead time for items without a preferred supplier, the service level safety stock aims at, and
  // an optional Model Serving endpoint whose answer is used when it gives one in time.
  DEFAULT_LEAD_TIME_DAYS: leadTimeDays.default(7),
  FORECAST_SERVICE_LEVEL: serviceLevel.default(DEFAULT_SERVICE_LEVEL),
  FORECAST_ENDPOINT: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,63}$/, 'must be a serving endpoint name')
    .optional(),
  FORECAST_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  // Analytics on a Databricks SQL warehouse (app resource "sql-warehouse"): the gold Delta tables in
  // WAREHOUSE_GOLD_SCHEMA answer /api/analytics, the PostgreSQL twin when unset or when the warehouse fails.
  DATABRICKS_WAREHOUSE_ID: z
    .string()
    .regex(/^[A-Za-z0-9]{1,64}$/, 'must be a SQL warehouse id')
    .optional(),
  WAREHOUSE_GOLD_SCHEMA: z
    .string()
    .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'must be catalog.schema')
    .default('main.linesync_analytics'),
  WAREHOUSE_TIMEOUT_MS: z.coerce.number().int().min(1000).max(120_000).default(10_000),
  WAREHOUSE_ROW_LIMIT: z.coerce.number().int().min(1).max(100_000).default(10_000),
  // An AI/BI dashboard's embed URL: the analytics page frames it and the CSP allows its origin (and only then).
  DASHBOARD_EMBED_URL: z
    .url({ protocol: /^https$/, message: "must be an https URL (the dashboard's embed link)" })
    .optional(),
  // Or the deployed dashboard's id (databricks.yml resources.dashboards.linesync): the embed URL is then
  // https://<DATABRICKS_HOST>/embed/dashboardsv3/<DASHBOARD_ID>, DATABRICKS_HOST being the workspace Apps names.
  DASHBOARD_ID: z
    .string()
    .regex(/^[0-9a-f]{32}$/, 'must be a dashboard id (32 hexadecimal digits)')
    .optional(),
  DATABRICKS_HOST: z.string().optional(),
  // Ask LineSync: the Genie space over the gold tables (app resource "genie-space"), its answer waited for at most
  // GENIE_TIMEOUT_MS, asked every GENIE_POLL_MS, and at most GENIE_ROW_LIMIT rows of its result shown.
  GENIE_SPACE_ID: z
    .string()
    .regex(/^[0-9a-f]{32}$/, 'must be a Genie space id (32 hexadecimal digits)')
    .optional(),
  GENIE_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(60_000),
  GENIE_POLL_MS: z.coerce.number().int().min(10).max(10_000).default(1000),
  GENIE_ROW_LIMIT: z.coerce.number().int().min(1).max(5000).default(200)
});

/** The workspace host Apps sets (with or without https://), as the origin of a dashboard embed URL. */
function dashboardEmbedUrl(host: string | undefined, id: string): string {
  let origin: URL;
  try {
    origin = new URL(/^[a-z]+:\/\//i.test(host ?? '') ? host! : `https://${host}`);
  } catch {
    throw new ConfigError(`Invalid configuration:\n  DATABRICKS_HOST: must be the workspace host, got "${host}"`);
  }
  if (!host || origin.protocol !== 'https:')
    throw new ConfigError(
      'Invalid configuration:\n  DASHBOARD_ID: needs DATABRICKS_HOST (Databricks Apps sets it) as an https workspace ' +
        'host, or give DASHBOARD_EMBED_URL instead'
    );
  return `https://${origin.host}/embed/dashboardsv3/${id}`;
}

export type Config = z.infer<typeof envSchema> & { port: number; host: string };

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings count as unset: deployment tools often write `FOO=` for "no value".
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  // Local mode trusts everyone as the local supervisor, so it only listens on loopback unless told otherwise.
  const host = c.HOST ?? (c.AUTH_MODE === 'local' ? '127.0.0.1' : '0.0.0.0');
  const embed =
    c.DASHBOARD_EMBED_URL ?? (c.DASHBOARD_ID ? dashboardEmbedUrl(c.DATABRICKS_HOST, c.DASHBOARD_ID) : undefined);
  return { ...c, DASHBOARD_EMBED_URL: embed, port: c.PORT ?? c.DATABRICKS_APP_PORT ?? 8000, host };
}

export type DbTarget =
  | { kind: 'embedded'; dataDir: string }
  | { kind: 'url'; url: string }
  | {
      kind: 'lakebase';
      host: string;
      port: number;
      user: string;
      database: string;
      credential: LakebaseCredential;
      /** PEM file of the CA to trust instead of the system store. */
      caFile?: string;
    }
  | {
      kind: 'pgenv';
      host: string;
      port: number;
      user: string;
      database: string;
      password?: string;
      ssl: boolean;
      /** PGSSLMODE verify-ca or verify-full: check the certificate, as libpq does. */
      verify: boolean;
      caFile?: string;
    };

export type LakebaseCredential = { kind: 'autoscaling'; endpoint: string } | { kind: 'provisioned'; instance: string };

/** Which database this configuration points at: DATABASE_URL, else PG* variables (Lakebase when it names one), else embedded. */
export function dbTarget(c: Config): DbTarget {
  if (c.DATABASE_URL) return { kind: 'url', url: c.DATABASE_URL };
  if (c.PGHOST) {
    if (!c.PGUSER || !c.PGDATABASE) throw new ConfigError('PGHOST is set, so PGUSER and PGDATABASE must be set too');
    const base = { host: c.PGHOST, port: c.PGPORT ?? 5432, user: c.PGUSER, database: c.PGDATABASE };
    const caFile = c.LAKEBASE_CA_FILE ?? c.PGSSLROOTCERT;
    if (c.LAKEBASE_ENDPOINT)
      return { kind: 'lakebase', ...base, caFile, credential: { kind: 'autoscaling', endpoint: c.LAKEBASE_ENDPOINT } };
    if (c.LAKEBASE_INSTANCE_NAME)
      return {
        kind: 'lakebase',
        ...base,
        caFile,
        credential: { kind: 'provisioned', instance: c.LAKEBASE_INSTANCE_NAME }
      };
    const verify = c.PGSSLMODE?.startsWith('verify') === true;
    return {
      kind: 'pgenv',
      ...base,
      password: c.PGPASSWORD,
      ssl: c.PGSSLMODE === 'require' || verify,
      verify,
      caFile: c.PGSSLROOTCERT
    };
  }
  return { kind: 'embedded', dataDir: c.LINESYNC_DATA_DIR };
}
