// Answers to a grid's searches and pages, which may arrive late and out of order while a person edits the grid.

/** Numbers the requests a page sends; `isLatest()` of a request is false once a later one has been sent, so an
 *  answer that arrives after a newer request's is dropped instead of replacing what the newer one showed. */
export function sequence(): () => { isLatest: () => boolean } {
  let n = 0;
  return () => {
    const mine = ++n;
    return { isLatest: () => mine === n };
  };
}

/**
 * The rows to show for a new answer without losing unsaved edits: an edited row stays as it is (draft and the version
 * it was read at, so its save still meets a conflict if someone saved it meanwhile), in its place when the answer
 * has it, otherwise kept before the answer's rows (`kept`, until saved or discarded). Rows not edited are the answer's.
 */
export function keepEdited<R, A>(
  current: readonly R[],
  answer: readonly A[],
  opts: { rowKey: (r: R) => string; answerKey: (a: A) => string; edited: (r: R) => boolean; fresh: (a: A) => R }
): { rows: R[]; kept: R[] } {
  const edited = new Map(current.filter(opts.edited).map((r) => [opts.rowKey(r), r]));
  const inAnswer = new Set(answer.map(opts.answerKey));
  const kept = [...edited.values()].filter((r) => !inAnswer.has(opts.rowKey(r)));
  return { rows: [...kept, ...answer.map((a) => edited.get(opts.answerKey(a)) ?? opts.fresh(a))], kept };
}
