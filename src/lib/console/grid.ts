// What the console's editing grids (items, suppliers, a supplier's parts) do alike with a row's cells: a cell holds
// text as typed, or a checkbox's boolean, and is parsed by the domain's rules for its field.

type Parsed = { ok: true; value: unknown } | { ok: false; message: string };

/** A stored row's values as the grid's cells: booleans stay checkboxes, null is an empty cell, the rest is text. */
export function cellTexts<F extends string>(
  fields: readonly F[],
  row: { [K in F]: unknown }
): Record<F, string | boolean> {
  return Object.fromEntries(
    fields.map((f) => [f, typeof row[f] === 'boolean' ? row[f] : row[f] === null ? '' : String(row[f])])
  ) as Record<F, string | boolean>;
}

/** The parsed value of every field, for a save (which is offered only once every cell parses). */
export function cellValues<F extends string>(fields: readonly F[], cell: (f: F) => Parsed): Record<F, unknown> {
  return Object.fromEntries(fields.map((f) => [f, (cell(f) as { value: unknown }).value])) as Record<F, unknown>;
}

/** "Keep mine" after a conflict: the cells I edited over theirs, theirs for every other cell. */
export function keepMine<F extends string, D extends Record<F, string | boolean>>(
  fields: readonly F[],
  mine: D,
  theirs: D,
  edited: (f: F) => boolean
): D {
  return { ...theirs, ...Object.fromEntries(fields.map((f) => [f, edited(f) ? mine[f] : theirs[f]])) };
}

/** A value someone else saved, as the note beside my cell shows it. */
export const shown = (v: unknown) =>
  v === null || v === '' ? '(empty)' : v === true ? 'yes' : v === false ? 'no' : String(v);
