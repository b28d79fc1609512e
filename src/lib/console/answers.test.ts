import { describe, expect, it } from 'vitest';
import { keepEdited, sequence } from './answers';

describe('sequence', () => {
  it('marks only the latest request, so an older answer arriving last is dropped', () => {
    const next = sequence();
    const a = next();
    expect(a.isLatest()).toBe(true);
    const b = next();
    expect(a.isLatest()).toBe(false);
    expect(b.isLatest()).toBe(true);
  });
});

describe('keepEdited', () => {
  type Row = { id: string; v: number; draft: string; orig: string };
  const row = (id: string, v: number, draft: string, orig = draft): Row => ({ id, v, draft, orig });
  const opts = {
    rowKey: (r: Row) => r.id,
    answerKey: (a: { id: string; v: number; d: string }) => a.id,
    edited: (r: Row) => r.draft !== r.orig,
    fresh: (a: { id: string; v: number; d: string }) => row(a.id, a.v, a.d)
  };

  it("takes the answer's rows when nothing is edited", () => {
    const out = keepEdited([row('A', 1, 'a')], [{ id: 'B', v: 1, d: 'b' }], opts);
    expect(out).toEqual({ rows: [row('B', 1, 'b')], kept: [] });
  });

  it('keeps an edited row in place, at the version it was read at, and one the answer lacks before the rest', () => {
    const current = [row('A', 1, 'mine', 'a'), row('B', 1, 'b'), row('C', 1, 'also mine', 'c')];
    const answer = [
      { id: 'A', v: 2, d: 'theirs' },
      { id: 'D', v: 1, d: 'd' }
    ];
    const out = keepEdited(current, answer, opts);
    expect(out.rows).toEqual([row('C', 1, 'also mine', 'c'), row('A', 1, 'mine', 'a'), row('D', 1, 'd')]);
    expect(out.kept).toEqual([row('C', 1, 'also mine', 'c')]);
  });
});
