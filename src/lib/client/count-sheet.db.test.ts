// The count in progress in IndexedDB (fake-indexeddb): a scan writes the one line it changed, not the whole sheet,
// the sheet comes back in its order, and a sheet kept whole by the previous version of the database is not lost.
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, expect, it } from 'vitest';
import { openStationDb, type StationDb } from './db';
import { closeSheet, openSheet, readSheet, saveLine, type CountLine } from './count-sheet';

let n = 0;
const opened: StationDb[] = [];
function open(name = `count-sheet-${++n}`) {
  const db = openStationDb(name, null);
  opened.push(db);
  return db;
}
afterEach(async () => {
  for (const db of opened.splice(0)) await db.delete();
});

/** Counts the rows each write puts into each table, below Dexie's API (its DBCore). */
function countWrites(db: StationDb) {
  const rows: Record<string, number> = {};
  db.use({
    stack: 'dbcore',
    name: 'count-writes',
    create: (down) => ({
      ...down,
      table: (name) => {
        const table = down.table(name);
        return {
          ...table,
          mutate: (req) => {
            if (req.type === 'put' || req.type === 'add') rows[name] = (rows[name] ?? 0) + req.values.length;
            return table.mutate(req);
          }
        };
      }
    })
  });
  return rows;
}

const sheet: CountLine[] = Array.from({ length: 500 }, (_, i) => ({
  item_id: `P-${String(500 - i).padStart(3, '0')}`, // not in key order: the sheet's order is kept
  counted: null,
  expected: i
}));

it('a scan writes the one line it changed; the sheet comes back whole, in its order', async () => {
  const db = open();
  const writes = countWrites(db); // before the database opens: Dexie builds its stack then
  await openSheet(db, 'BAY-1', sheet);
  expect(writes).toEqual({ countSheet: 1, countLines: 500 });
  delete writes.countSheet;
  delete writes.countLines;
  await saveLine(db, { ...sheet[7], counted: 3 }, 7);
  await saveLine(db, { item_id: 'NEW-1', counted: 1, expected: 0 }, sheet.length);
  expect(writes).toEqual({ countLines: 2 });

  const back = await readSheet(db);
  expect(back?.location_id).toBe('BAY-1');
  expect(back?.lines).toHaveLength(501);
  expect(back?.lines.slice(6, 9)).toEqual([sheet[6], { ...sheet[7], counted: 3 }, sheet[8]]);
  expect(back?.lines.at(-1)).toEqual({ item_id: 'NEW-1', counted: 1, expected: 0 });
});

it('a new sheet replaces the old one; closing drops it and its lines', async () => {
  const db = open();
  await openSheet(db, 'BAY-1', sheet);
  await openSheet(db, 'BAY-2', sheet.slice(0, 2));
  expect(await readSheet(db)).toEqual({ location_id: 'BAY-2', lines: sheet.slice(0, 2) });
  await closeSheet(db);
  expect(await readSheet(db)).toBeNull();
  expect(await db.countLines.count()).toBe(0);
});

it('a sheet in progress kept whole by the previous database version comes back line by line', async () => {
  const name = `count-sheet-${++n}`;
  const old = new Dexie(name);
  old.version(1).stores({ outbox: '&event_id', device: '&id', counters: '&name', sync: '&id', snapshot: '&id' });
  old.version(2).stores({ prefs: '&id', countSheet: '&id' });
  await old.table('countSheet').put({ id: 'this', location_id: 'BAY-9', lines: sheet.slice(0, 3), saved_at: 1 });
  old.close();

  const db = open(name);
  expect(await readSheet(db)).toEqual({ location_id: 'BAY-9', lines: sheet.slice(0, 3) });
  expect(await db.countSheet.get('this')).toEqual({ id: 'this', location_id: 'BAY-9', saved_at: 1 });
});
