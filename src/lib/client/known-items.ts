// What the station knows about a code before it records it: from the cached snapshot's item list, so offline too.
// A bare GTIN whose check digit is wrong is a misread (the scanner or a finger slipped), never a part; a code the
// item list does not name waits for the worker's word; and each recorded part gets its running counts.
import { checkDigitOk } from '../domain/barcode';
import type { OutboxRow, SnapshotItem } from './db';

export interface KnownItems {
  /** item_id → the item; empty when the tablet holds no item list. */
  byId: Map<string, SnapshotItem>;
  /** Whether there is a list to check against at all (a new plant, or a tablet never synced, has none). */
  checkable: boolean;
}

export function knownItems(items: SnapshotItem[] | undefined): KnownItems {
  const byId = new Map<string, SnapshotItem>();
  for (const it of items ?? []) byId.set(it.item_id, it);
  return { byId, checkable: byId.size > 0 };
}

/**
 * The text of a bare GTIN-8/12/13/14 whose check digit does not hold, or null. An item whose id is such a string
 * is not a misread: the list says so.
 */
export function misreadGtin(raw: string, known: KnownItems): string | null {
  const text = raw.trim();
  if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(text)) return null;
  if (checkDigitOk(text) || known.byId.has(text)) return null;
  return text;
}

/** "Hex nut M8 (ea)", or what the worker should know when the list has no name for it. */
export function describe(item_id: string, known: KnownItems): string {
  const it = known.byId.get(item_id);
  if (!it) return known.checkable ? 'unknown part' : 'not checked: no item list on this tablet yet';
  if (it.description) return `${it.description} (${it.unit || 'ea'})`;
  return (it as SnapshotItem & { placeholder?: boolean }).placeholder
    ? 'unnamed part (placeholder)'
    : `(${it.unit || 'ea'})`;
}

export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/** Local midnight of the day `now` falls in (the tablet's own "today"). */
export function startOfDay(now: number): number {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** Scans (not undos) per part: counted once from what the outbox holds for today, then one by one as they come. */
export class ScanCounts {
  private session = new Map<string, number>();
  private today = new Map<string, number>();
  private day: number;

  constructor(now: number, todayRows: OutboxRow[] = []) {
    this.day = startOfDay(now);
    for (const r of todayRows)
      if (r.recorded_at >= this.day && r.event.event_type !== 'VOID') this.bump(this.today, r.event.item_id);
  }

  /** Counts one more scan of `item_id` and answers the counts with it included. */
  add(item_id: string, now: number): { session: number; today: number } {
    if (startOfDay(now) !== this.day) {
      // Past midnight: a new day starts from nothing.
      this.day = startOfDay(now);
      this.today.clear();
    }
    return { session: this.bump(this.session, item_id), today: this.bump(this.today, item_id) };
  }

  private bump(m: Map<string, number>, k: string): number {
    const n = (m.get(k) ?? 0) + 1;
    m.set(k, n);
    return n;
  }
}

/** A location label, `LOC=<location_id>` (key in any case): the location it names, or null for any other code. */
export function locationLabel(raw: string): string | null {
  const m = /^LOC\s*=\s*(.*)$/i.exec(raw.trim());
  if (!m) return null;
  const id = m[1].trim();
  // The same bounds as an item code: printable, no spaces, at most 64 characters.
  return id.length > 0 && id.length <= 64 && /^[\x21-\x7e]+$/.test(id) ? id : null;
}

const REQUIRE_LOCATION_KEY = 'linesync:require-location-scan';

/** The station setting "scan a location label before each part", kept per browser (this tablet). */
export function requireLocationScan(): boolean {
  try {
    return globalThis.localStorage?.getItem(REQUIRE_LOCATION_KEY) === '1';
  } catch {
    return false;
  }
}

export function setRequireLocationScan(on: boolean): void {
  try {
    if (on) globalThis.localStorage?.setItem(REQUIRE_LOCATION_KEY, '1');
    else globalThis.localStorage?.removeItem(REQUIRE_LOCATION_KEY);
  } catch {
    // Storage blocked: the setting stays off, and the settings page shows it off.
  }
}
