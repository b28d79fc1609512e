// The version check every grid save makes before it writes anything. All or nothing: a person reviews what someone
// else saved meanwhile instead of overwriting it, so the whole save stops at the first stale row.
import { ApiError } from './errors';

/**
 * Throws `notFound(rows)` for rows read at a version (not new ones) that are gone, then the 409 carrying the current
 * values of every row whose version moved on since the editor read it or, for a new row (version null), that someone
 * created meanwhile. `current` holds the stored rows, locked by the caller, by `key`.
 */
export function checkVersions<R extends { version: number | null }, S extends { version: number }>(
  rows: R[],
  current: Map<string, S>,
  key: (r: R) => string,
  notFound: (missing: R[]) => ApiError,
  happened = 'changed or created'
): void {
  const missing = rows.filter((r) => r.version !== null && !current.has(key(r)));
  if (missing.length) throw notFound(missing);
  const stale = rows.filter((r) => current.has(key(r)) && current.get(key(r))!.version !== r.version);
  if (stale.length)
    throw new ApiError(
      409,
      'conflict',
      `${stale.length} row(s) were ${happened} by someone else since you opened them: review their values and save again.`,
      {
        conflicts: stale.map((r) => current.get(key(r)))
      }
    );
}
