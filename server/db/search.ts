// The "contains" searches of the console: one text per table, matched with ILIKE, and indexed by trigrams (migration
// 0010) where pg_trgm exists. The expressions must stay exactly as the migration indexes them.
import type { Queryable } from './connect';

/** A LIKE pattern matching `text` anywhere, with its own %, _ and backslash taken literally. */
export const containsPattern = (text: string) => '%' + text.replace(/[\\%_]/g, (ch) => '\\' + ch) + '%';

/** Item id, description or GTIN contains the text (case-insensitive). Columns of `items`, unqualified. */
export const itemMatches = (sql: Queryable, text: string) =>
  sql`(item_id || ' ' || description || ' ' || coalesce(gtin, '')) ILIKE ${containsPattern(text)}`;

/** Location id or name contains the text (case-insensitive). Columns of `locations`, unqualified. */
export const locationMatches = (sql: Queryable, text: string) =>
  sql`(location_id || ' ' || name) ILIKE ${containsPattern(text)}`;
