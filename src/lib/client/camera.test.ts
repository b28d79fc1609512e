// The repeat window of the camera; the camera itself runs in Chromium in the end-to-end tests (fake camera).
import { describe, expect, it } from 'vitest';
import { createRepeatFilter } from './camera';

describe('repeat filter', () => {
  it('reports a code once while it stays in view, again after it has been out of sight for the window', () => {
    let t = 0;
    const f = createRepeatFilter(1500, () => t);
    expect(f.accept('A')).toBe(true);
    for (t = 100; t < 5000; t += 100) expect(f.accept('A')).toBe(false); // held in front of the camera for 5 s
    t += 1500;
    expect(f.accept('A')).toBe(true);
  });

  it('counts a different code at once, and each code has its own window', () => {
    let t = 0;
    const f = createRepeatFilter(1500, () => t);
    expect(f.accept('A')).toBe(true);
    t = 200;
    expect(f.accept('B')).toBe(true);
    t = 400;
    expect(f.accept('A')).toBe(false);
    t = 2000;
    expect(f.accept('B')).toBe(true);
  });

  it('counts the same code again once after again()', () => {
    let t = 0;
    const f = createRepeatFilter(1500, () => t);
    f.accept('A');
    t = 100;
    f.again();
    expect(f.accept('A')).toBe(true);
    t = 200;
    expect(f.accept('A')).toBe(false);
  });

  it('takes its window from the caller', () => {
    let t = 0;
    const f = createRepeatFilter(300, () => t);
    f.accept('A');
    t = 299;
    expect(f.accept('A')).toBe(false);
    t = 600;
    expect(f.accept('A')).toBe(true);
  });
});
