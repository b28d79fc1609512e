// The tablet's IndexedDB as it really is, read and written with the raw IndexedDB API (no app code involved):
// shared by the e2e specs and the station benchmark.
import type { Page } from 'playwright-core';

export interface StoredRow {
  event_id: string;
  device_seq: number;
  state: string;
  event: { event_type: string; item_id: string; qty: number; source: string; voids_event_id: string | null };
}

/** The outbox and the device row, read with the raw IndexedDB API. */
export function readTablet(page: Page): Promise<{ device_id: string; rows: StoredRow[] }> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('linesync');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['outbox', 'device'], 'readonly');
          const rows = tx.objectStore('outbox').getAll();
          const device = tx.objectStore('device').get('this');
          tx.oncomplete = () => {
            db.close();
            resolve({ device_id: device.result?.device_id ?? '', rows: rows.result });
          };
          tx.onerror = () => reject(tx.error);
        };
      })
  );
}

/**
 * Puts `n` pending scans straight into the tablet's outbox, numbered after the device counter, as the app would have
 * recorded them: how a spec gets thousands of scans without typing them. The page must be reloaded to show them.
 */
export function seedPending(page: Page, n: number, itemPrefix = 'BULK'): Promise<void> {
  return page.evaluate(
    ({ n, itemPrefix }) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('linesync');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['outbox', 'counters', 'device'], 'readwrite');
          const counters = tx.objectStore('counters');
          const device = tx.objectStore('device').get('this');
          const counter = counters.get('device_seq');
          // Requests in one transaction complete in order: the device row is there when the counter is.
          counter.onsuccess = () => {
            let seq: number = counter.result?.value ?? 0;
            const d = device.result;
            const outbox = tx.objectStore('outbox');
            for (let i = 0; i < n; i++) {
              seq++;
              const event_id = crypto.randomUUID();
              outbox.add({
                event_id,
                device_seq: seq,
                state: 'pending',
                recorded_at: Date.now(),
                event: {
                  event_id,
                  device_seq: seq,
                  event_type: i % 3 ? 'CONSUME' : 'INTAKE',
                  item_id: `${itemPrefix}-${i % 20}`,
                  qty: 1 + (i % 7),
                  location_id: d.location_id,
                  station_id: d.station_id,
                  barcode_raw: null,
                  lot: null,
                  source: 'wedge',
                  captured_at: new Date().toISOString(),
                  operator: null,
                  packing_slip_id: null,
                  voids_event_id: null
                }
              });
            }
            counters.put({ name: 'device_seq', value: seq });
          };
          tx.oncomplete = () => (db.close(), resolve());
          tx.onerror = () => reject(tx.error);
        };
      }),
    { n, itemPrefix }
  );
}

/** How many outbox rows are in each state. */
export async function countStates(page: Page): Promise<Record<string, number>> {
  const { rows } = await readTablet(page);
  const out: Record<string, number> = {};
  for (const r of rows) out[r.state] = (out[r.state] ?? 0) + 1;
  return out;
}

/** Pending rows, counted on the outbox's [state+device_seq] index: cheap enough to poll. */
export function pendingCount(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('linesync');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const req = db
            .transaction('outbox')
            .objectStore('outbox')
            .index('[state+device_seq]')
            .count(IDBKeyRange.bound(['pending', -Infinity], ['pending', Infinity]));
          req.onsuccess = () => (db.close(), resolve(req.result));
          req.onerror = () => reject(req.error);
        };
      })
  );
}

/** Waits until the station has opened its database and merged the recovery journal into it: the app records the
 *  'linesync:journal-restore' measure after each open's restore. Reading IndexedDB before that races the restore. */
export async function journalRestored(page: Page): Promise<void> {
  await page.waitForFunction(() => performance.getEntriesByName('linesync:journal-restore').length > 0);
}
