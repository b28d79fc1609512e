import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { uuid } from './events';
import { createUuid7, uuid7, uuid7Time } from './uuid7';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuid7', () => {
  it('has version 7, variant 10, and passes the event schema', () => {
    const id = uuid7();
    expect(id).toMatch(V7);
    expect(uuid.safeParse(id).success).toBe(true);
  });

  it('carries the millisecond it was made in', () => {
    const make = createUuid7(() => Date.UTC(2026, 10, 21, 23, 30, 0, 123));
    expect(uuid7Time(make())).toBe(Date.UTC(2026, 10, 21, 23, 30, 0, 123));
  });

  it('encodes timestamps past 2^32 ms and up to 2^48 - 1 exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), (ms) => {
        const id = createUuid7(() => ms)();
        return V7.test(id) && uuid7Time(id) === ms;
      })
    );
  });

  it('sorts strictly increasing within one millisecond, past the counter and when the clock steps back', () => {
    const t = 1_700_000_000_000;
    const clock = [t, t, t, t - 5_000, t + 1]; // the last reading repeats: 10,000 ids overflow the 12-bit counter
    let i = 0;
    const make = createUuid7(() => clock[Math.min(i++, clock.length - 1)]);
    const ids = Array.from({ length: 10_000 }, () => make());
    for (let k = 1; k < ids.length; k++) expect(ids[k] > ids[k - 1]).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('is random in the low bits: 10,000 ids from one fixed millisecond and real randomness are distinct', () => {
    const make = createUuid7(() => 1_700_000_000_000);
    expect(new Set(Array.from({ length: 10_000 }, make)).size).toBe(10_000);
  });
});
