// `npm run db -- <command>`: the database chores, on whichever database the configuration points at.
import { createInterface } from 'node:readline/promises';
import { ConfigError, dbTarget, loadConfig } from '../config';
import { verifyStock } from './verify';
import { connect, explainTlsError, type Sql } from './connect';
import { appliedMigrations, migrate, readMigrations } from './migrate';
import { seed } from './seed';

const USAGE = `Usage: npm run db -- <command>
  migrate                    apply pending migrations from sql/migrations
  status                     connection, applied migrations, row counts
  seed                       load the sample plant (30 items, a week of scans)
  clear [--yes]              delete every row of LineSync's tables (asks first)
  verify                     stock_levels against stock recomputed from scan_events; exits 1 on drift
  grant-app-access <role>    GRANT the app's role (its service principal) what it needs on every table and sequence`;

// Tables in the order their rows can be deleted; a TRUNCATE of all at once handles the references anyway.
export const TABLES = [
  'scan_events',
  'stock_levels',
  'replenishment_signals',
  'rejected_events',
  'devices',
  'audit_log',
  'user_roles',
  'packing_slips',
  'purchase_orders',
  'supplier_items',
  'suppliers',
  'items',
  'categories',
  'locations'
];

export async function status(sql: Sql, describe: string): Promise<string> {
  const lines = [`Database: ${describe}`];
  const [{ version }] = await sql<{ version: string }[]>`SELECT version()`;
  lines.push(`Server: ${version.split(' on ')[0]}`);
  const applied = await appliedMigrations(sql);
  const files = readMigrations();
  lines.push(
    `Migrations: ${applied.length} applied, ${files.filter((f) => !applied.some((a) => a.name === f.name)).length} pending`
  );
  for (const f of files) {
    const a = applied.find((m) => m.name === f.name);
    lines.push(
      `  ${a ? (a.checksum === f.checksum ? 'applied ' : 'CHANGED ') : 'pending '} ${f.name}${a ? '  ' + a.applied_at.toISOString() : ''}`
    );
  }
  if (applied.length) {
    lines.push('Rows:');
    for (const t of TABLES) {
      const [{ n }] = await sql<{ n: number }[]>`SELECT count(*) AS n FROM ${sql(t)}`;
      lines.push(`  ${t.padEnd(24)} ${n}`);
    }
  }
  return lines.join('\n');
}

async function grantAppAccess(sql: Sql, role: string): Promise<void> {
  // The role name is an identifier: quoted by postgres.js, never spliced as text.
  const schema = sql('public');
  const r = sql(role);
  await sql`GRANT USAGE ON SCHEMA ${schema} TO ${r}`;
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${r}`;
  await sql`GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA ${schema} TO ${r}`;
  // Tables later migrations create, when the same user runs them.
  await sql`ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${r}`;
  await sql`ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO ${r}`;
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question(question);
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}

export async function run(argv: string[], env = process.env): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const known = ['migrate', 'status', 'seed', 'clear', 'verify', 'grant-app-access'];
  if (!known.includes(command)) {
    console.error(`Unknown command "${command}".\n${USAGE}`);
    return 2;
  }
  if (command === 'grant-app-access' && !/^[\w.@-]{1,128}$/.test(rest[0] ?? '')) {
    console.error('grant-app-access needs the role to grant to: the app service principal (its client id or name).');
    return 2;
  }
  const config = loadConfig(env);
  const db = await connect(dbTarget(config), { max: 2 });
  try {
    switch (command) {
      case 'migrate': {
        const done = await migrate(db.sql);
        console.log(done.length ? `Applied: ${done.join(', ')}` : 'Nothing to apply: the schema is up to date.');
        return 0;
      }
      case 'status':
        console.log(await status(db.sql, db.describe));
        return 0;
      case 'seed': {
        await migrate(db.sql);
        const s = await seed(db.sql);
        console.log(`Loaded ${s.items} items and ${s.events} scan events.`);
        return 0;
      }
      case 'clear': {
        const yes = rest.includes('--yes') || (await confirm(`Delete every row in ${db.describe}? Type "yes": `));
        if (!yes) {
          console.error('Nothing deleted. Pass --yes to clear without asking.');
          return 1;
        }
        await db.sql`TRUNCATE ${db.sql(TABLES)} RESTART IDENTITY CASCADE`;
        console.log(`Cleared ${TABLES.length} tables.`);
        return 0;
      }
      case 'verify': {
        const v = await verifyStock(db.sql);
        if (!v.drift.length) {
          console.log(`OK: ${v.rows} stock rows equal the recomputation from scan_events.`);
          return 0;
        }
        console.error(`DRIFT in ${v.drift.length} rows:`);
        for (const d of v.drift)
          console.error(
            `  ${d.item_id} @ ${d.location_id}: projected ${d.projected_on_hand}, recomputed ${d.recomputed_on_hand} (${d.problem})`
          );
        return 1;
      }
      case 'grant-app-access':
        await grantAppAccess(db.sql, rest[0]);
        console.log(`Granted ${rest[0]} read and write on every LineSync table and sequence.`);
        return 0;
    }
    return 2;
  } catch (e) {
    throw explainTlsError(e, db.describe);
  } finally {
    await db.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(e instanceof ConfigError ? e.message : `db ${process.argv[2]}: ${(e as Error).message}`);
      process.exit(1);
    }
  );
}
