import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWedge, type WedgeKey } from './wedge';

/** A text field with the bits of HTMLInputElement the detector uses, and a caret at the end. */
function field(initial = '') {
  const f = {
    type: 'text',
    value: initial,
    selectionStart: initial.length as number | null,
    selectionEnd: initial.length as number | null,
    inputs: 0,
    setRangeText(text: string, start: number, end: number) {
      f.value = f.value.slice(0, start) + text + f.value.slice(end);
      f.selectionStart = f.selectionEnd = start + text.length;
    },
    dispatchEvent() {
      f.inputs++;
      return true;
    }
  };
  return f;
}

describe('keyboard wedge', () => {
  let t = 0;
  let scans: string[] = [];
  let wedge: ReturnType<typeof createWedge>;
  beforeEach(() => {
    vi.useFakeTimers();
    t = 1000;
    scans = [];
    wedge = createWedge({ onScan: (c) => scans.push(c), now: () => t });
  });
  afterEach(() => vi.useRealTimers());

  /** Types keys `ms` apart into target; a field receives the keys the detector did not hold back. */
  function type(keys: string[], ms: number, target: ReturnType<typeof field> | null = null) {
    const prevented: boolean[] = [];
    for (const key of keys) {
      let stopped = false;
      const e: WedgeKey = { key, target: target as unknown as EventTarget, preventDefault: () => (stopped = true) };
      wedge.keydown(e);
      prevented.push(stopped);
      if (!stopped && target && key.length === 1)
        target.setRangeText(key, target.selectionStart!, target.selectionEnd!);
      t += ms;
      vi.advanceTimersByTime(ms);
    }
    return prevented;
  }
  const chars = (s: string) => [...s];

  it('takes a fast burst ending in Enter as a scan, with no focus', () => {
    const prevented = type([...chars('ITEM=P-1001;QTY=5'), 'Enter'], 8);
    expect(scans).toEqual(['ITEM=P-1001;QTY=5']);
    expect(prevented.slice(1).every(Boolean)).toBe(true);
  });

  it('accepts Tab as the terminator', () => {
    type([...chars('P-1002'), 'Tab'], 5);
    expect(scans).toEqual(['P-1002']);
  });

  it('keeps a scan out of the focused field, first character included', () => {
    const f = field('note: ');
    type([...chars('P-1001'), 'Enter'], 10, f);
    expect(scans).toEqual(['P-1001']);
    expect(f.value).toBe('note: ');
    expect(f.inputs).toBe(1);
  });

  it('keeps a scan out of a number field (no caret API): the quantity is put back as it was', () => {
    const qty = { type: 'number', value: '5', inputs: 0, dispatchEvent: () => (qty.inputs++, true) };
    for (const key of [...chars('4006381310031'), 'Enter']) {
      let stopped = false;
      wedge.keydown({ key, target: qty as unknown as EventTarget, preventDefault: () => (stopped = true) });
      if (!stopped && key.length === 1) qty.value += key; // what the browser does with a key not held back
      t += 6;
      vi.advanceTimersByTime(6);
    }
    expect(scans).toEqual(['4006381310031']);
    expect(qty.value).toBe('5');
    expect(qty.inputs).toBe(1);
  });

  it('leaves human typing alone: slow keys and Enter are not a scan', () => {
    const f = field();
    const prevented = type([...chars('P-1001'), 'Enter'], 120, f);
    expect(scans).toEqual([]);
    expect(prevented.every((p) => !p)).toBe(true);
    expect(f.value).toBe('P-1001');
  });

  it('gives back keys held during a fast run that never ends in Enter', () => {
    const f = field();
    type(chars('th'), 20, f); // a fast bigram…
    type(chars('e'), 100, f); // …then a person's pace
    vi.advanceTimersByTime(500);
    expect(scans).toEqual([]);
    expect(f.value).toBe('the');
  });

  it('does not take a person typing fast bigrams and then Enter for a scanner', () => {
    const f = field();
    for (const [k, ms] of [
      ['s', 90],
      ['t', 30],
      ['o', 110],
      ['c', 95],
      ['k', 35],
      ['s', 100]
    ] as const)
      type([k], ms, f);
    type(['Enter'], 10, f);
    expect(scans).toEqual([]);
    expect(f.value).toBe('stocks');
  });

  it('forgives a scanner hiccup, even right after the first key, and takes every leaked key back', () => {
    const f = field('x');
    type(['I'], 70, f); // a slow second key: the first two reach the field
    type(chars('TEM=P-1'), 6, f);
    type(['0'], 90, f); // a hiccup in the middle
    type([...chars('01;QTY=5'), 'Enter'], 6, f);
    expect(scans).toEqual(['ITEM=P-1001;QTY=5']);
    expect(f.value).toBe('x');
  });

  it('ignores too short bursts and a slow terminator', () => {
    type([...chars('abc'), 'Enter'], 5);
    expect(scans).toEqual([]);
    type(chars('ABCDEF'), 5);
    t += 500;
    type(['Enter'], 5);
    expect(scans).toEqual([]);
  });

  it('does not count modifier keys or shortcuts as part of a code', () => {
    type(['P', 'Shift', '-', '1', 'Shift', '0', '0', '2', 'Enter'], 6);
    expect(scans).toEqual(['P-1002']);
    let stopped = false;
    wedge.keydown({ key: 'c', ctrlKey: true, target: null, preventDefault: () => (stopped = true) });
    expect(stopped).toBe(false);
  });

  it('takes a carton label’s Ctrl+] / Ctrl+^ / Ctrl+D and F8 as GS / RS / EOT, not as shortcuts', () => {
    const keys: WedgeKey[] = [];
    const press = (key: string, more: Partial<WedgeKey> = {}) =>
      keys.push({ key, target: null, preventDefault: () => {}, ...more });
    for (const k of '[)>') press(k);
    press('^', { code: 'Digit6', ctrlKey: true, shiftKey: true });
    for (const k of '06') press(k);
    press(']', { code: 'BracketRight', ctrlKey: true });
    for (const k of 'PP-1') press(k);
    press('F8', { code: 'F8' });
    for (const k of 'Q5') press(k);
    press('d', { code: 'KeyD', ctrlKey: true });
    press('Enter');
    const stopped: boolean[] = [];
    for (const k of keys) {
      let s = false;
      wedge.keydown({ ...k, preventDefault: () => (s = true) });
      stopped.push(s);
      t += 5;
    }
    expect(scans).toEqual(['[)>\u001e06\u001dPP-1\u001dQ5\u0004']);
    expect(stopped.at(-2)).toBe(true); // Ctrl+D held back: no bookmark dialog
  });

  it('reads two scans in a row', () => {
    type([...chars('AAAA1'), 'Enter'], 4);
    t += 300;
    type([...chars('BBBB2'), 'Enter'], 4);
    expect(scans).toEqual(['AAAA1', 'BBBB2']);
  });
});

describe('keyboard wedge timing on a busy tablet', () => {
  /** Keys handled in one go, as after a stall of the main thread, each carrying the time it was pressed. */
  function burst(keys: string[], msApart: number) {
    const scans: string[] = [];
    const wedge = createWedge({ onScan: (c) => scans.push(c) });
    const start = 1_000_000; // any positive time on performance.now()'s clock
    keys.forEach((key, i) =>
      wedge.keydown({ key, target: null, timeStamp: start + i * msApart, preventDefault: () => {} })
    );
    wedge.reset();
    return scans;
  }

  it('reads the gaps from when the keys were pressed, not when they were handled', () => {
    const keys = [...'ITEM=P-1001;QTY=5', 'Enter'];
    expect(burst(keys, 5)).toEqual(['ITEM=P-1001;QTY=5']); // a scanner, queued behind a long task
    expect(burst(keys, 150)).toEqual([]); // a person typing, queued the same way: not a scan
  });
});
