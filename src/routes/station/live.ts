// The two rows every part of the station's screen shows, the device and the last snapshot, each read once per change
// and shared: the page, the header and the stock panel each had a liveQuery of their own over them, and opening the
// station read the device 3–5 times and the snapshot (the whole plant's items and stock) 3 times (issue 18).
import { liveQuery } from 'dexie';
import { readable, type Readable } from 'svelte/store';
import { readDevice, type DeviceRow, type SnapshotRow } from '$lib/client/db';
import { stationDb } from './station';

/** undefined until the first read is back; null when the row is not there. */
type Live<T> = Readable<T | null | undefined>;

/** One liveQuery, however many components subscribe; it stops when the last one leaves, and forgets what it read:
 *  the station opened again (after /station/setup wrote the device, say) waits for a fresh read, not the old one. */
function shared<T>(query: () => Promise<T | undefined>): Live<T> {
  return readable<T | null | undefined>(undefined, (set) => {
    const sub = liveQuery(query).subscribe((v) => set(v ?? null));
    return () => {
      sub.unsubscribe();
      set(undefined);
    };
  });
}

let device: Live<DeviceRow> | null = null;
let snapshot: Live<SnapshotRow> | null = null;

export const liveDevice = (): Live<DeviceRow> => (device ??= shared(() => readDevice(stationDb())));
export const liveSnapshot = (): Live<SnapshotRow> => (snapshot ??= shared(() => stationDb().snapshot.get('this')));

/** The store's first read: the row, or null when there is none. */
export function firstRead<T>(store: Live<T>): Promise<T | null> {
  return new Promise((done) => {
    let stop: (() => void) | null = null;
    let got = false;
    stop = store.subscribe((v) => {
      if (v === undefined || got) return;
      got = true;
      done(v);
      queueMicrotask(() => stop?.());
    });
  });
}
