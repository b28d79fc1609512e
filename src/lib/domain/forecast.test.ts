// The forecast statistics on series whose answers can be worked out by hand (the working is in the comments).
import { describe, expect, it } from 'vitest';
import {
  addDays,
  demandStats,
  localForecast,
  normalCdf,
  normalQuantile,
  reorderPoint,
  smoothedLevel,
  weekday,
  weekdayEffects
} from './forecast';

// 2026-03-02 is a Monday.
const MONDAY = '2026-03-02';

describe('calendar helpers', () => {
  it('adds days across month and year ends, and names the weekday', () => {
    expect(addDays('2026-02-27', 2)).toBe('2026-03-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-02', -2)).toBe('2026-02-28');
    expect(weekday(MONDAY)).toBe(1);
    expect(weekday('2026-03-08')).toBe(0);
  });
});

describe('smoothedLevel', () => {
  it('keeps a constant series constant, whatever α', () => {
    expect(smoothedLevel([5, 5, 5, 5], 0.1)).toBe(5);
    expect(smoothedLevel([5, 5, 5, 5], 0.9)).toBe(5);
  });

  it('lags a linear trend: yₜ = t gives lₜ = t − (1−α)/α · (1 − (1−α)ᵗ)', () => {
    const ys = Array.from({ length: 14 }, (_, t) => t);
    // α = 0.5: l₁ = 0.5, l₂ = 1.25, l₃ = 2.125, … lₜ = t − 1 + 0.5ᵗ, so l₁₃ = 12 + 1/8192.
    expect(smoothedLevel(ys.slice(0, 4), 0.5)).toBe(2.125);
    expect(smoothedLevel(ys, 0.5)).toBe(12 + 1 / 8192);
    // α = 0.1: l₁₃ = 13 − 9 · (1 − 0.9¹³) = 4 + 9 · 0.9¹³ = 6.28767924549…
    expect(smoothedLevel(ys, 0.1)).toBeCloseTo(4 + 9 * 0.9 ** 13, 12);
    expect(smoothedLevel(ys)).toBeCloseTo(6.2876792454961, 12);
  });

  it('decays after one spike: 0,0,0,10,0,0,0 with α = 0.1 gives 1, 0.9, 0.81, 0.729', () => {
    expect(smoothedLevel([0, 0, 0, 10])).toBe(1);
    expect(smoothedLevel([0, 0, 0, 10, 0, 0, 0])).toBeCloseTo(0.729, 12);
  });

  it('has no level without values, and refuses an α outside (0, 1]', () => {
    expect(smoothedLevel([])).toBeNull();
    expect(() => smoothedLevel([1], 0)).toThrow(RangeError);
    expect(() => smoothedLevel([1], 1.5)).toThrow(RangeError);
  });
});

describe('weekdayEffects', () => {
  // Four weeks from a Monday: 10 on each weekday, 0 at weekends. Mean 50/7; weekdays 10 − 50/7 = 20/7, weekends −50/7.
  const weekly = { first_day: MONDAY, qty: Array.from({ length: 28 }, (_, t) => (t % 7 < 5 ? 10 : 0)) };

  it('is the weekday mean minus the overall mean, Sunday first', () => {
    const e = weekdayEffects(weekly)!;
    const expected = [-50 / 7, 20 / 7, 20 / 7, 20 / 7, 20 / 7, 20 / 7, -50 / 7];
    e.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12));
  });

  it('waits for four whole weeks, and uses only the most recent whole weeks', () => {
    expect(weekdayEffects({ first_day: MONDAY, qty: weekly.qty.slice(0, 27) })).toBeNull();
    // One extra day in front (a Sunday with 70) is not part of the last four whole weeks.
    const e = weekdayEffects({ first_day: '2026-03-01', qty: [70, ...weekly.qty] })!;
    expect(e[0]).toBeCloseTo(-50 / 7, 12);
  });
});

describe('localForecast', () => {
  it('forecasts a constant series as that constant, from the day after the history', () => {
    const f = localForecast({ first_day: MONDAY, qty: Array(28).fill(5) })!;
    expect(f.method).toBe('ses+weekday');
    expect(f.days).toHaveLength(90);
    expect(f.days[0].day).toBe('2026-03-30');
    expect(f.days[89].day).toBe('2026-06-27');
    for (const d of f.days) expect(d.qty).toBeCloseTo(5, 12);
  });

  it('forecasts a linear trend flat at the smoothed level (no trend term)', () => {
    const f = localForecast(
      { first_day: MONDAY, qty: Array.from({ length: 14 }, (_, t) => t) },
      { alpha: 0.5, horizon: 3 }
    )!;
    expect(f.method).toBe('ses');
    expect(f.weekday_effects).toBeNull();
    expect(f.days).toEqual([
      { day: '2026-03-16', qty: 12 + 1 / 8192 },
      { day: '2026-03-17', qty: 12 + 1 / 8192 },
      { day: '2026-03-18', qty: 12 + 1 / 8192 }
    ]);
  });

  it('repeats a weekly pattern: 10 on weekdays, 0 at weekends', () => {
    const f = localForecast(
      { first_day: MONDAY, qty: Array.from({ length: 28 }, (_, t) => (t % 7 < 5 ? 10 : 0)) },
      { horizon: 14 }
    )!;
    expect(f.method).toBe('ses+weekday');
    // Adjusted series: 10 − 20/7 = 0 + 50/7 = 50/7 every day, so the level is 50/7.
    expect(f.level).toBeCloseTo(50 / 7, 12);
    expect(f.days[0].day).toBe('2026-03-30'); // a Monday
    f.days.forEach((d, h) => expect(d.qty).toBeCloseTo(h % 7 < 5 ? 10 : 0, 9));
  });

  it('forecasts intermittent demand at its decayed level, and all-zero demand at zero', () => {
    const f = localForecast({ first_day: MONDAY, qty: [0, 0, 0, 10, 0, 0, 0] }, { horizon: 2 })!;
    expect(f.days.map((d) => d.qty)).toEqual([f.level, f.level]);
    expect(f.level).toBeCloseTo(0.729, 12);
    const zeros = localForecast({ first_day: MONDAY, qty: Array(35).fill(0) })!;
    expect(zeros.days.every((d) => d.qty === 0)).toBe(true);
  });

  it('never forecasts below zero', () => {
    // Weekend effect −50/7 on a level that fell to 1: clamped at 0, not −6.14.
    const qty = Array.from({ length: 28 }, (_, t) => (t % 7 < 5 ? 10 : 0));
    qty.push(...Array(60).fill(0));
    const f = localForecast({ first_day: MONDAY, qty }, { horizon: 14 })!;
    expect(f.days.every((d) => d.qty >= 0)).toBe(true);
    expect(Math.min(...f.days.map((d) => d.qty))).toBe(0);
  });

  it('has nothing to say about an empty history', () => {
    expect(localForecast({ first_day: MONDAY, qty: [] })).toBeNull();
  });
});

describe('demandStats', () => {
  it('is the mean and the sample standard deviation', () => {
    expect(demandStats([])).toEqual({ mean: 0, sd: 0 });
    expect(demandStats([4])).toEqual({ mean: 4, sd: 0 });
    expect(demandStats([5, 5, 5])).toEqual({ mean: 5, sd: 0 });
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, squared deviations 9+1+1+1+0+0+4+16 = 32, /7.
    expect(demandStats([2, 4, 4, 4, 5, 5, 7, 9]).sd).toBeCloseTo(Math.sqrt(32 / 7), 12);
    // One 10 in seven days: mean 10/7, squared deviations 6·(10/7)² + (60/7)² = 4200/49, /6 = 100/7.
    expect(demandStats([0, 0, 0, 10, 0, 0, 0]).sd).toBeCloseTo(Math.sqrt(100 / 7), 12);
  });
});

describe('normal quantile', () => {
  it('matches the table values', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.9)).toBeCloseTo(1.2815515655446004, 9);
    expect(normalQuantile(0.95)).toBeCloseTo(1.6448536269514722, 9);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 9);
    expect(normalQuantile(0.99)).toBeCloseTo(2.3263478740408408, 9);
    expect(normalQuantile(0.9999)).toBeCloseTo(3.7190164854556804, 8);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 12);
  });

  it('refuses service levels outside 0.5 … 0.9999', () => {
    expect(() => normalQuantile(0.4)).toThrow(RangeError);
    expect(() => normalQuantile(1)).toThrow(RangeError);
    expect(() => normalQuantile(Number.NaN)).toThrow(RangeError);
  });
});

describe('reorderPoint', () => {
  const Z95 = 1.6448536269514722;

  it('is demand over the lead time when demand does not vary', () => {
    const r = reorderPoint({ forecast: Array(90).fill(5), leadTimeDays: 7, sigmaDaily: 0, serviceLevel: 0.95 });
    expect(r).toMatchObject({ mean_daily_demand: 5, lead_time_demand: 35, safety_stock: 0, reorder_point: 35 });
  });

  it('adds z × σ × √L: one spike of 10 a week has σ√7 = 10, so safety stock is 16.45 at 95%', () => {
    const qty = [0, 0, 0, 10, 0, 0, 0];
    const f = localForecast({ first_day: MONDAY, qty })!;
    const r = reorderPoint({
      forecast: f.days.map((d) => d.qty),
      leadTimeDays: 7,
      sigmaDaily: demandStats(qty).sd,
      serviceLevel: 0.95
    });
    expect(r.lead_time_demand).toBeCloseTo(7 * 0.729, 9); // 5.103
    expect(r.safety_stock).toBeCloseTo(Z95 * 10, 9); // 16.4485
    expect(r.reorder_point).toBe(22); // ⌈21.5515⌉
    expect(r.z).toBeCloseTo(Z95, 9);
  });

  it('follows the weekly pattern over the lead time', () => {
    const qty = Array.from({ length: 28 }, (_, t) => (t % 7 < 5 ? 10 : 0));
    const f = localForecast({ first_day: MONDAY, qty })!;
    const sd = demandStats(qty).sd; // 20 tens, 8 zeros: squared deviations 20·(20/7)² + 8·(50/7)² = 28000/49, /27
    expect(sd).toBeCloseTo(Math.sqrt(28000 / 49 / 27), 12);
    const week = reorderPoint({
      forecast: f.days.map((d) => d.qty),
      leadTimeDays: 7,
      sigmaDaily: sd,
      serviceLevel: 0.95
    });
    expect(week.lead_time_demand).toBeCloseTo(50, 9); // five weekdays of 10
    expect(week.safety_stock).toBeCloseTo(Z95 * sd * Math.sqrt(7), 9); // 20.0226
    expect(week.reorder_point).toBe(71);
    // Three days from a Monday: 30 units, mean 10 a day.
    const three = reorderPoint({
      forecast: f.days.map((d) => d.qty),
      leadTimeDays: 3,
      sigmaDaily: 0,
      serviceLevel: 0.95
    });
    expect(three).toMatchObject({ mean_daily_demand: 10, reorder_point: 30 });
  });

  it('carries the mean of the forecast past its end for long lead times, and asks for nothing with no lead time', () => {
    const r = reorderPoint({ forecast: Array(90).fill(2), leadTimeDays: 120, sigmaDaily: 0, serviceLevel: 0.95 });
    expect(r.reorder_point).toBe(240);
    expect(
      reorderPoint({ forecast: Array(90).fill(2), leadTimeDays: 0, sigmaDaily: 3, serviceLevel: 0.99 }).reorder_point
    ).toBe(0);
  });

  it('does not round a float hair above a whole number up to the next unit', () => {
    const r = reorderPoint({ forecast: Array(90).fill(0.1), leadTimeDays: 30, sigmaDaily: 0, serviceLevel: 0.95 });
    expect(r.lead_time_demand).not.toBe(3); // 0.1 · 30 in floats
    expect(r.reorder_point).toBe(3);
  });
});
