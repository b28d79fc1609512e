// The product as one process: the built PWA and /api, on the configured database.
import { existsSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { createApp } from './app';
import { ConfigError, dbTarget, loadConfig } from './config';
import { connect, explainTlsError } from './db/connect';
import { migrate } from './db/migrate';
import { seed } from './db/seed';
import { withSecurityHeaders } from './http/security';
import { serveBuild } from './http/static';

const BUILD_DIR = './build';

async function main() {
  const config = loadConfig();
  const target = dbTarget(config);
  const db = await connect(target, { max: config.DB_POOL_MAX });
  const applied = await migrate(db.sql).catch((e) => {
    throw explainTlsError(e, db.describe); // the first query: where a refused certificate shows
  });
  if (applied.length) console.log(`Applied migrations: ${applied.join(', ')}`);
  if (db.kind === 'embedded' && config.LINESYNC_SAMPLE_DATA) {
    const [{ n }] = await db.sql<{ n: number }[]>`SELECT count(*) AS n FROM items`;
    if (n === 0) {
      const s = await seed(db.sql);
      console.log(`Loaded sample data: ${s.items} items, ${s.events} scan events.`);
    }
  }

  const app = createApp({ sql: db.sql, config, dbKind: db.kind });
  if (existsSync(BUILD_DIR)) serveBuild(app, BUILD_DIR);
  else {
    console.warn(`No ${BUILD_DIR}/ found: serving the API only. Run \`npm run build\` for the app.`);
  }

  const fetch = withSecurityHeaders(app.fetch, { buildDir: BUILD_DIR, dashboardEmbedUrl: config.DASHBOARD_EMBED_URL });
  const server = serve({ fetch, port: config.port, hostname: config.host }, (info) => {
    const shown = info.address === '0.0.0.0' || info.address === '::' ? 'localhost' : info.address;
    console.log(`LineSync on ${db.describe}`);
    if (config.AUTH_MODE === 'local')
      console.log(
        `AUTH_MODE=local: everyone who can reach this server is the supervisor ${config.LOCAL_USER_EMAIL}; listening on ${info.address} only.`
      );
    console.log(`Open http://${shown}:${info.port}/`);
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing requests in flight, then closing the database.`);
    server.close(async () => {
      await db.close();
      process.exit(0);
    });
    setTimeout(() => process.exit(1), 15_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((e) => {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
});
