// Axis arithmetic for the console's SVG charts: round tick values a person reads at a glance.

/** Ticks from 0 to at least `max` in steps of 1, 2 or 5 × 10ⁿ, about `count` of them (at least [0, 1]). */
export function niceTicks(max: number, count = 4): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0, 1];
  const rough = max / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough)!;
  const ticks: number[] = [];
  // Rounded to the step's decimals, so 0.1 + 0.2 reads 0.3.
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  for (let v = 0; v < max + step - 1e-9; v += step) ticks.push(Number(v.toFixed(decimals)));
  return ticks.length > 1 ? ticks : [0, step];
}

/** A short label for a day (YYYY-MM-DD) or an hour (ISO instant), in the reader's locale; UTC, as the gold views count. */
export function shortLabel(value: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value))
    return new Date(`${value}T00:00:00Z`).toLocaleDateString(undefined, {
      month: 'short',
      day: 'numeric',
      timeZone: 'UTC'
    });
  const d = new Date(value);
  return Number.isNaN(d.getTime())
    ? value
    : d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });
}

/** Colours for series, distinguishable and at least 3:1 against white. */
export const PALETTE = ['#1f5fae', '#b35900', '#2e7d32', '#8e24aa', '#c62828', '#00796b', '#5d4037', '#455a64'];
