// A point-in-time copy of what a push writes, and its restore: the server "losing" what came after (a power cut, a
// Lakebase point-in-time restore, a branch reset), for the refill tests. Copies into plain tables (not temporary
// ones: a pool's next query may run on another connection), dropped by the restore.
import { randomBytes } from 'node:crypto';
import type { Sql } from '../db/connect';

const TABLES = ['scan_events', 'stock_levels', 'replenishment_signals', 'devices', 'rejected_events'] as const;

interface DatabaseCopy {
  /** Puts every copied table back as it was at the copy: rows added since are gone, changed rows back. */
  restore(): Promise<void>;
}

export async function copyDatabase(sql: Sql): Promise<DatabaseCopy> {
  const tag = `restore_copy_${randomBytes(4).toString('hex')}`;
  for (const t of TABLES) await sql.unsafe(`CREATE TABLE ${tag}_${t} AS SELECT * FROM ${t}`);
  return {
    async restore() {
      await sql.begin(async (tx) => {
        // scan_events is referenced by its own VOIDs: delete only what came after; a VOID goes with its newer rows.
        await tx.unsafe(`DELETE FROM scan_events WHERE event_id NOT IN (SELECT event_id FROM ${tag}_scan_events)`);
        for (const t of TABLES.filter((t) => t !== 'scan_events')) {
          await tx.unsafe(`DELETE FROM ${t}`);
          // Every column but the generated ones (stock_levels' sort keys, migration 0028), which PostgreSQL computes.
          const cols = await tx<{ name: string }[]>`
            SELECT column_name AS name FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = ${t} AND is_generated = 'NEVER'
            ORDER BY ordinal_position`;
          const list = cols.map((c) => `"${c.name}"`).join(', ');
          await tx.unsafe(`INSERT INTO ${t} (${list}) SELECT ${list} FROM ${tag}_${t}`);
        }
        for (const t of TABLES) await tx.unsafe(`DROP TABLE ${tag}_${t}`);
      });
    }
  };
}
