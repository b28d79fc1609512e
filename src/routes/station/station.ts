// The station's long-lived parts, one per tab: the database and the sync engine every station screen shares.
import { version } from '$app/environment';
import { openStationDb, type StationDb } from '$lib/client/db';
import { SyncEngine } from '$lib/client/sync';

let db: StationDb | null = null;
let engine: SyncEngine | null = null;

export function stationDb(): StationDb {
  return (db ??= openStationDb());
}

/** The engine, started on first use: it syncs on its own from then on (interval, online, visibility). */
export function syncEngine(): SyncEngine {
  if (!engine) {
    engine = new SyncEngine(stationDb(), { baseUrl: '', appVersion: version });
    engine.start();
  }
  return engine;
}

export const appVersion = version;
