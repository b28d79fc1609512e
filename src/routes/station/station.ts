// The station's long-lived parts, one per tab: the database and the sync engine every station screen shares.
import { version } from '$app/environment';
import { openStationDb, type StationDb } from '$lib/client/db';
import { SyncEngine } from '$lib/client/sync';

let db: StationDb | null = null;
let engine: SyncEngine | null = null;

export function stationDb(): StationDb {
  return (db ??= openStationDb());
}

/**
 * The engine, started on first use: it syncs on its own from then on (interval, online, visibility). On a page still
 * loading it starts once the page has loaded: its first push and snapshot pull (a write the whole station re-reads)
 * then come after the station's first screen, drawn from what the tablet holds, instead of competing with it
 * (issue 18). A sync asked for meanwhile (trigger) runs at once.
 */
export function syncEngine(): SyncEngine {
  if (!engine) {
    const started = new SyncEngine(stationDb(), { baseUrl: '', appVersion: version });
    engine = started;
    if (typeof document === 'undefined' || document.readyState === 'complete') started.start();
    else window.addEventListener('load', () => started.start(), { once: true });
  }
  return engine;
}

export const appVersion = version;
