// The cycle count in progress on this tablet, kept in IndexedDB so that a reload (a crash, the tablet put away) does
// not lose it: its location in countSheet, each line a row of countLines. A scan writes the one line it changed; the
// sheet was one row, rewritten whole at every scan (500 lines for a 500-part location).
import type { CountLineRow, StationDb } from './db';

export type CountLine = Omit<CountLineRow, 'pos'>;

/** Starts a sheet at `location_id` with these lines, in place of any sheet there was. */
export async function openSheet(db: StationDb, location_id: string, lines: readonly CountLine[]): Promise<void> {
  await db.transaction('rw', db.countSheet, db.countLines, async () => {
    await db.countLines.clear();
    await db.countSheet.put({ id: 'this', location_id, saved_at: Date.now() });
    await db.countLines.bulkPut(lines.map((l, pos) => line(l, pos)));
  });
}

/** Keeps one line of the sheet, the `pos`-th: only that line is written. */
export async function saveLine(db: StationDb, l: CountLine, pos: number): Promise<void> {
  await db.countLines.put(line(l, pos));
}

/** The sheet in progress with its lines in sheet order, or null when there is none. */
export async function readSheet(db: StationDb): Promise<{ location_id: string; lines: CountLine[] } | null> {
  return db.transaction('r', db.countSheet, db.countLines, async () => {
    const sheet = await db.countSheet.get('this');
    if (!sheet) return null;
    const rows = (await db.countLines.toArray()).sort((a, b) => a.pos - b.pos);
    return {
      location_id: sheet.location_id,
      lines: rows.map(({ item_id, counted, expected }) => ({ item_id, counted, expected }))
    };
  });
}

/** Drops the sheet and its lines (the count finished or cancelled). */
export async function closeSheet(db: StationDb): Promise<void> {
  await db.transaction('rw', db.countSheet, db.countLines, async () => {
    await db.countSheet.delete('this');
    await db.countLines.clear();
  });
}

const line = ({ item_id, counted, expected }: CountLine, pos: number): CountLineRow => ({
  item_id,
  counted,
  expected,
  pos
});
