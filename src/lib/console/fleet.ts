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
