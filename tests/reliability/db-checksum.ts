// A checksum of every table in the database: md5 over each table's rows in a fixed order. Two equal checksums mean
// nothing stored changed, whichever table a request might have touched.
import type { Queryable } from '../../server/db/connect';

export async function tableChecksums(sql: Queryable): Promise<Record<string, string>> {
  const tables = await sql<
    { name: string }[]
  >`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`;
  const parts = tables.map(
    ({ name }) =>
      `SELECT '${name}' AS name, count(*) || ':' || md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS sum FROM "${name}" t`
  );
  const rows = await sql.unsafe<{ name: string; sum: string }[]>(parts.join(' UNION ALL '));
  return Object.fromEntries(rows.map((r) => [r.name, r.sum]));
}
