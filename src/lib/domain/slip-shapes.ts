// OCR's look-alike misreadings in a column of codes, corrected from the column itself. One supplier writes its part
// numbers in one shape ("BJG577-V45": three letters, digits, a hyphen, a letter, digits); OCR turns a letter into the
// digit it looks like or back ("KVR718-235", "JBVS36-E20"), or a hyphen into a dot or a space. A value whose shape is
// unlike the others' is given the shape most of them share, when swapping look-alike characters (S/5, Z/2, B/8, O/0,
// I/1, a hyphen read as "." or " ") makes it so and exactly one such reading is best. Letters read as other letters
// (J as I) keep the shape and are not touched. Pure; for OCR's text only: a PDF's text is what the supplier typed.

/** Each character's look-alikes of the other kind (letter ↔ digit, separator ↔ separator). */
const LOOKALIKE: Record<string, string[]> = {
  O: ['0'],
  D: ['0'],
  Q: ['0'],
  I: ['1'],
  L: ['1'],
  Z: ['2'],
  S: ['5'],
  B: ['8'],
  G: ['6'],
  A: ['4'],
  T: ['7'],
  // A letter's shape OCR reads as punctuation: J's hook as a closing bracket, I as a bar.
  ')': ['J'],
  ']': ['J'],
  '|': ['I', '1'],
  // A digit that looks like several letters is not swapped: no one reading is best.
  '0': ['O', 'D'],
  '1': ['I', 'J', 'L'],
  '2': ['Z'],
  '4': ['A'],
  '5': ['S'],
  '6': ['G'],
  '8': ['B'],
  '§': ['S', '5'],
  $: ['S', '5'],
  '%': ['8'],
  '.': ['-'],
  '-': ['.'],
  ',': ['.', '-'],
  ' ': ['-', '.', '']
};

/** Two characters OCR makes of one letter: an L's foot read as a dot or comma after a 1 ("FRE666-1.79"). */
const SPLIT: Record<string, string[]> = { '1.': ['L'], '1,': ['L'] };

const kindOf = (c: string) => (/[A-Z]/.test(c) ? 'A' : /\d/.test(c) ? '9' : c);

/** Runs of one kind with their lengths: "BJG577-V45" → ['A',3], ['9',3], ['-',1], ['A',1], ['9',2]. */
function runs(code: string): [string, number][] {
  const out: [string, number][] = [];
  for (const c of code) {
    const k = kindOf(c);
    const last = out[out.length - 1];
    if (last && last[0] === k) last[1]++;
    else out.push([k, 1]);
  }
  return out;
}

const coarse = (r: [string, number][]) => r.map(([k]) => k).join('');

interface Model {
  shape: string;
  /** Per run of the shape: how many of the other values have each length there. */
  lengths: Map<number, number>[];
  n: number;
}

/** How well a reading fits the shape: runs of a length at least half the others have there. */
function fit(code: string, m: Model): number {
  const r = runs(code);
  if (coarse(r) !== m.shape) return -1;
  let score = 0;
  r.forEach(([, len], i) => {
    if ((m.lengths[i].get(len) ?? 0) * 2 > m.n) score++;
  });
  return score;
}

/**
 * Readings of `code` with exactly one look-alike swapped, for each reading given; with the column's separator, also
 * each reading with it put back between two characters (OCR drops a dot: "974918.80" in a column of "771.809.84").
 */
function swapped(codes: string[], sep: string | null = null): string[] {
  const out = new Set<string>();
  for (const code of codes) {
    const chars = [...code];
    chars.forEach((c, i) => {
      for (const alt of LOOKALIKE[c] ?? []) out.add([...chars.slice(0, i), alt, ...chars.slice(i + 1)].join(''));
    });
    for (let i = 0; i + 1 < chars.length; i++)
      for (const alt of SPLIT[chars[i] + chars[i + 1]] ?? [])
        out.add([...chars.slice(0, i), alt, ...chars.slice(i + 2)].join(''));
    if (sep)
      for (let i = 1; i < chars.length; i++)
        if (/[A-Z0-9]/.test(chars[i - 1]) && /[A-Z0-9]/.test(chars[i]))
          out.add([...chars.slice(0, i), sep, ...chars.slice(i)].join(''));
  }
  for (const c of codes) out.delete(c);
  return [...out];
}

/** The one separator (-, . or /) the column's codes are written with, when most of them have it and none another. */
function separatorOf(values: string[]): string | null {
  const counts = new Map<string, number>();
  for (const v of values) for (const c of new Set(v.replace(/[^-./]/g, ''))) counts.set(c, (counts.get(c) ?? 0) + 1);
  if (counts.size !== 1) return null;
  const [[c, n]] = [...counts];
  return n * 2 > values.length ? c : null;
}

/**
 * The column's values, each with look-alikes swapped when that gives it the shape the others share. `changed` says
 * which were corrected (the reader marks those lines for checking). Values are upper-cased first when the column
 * has no lower-case letters elsewhere.
 */
export function alignShapes(values: (string | null)[]): { value: string | null; changed: boolean }[] {
  const present = values.filter((v): v is string => !!v);
  const lowerElsewhere = (v: string) => present.filter((p) => p !== v && /[a-z]/.test(p)).length * 2 > present.length;
  const sep = separatorOf(present);
  const norm = values.map((v) => {
    if (!v) return v;
    // A code printed in capitals and digits that OCR read with some small letters ("R1654xp"): a code does not mix
    // cases, and small c, o, s, v, w, x, z are capitals' shapes at a smaller size.
    const cased = lowerElsewhere(v) && !(/[A-Z]/.test(v) && /\d/.test(v)) ? v : v.toUpperCase();
    // A separator OCR read as a space ("158 854.29" in a column of "341.667.80"): the column's own separator.
    return sep ? cased.replace(/(?<=[A-Z0-9]) (?=[A-Z0-9])/g, sep) : cased;
  });
  return values.map((original, i) => {
    const v = norm[i];
    if (!v || !original) return { value: original, changed: false };
    // The shape of the others, and how long each of its runs is in them.
    const others = norm.filter((o, j): o is string => j !== i && !!o).map(runs);
    if (others.length < 2) return { value: v, changed: false };
    const counts = new Map<string, number>();
    for (const r of others) counts.set(coarse(r), (counts.get(coarse(r)) ?? 0) + 1);
    const [shape, n] = [...counts].sort((a, b) => b[1] - a[1])[0];
    if (n < 2 || n * 2 < others.length) return { value: v, changed: false };
    const m: Model = { shape, n, lengths: [] };
    for (const r of others)
      if (coarse(r) === shape)
        r.forEach(([, len], k) => {
          m.lengths[k] ??= new Map();
          m.lengths[k].set(len, (m.lengths[k].get(len) ?? 0) + 1);
        });
    const own = fit(v, m);
    if (own === runs(v).length) return { value: v, changed: false };
    // One swap, else two: the fewest swaps that fit better, when exactly one reading fits best.
    let readings = [v];
    for (let swaps = 1; swaps <= 2; swaps++) {
      readings = swapped(readings, sep);
      let best = own;
      let found: string[] = [];
      for (const alt of readings) {
        const f = fit(alt, m);
        if (f > best) [best, found] = [f, [alt]];
        else if (f === best && f > own) found.push(alt);
      }
      if (found.length === 1) return { value: found[0], changed: true };
      if (found.length > 1) break;
    }
    return { value: v, changed: false };
  });
}
