// The recovery journal: a second copy, in localStorage, of every scan the server has not yet acknowledged, and of
// this tablet's identity and highest sequence number. Why: with the service worker registered, Chromium deleted the
// origin's whole IndexedDB (with Cache Storage) on a full disk while localStorage survived (tests/e2e/quota.spec.ts).
// When the station database opens and lacks scans the journal holds, they are put back (restoreFromJournal in db.ts).
//
// One key per scan, so recording a scan costs one small synchronous write rather than a rewrite of the whole journal;
// a separate key holds the device row and the highest device_seq ever handed out, so a recreated database continues
// the numbering instead of starting at 1 (the server refuses a device_seq it already has from this device).
import type { ScanEvent } from '../domain/events';
import type { DeviceRow, OutboxRow } from './tables';

/**
 * At most this many scans are journalled. A scan takes ~0.8 KB of localStorage (key + value, counted as UTF-16);
 * Chromium allows 10 MiB per origin, so this keeps the journal near 6.5 MB and leaves room for the rest of the app.
 */
export const JOURNAL_MAX_SCANS = 8_000;

interface JournalEntry {
  event: ScanEvent;
  recorded_at: number;
}

interface JournalContents {
  device: DeviceRow | null;
  /** The highest device_seq this tablet has handed out. */
  seq: number;
  entries: JournalEntry[];
}

/** The part of the Web Storage API the journal uses. */
export type JournalStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;

export const JOURNAL_FULL_WARNING = `this tablet's backup copy of unsynced scans is full (${JOURNAL_MAX_SCANS} scans): sync soon.`;

export class Journal {
  private readonly metaKey: string;
  private readonly entryPrefix: string;
  /** Event ids journalled, read from storage on first use; another tab's writes are seen at the next open. */
  private ids: Set<string> | null = null;

  constructor(
    private readonly storage: JournalStorage | null,
    name: string,
    private readonly maxScans = JOURNAL_MAX_SCANS
  ) {
    this.metaKey = `${name}.journal`;
    this.entryPrefix = `${name}.journal.`;
  }

  /** False when there is no localStorage (Node): then nothing is journalled and nothing restored. */
  get enabled(): boolean {
    return this.storage !== null;
  }

  private known(): Set<string> {
    if (this.ids) return this.ids;
    const ids = new Set<string>();
    if (this.storage)
      for (let i = 0; i < this.storage.length; i++) {
        const key = this.storage.key(i);
        if (key?.startsWith(this.entryPrefix)) ids.add(key.slice(this.entryPrefix.length));
      }
    return (this.ids = ids);
  }

  private readMeta(): { device: DeviceRow | null; seq: number } {
    try {
      const meta = JSON.parse(this.storage?.getItem(this.metaKey) ?? 'null');
      const seq = Number(meta?.seq);
      return {
        device: meta?.device?.device_id ? meta.device : null,
        seq: Number.isSafeInteger(seq) && seq > 0 ? seq : 0
      };
    } catch {
      return { device: null, seq: 0 };
    }
  }

  /** Keeps the device row (and the sequence number reached) where a wiped database cannot take them. */
  rememberDevice(device: DeviceRow, seq?: number): string | null {
    if (!this.storage) return null;
    const meta = this.readMeta();
    try {
      this.storage.setItem(this.metaKey, JSON.stringify({ device, seq: Math.max(meta.seq, seq ?? 0) }));
      return null;
    } catch (e) {
      return `this tablet could not keep a backup of its identity (${(e as Error).message}).`;
    }
  }

  /**
   * Called once the scans are committed to IndexedDB and before the worker sees them confirmed. Never throws: the
   * scans count (IndexedDB has them); the answer is a warning for the worker when the backup copy could not be made.
   */
  record(device: DeviceRow, rows: OutboxRow[]): string | null {
    if (!this.storage || !rows.length) return null;
    const problem = this.rememberDevice(device, rows[rows.length - 1].device_seq);
    const ids = this.known();
    for (const row of rows) {
      if (ids.size >= this.maxScans) return JOURNAL_FULL_WARNING;
      try {
        this.storage.setItem(
          this.entryPrefix + row.event_id,
          JSON.stringify({ event: row.event, recorded_at: row.recorded_at })
        );
        ids.add(row.event_id);
      } catch (e) {
        return `this tablet could not keep a backup copy of the scan (${(e as Error).message}): sync soon.`;
      }
    }
    return problem;
  }

  /** Drops scans the server acknowledged, or a person settled. */
  forget(eventIds: Iterable<string>): void {
    if (!this.storage) return;
    const ids = this.known();
    for (const id of eventIds) {
      this.storage.removeItem(this.entryPrefix + id);
      ids.delete(id);
    }
  }

  /** Everything journalled, in device order. An entry that cannot be read is left out (and left in storage). */
  read(): JournalContents {
    const { device, seq } = this.readMeta();
    this.ids = null; // re-read: another tab may have written since
    const entries: JournalEntry[] = [];
    for (const id of this.known()) {
      try {
        const entry = JSON.parse(this.storage?.getItem(this.entryPrefix + id) ?? 'null') as JournalEntry | null;
        if (entry?.event && typeof entry.event === 'object') entries.push(entry);
      } catch {
        // unreadable: skipped
      }
    }
    entries.sort((a, b) => Number(a.event.device_seq) - Number(b.event.device_seq));
    return { device, seq, entries };
  }

  get size(): number {
    return this.known().size;
  }
}

/** The page's localStorage, or null where there is none (Node) or it cannot be used. */
export function browserStorage(): JournalStorage | null {
  try {
    return typeof window !== 'undefined' && window.localStorage ? window.localStorage : null;
  } catch {
    return null;
  }
}
