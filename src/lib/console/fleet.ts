// When a tablet needs a person: it has gone quiet while it last said it still held scans the server has not got.
export const DEFAULT_SILENT_HOURS = 2;

export function silentWithPending(
  d: { last_seen_at: string; pending_reported: number | null },
  now: number,
  thresholdHours: number
): boolean {
  if (!(thresholdHours > 0) || !((d.pending_reported ?? 0) > 0)) return false;
  return now - Date.parse(d.last_seen_at) > thresholdHours * 3_600_000;
}

/** A tablet's app version as a person reads it. SvelteKit names a build by its time in ms (13 digits) unless told
 *  otherwise; "0.1.0+1764662400000" (svelte.config.js) is a release with its build time, read "0.1.0 · built 2025-12-02
 *  08:00 UTC". Anything else is shown as sent. */
export function versionLabel(v: string | null): string {
  if (!v) return '—';
  const m = /^(?:(.+)\+)?(\d{13})$/.exec(v);
  if (!m) return v;
  const built = new Date(Number(m[2])).toISOString().slice(0, 16).replace('T', ' ');
  return `${m[1] ? `${m[1]} · ` : ''}built ${built} UTC`;
}
