// How the station writes times and ages: short, in the tablet's own clock and 24-hour time.

// One formatter for every call: toLocaleTimeString builds a new one each time, which the station's profile showed
// among its heaviest calls on opening (a time per stock line and per recent scan).
let format: Intl.DateTimeFormat | null = null;

export function clock(ms: number | string | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  const d = new Date(ms);
  format ??= new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit', hour12: false });
  return Number.isNaN(d.getTime()) ? '—' : format.format(d);
}

export function age(fromMs: number, nowMs: number): string {
  const min = Math.floor(Math.max(0, nowMs - fromMs) / 60_000);
  if (min < 1) return 'under 1 min';
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ${min % 60} min`;
  return `${Math.floor(h / 24)} days`;
}
