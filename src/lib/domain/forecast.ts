// Demand forecast and the reorder point it suggests: pure functions shared by the server (which computes them) and the
// item page (which shows where the numbers came from).
//
// Method: simple exponential smoothing (SES, Brown's method; ETS(A,N,N)) of daily consumption, on top of an additive
// weekday profile once there are four whole weeks of history. Why this one:
// - it is the textbook baseline for stock-keeping demand, explainable in one line ("a weighted average in which each
//   older day counts 10% less"), and its numbers can be checked by hand;
// - shop floors run on a weekly rhythm (no consumption at weekends), which the weekday profile captures without
//   putting a trend on top;
// - no trend term on purpose: extrapolating a daily trend 90 days ahead overshoots on noisy and intermittent part
//   consumption (Holt's trend is unstable there). SES lags a steady trend by slope × (1 − α) / α days instead.
// α is fixed, not fitted: 0.1 gives the smoothed level a mean data age of (1 − α) / α = 9 days, about two working
// weeks, which keeps one unusual day from moving a reorder point much.
import { z } from 'zod';

export const FORECAST_HORIZON_DAYS = 90;
/** Days of history the forecast reads: 26 whole weeks. */
export const HISTORY_DAYS = 182;
export const DEFAULT_ALPHA = 0.1;
/** The weekday profile needs this many whole weeks, else one odd week would become the pattern. */
const MIN_WEEKS_FOR_PROFILE = 4;
export const DEFAULT_SERVICE_LEVEL = 0.95;
const MIN_SERVICE_LEVEL = 0.5;
const MAX_SERVICE_LEVEL = 0.9999;
export const MAX_LEAD_TIME_DAYS = 365;

export const serviceLevel = z.coerce
  .number()
  .min(MIN_SERVICE_LEVEL, `must be at least ${MIN_SERVICE_LEVEL}`)
  .max(MAX_SERVICE_LEVEL, `must be at most ${MAX_SERVICE_LEVEL}`);
export const leadTimeDays = z.coerce
  .number()
  .int('must be a whole number of days')
  .min(0, 'must be 0 or more')
  .max(MAX_LEAD_TIME_DAYS, `must be at most ${MAX_LEAD_TIME_DAYS}`);

/** Daily quantities on consecutive UTC days, the first on `first_day` (YYYY-MM-DD). Days without consumption are 0. */
interface DailySeries {
  first_day: string;
  qty: number[];
}

interface DayQty {
  day: string;
  qty: number;
}

const DAY_MS = 86_400_000;

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday, as Date.getUTCDay. */
export function weekday(day: string): number {
  return new Date(`${day}T00:00:00Z`).getUTCDay();
}

/** The SES level after the last value: l₀ = y₀, lₜ = α·yₜ + (1 − α)·lₜ₋₁. Null for no values. */
export function smoothedLevel(ys: readonly number[], alpha = DEFAULT_ALPHA): number | null {
  if (!(alpha > 0 && alpha <= 1)) throw new RangeError('alpha must be in (0, 1]');
  if (!ys.length) return null;
  let level = ys[0];
  for (let t = 1; t < ys.length; t++) level = alpha * ys[t] + (1 - alpha) * level;
  return level;
}

/**
 * Additive weekday effects (index 0 = Sunday): the mean of each weekday minus the overall mean, over the most recent
 * whole weeks, so each weekday is counted equally often. Null with fewer than MIN_WEEKS_FOR_PROFILE whole weeks.
 */
export function weekdayEffects(series: DailySeries): number[] | null {
  const weeks = Math.floor(series.qty.length / 7);
  if (weeks < MIN_WEEKS_FOR_PROFILE) return null;
  const start = series.qty.length - weeks * 7;
  const sums = [0, 0, 0, 0, 0, 0, 0];
  let total = 0;
  for (let t = start; t < series.qty.length; t++) {
    sums[weekday(addDays(series.first_day, t))] += series.qty[t];
    total += series.qty[t];
  }
  const mean = total / (weeks * 7);
  return sums.map((s) => s / weeks - mean);
}

interface LocalForecast {
  method: 'ses' | 'ses+weekday';
  alpha: number;
  /** The smoothed level of (weekday-adjusted) daily demand at the end of the history. */
  level: number;
  weekday_effects: number[] | null;
  /** One value per day from the day after the history, never below 0. */
  days: DayQty[];
}

/** The local forecast for `horizon` days after the history; null when there is no history at all. */
export function localForecast(
  series: DailySeries,
  opts: { horizon?: number; alpha?: number } = {}
): LocalForecast | null {
  const horizon = opts.horizon ?? FORECAST_HORIZON_DAYS;
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  if (!series.qty.length) return null;
  const effects = weekdayEffects(series);
  const effect = (day: string) => (effects ? effects[weekday(day)] : 0);
  const adjusted = series.qty.map((y, t) => y - effect(addDays(series.first_day, t)));
  const level = smoothedLevel(adjusted, alpha)!;
  const next = addDays(series.first_day, series.qty.length);
  const days = Array.from({ length: horizon }, (_, h) => {
    const day = addDays(next, h);
    return { day, qty: Math.max(0, level + effect(day)) };
  });
  return { method: effects ? 'ses+weekday' : 'ses', alpha, level, weekday_effects: effects, days };
}

/** Mean and sample standard deviation (n − 1) of daily demand; the deviation is 0 below two days. */
export function demandStats(ys: readonly number[]): { mean: number; sd: number } {
  if (!ys.length) return { mean: 0, sd: 0 };
  const mean = ys.reduce((s, y) => s + y, 0) / ys.length;
  if (ys.length < 2) return { mean, sd: 0 };
  const ss = ys.reduce((s, y) => s + (y - mean) ** 2, 0);
  return { mean, sd: Math.sqrt(ss / (ys.length - 1)) };
}

/** erf by its Maclaurin series: exact to ~1e-12 for |x| ≤ 4, the range service levels need. */
function erf(x: number): number {
  let term = x; // (−1)ⁿ x^(2n+1) / n!
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (-x * x) / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

export function normalCdf(z: number): number {
  return 0.5 * (1 + erf(z / Math.SQRT2));
}

/** The z with Φ(z) = p, for the service levels allowed (0.5 … 0.9999), by bisection on Φ. */
export function normalQuantile(p: number): number {
  if (!(p >= MIN_SERVICE_LEVEL && p <= MAX_SERVICE_LEVEL))
    throw new RangeError(`service level must be in [${MIN_SERVICE_LEVEL}, ${MAX_SERVICE_LEVEL}]`);
  let lo = 0;
  let hi = 4.5; // Φ(4.5) > 0.9999
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

interface ReorderPoint {
  lead_time_days: number;
  service_level: number;
  z: number;
  /** Mean of the forecast over the lead time (over the whole forecast when the lead time is longer). */
  mean_daily_demand: number;
  sigma_daily: number;
  lead_time_demand: number;
  /** z × σ_daily × √lead time */
  safety_stock: number;
  /** lead-time demand + safety stock, rounded up to a whole unit. */
  reorder_point: number;
}

/** Reorder point = mean daily demand × lead time + z(service level) × σ_daily × √lead time, rounded up. */
export function reorderPoint(input: {
  forecast: readonly number[];
  leadTimeDays: number;
  sigmaDaily: number;
  serviceLevel: number;
}): ReorderPoint {
  const L = input.leadTimeDays;
  const window = input.forecast.slice(0, Math.max(1, L));
  const mean = window.length ? window.reduce((s, q) => s + q, 0) / window.length : 0;
  const z = normalQuantile(input.serviceLevel);
  const leadTimeDemand = mean * L;
  const safety = z * input.sigmaDaily * Math.sqrt(L);
  // The float sum of exact unit quantities can land a hair above a whole number: that hair is not a unit.
  const raw = leadTimeDemand + safety;
  return {
    lead_time_days: L,
    service_level: input.serviceLevel,
    z,
    mean_daily_demand: mean,
    sigma_daily: input.sigmaDaily,
    lead_time_demand: leadTimeDemand,
    safety_stock: safety,
    reorder_point: Math.max(0, Math.ceil(raw - 1e-9))
  };
}

/** What GET /api/items/:item_id/forecast answers. */
export interface ForecastAnswer {
  item_id: string;
  /** Consumption per UTC day (voided scans left out), complete days only: up to yesterday. */
  history: DayQty[];
  /** From today, FORECAST_HORIZON_DAYS days; empty when there is no history and no model answer. */
  forecast: DayQty[];
  source: 'model' | 'local';
  /** The serving endpoint asked, when one is configured. */
  endpoint: string | null;
  /** Why the model's answer was not used (the local method answered instead). */
  fallback_reason: string | null;
  local: {
    method: LocalForecast['method'] | 'none';
    alpha: number;
    level: number | null;
    weekday_effects: number[] | null;
  };
  lead_time: { days: number; source: 'supplier' | 'default'; supplier_id: string | null; supplier_name: string | null };
  /** Null when there is no consumption history to base it on. */
  suggestion: ReorderPoint | null;
  current_reorder_point: number | null;
}
