// What the app is given: its database and configuration. A file of its own so that features depend on this,
// never on app.ts (which imports every feature).
import type { Config } from './config';
import type { Database, Sql } from './db/connect';

export interface Deps {
  sql: Sql;
  config: Config;
  dbKind: Database['kind'];
}
