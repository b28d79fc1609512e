// What the station knows about a code before it records it: from the cached snapshot's item list, so offline too.
// A bare GTIN whose check digit is wrong is a misread (the scanner or a finger slipped), never a part; a code the
// item list does not name waits for the worker's word; and each recorded part gets its running counts.
import { checkDigitOk, parseBarcode, type ParsedBarcode } from '../domain/barcode';
import { fromKeyboard } from '../domain/mh10';
import type { OutboxRow, SnapshotItem, SnapshotLot } from './db';

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

export type PartResolution = { ok: true; parsed: ParsedBarcode & { item_id: string } } | { ok: false; error: string };

/**
 * A code that is not a location label (see locationLabel, which the station tries first) → the part it names, as the
 * station records it: a misread GTIN, a code that does not parse and a GTIN no item holds are refused with the reason.
 */
export function resolvePart(
  raw: string,
  known: KnownItems,
  gtinToItem: (gtin14: string) => string | null | undefined,
  today: Date,
  supplierPartToItem?: (supplierPart: string) => string | null | undefined,
  /** Typed by a wedge or a person (not a camera read): a carton label's GS/RS/EOT may arrive in other forms. */
  typed = false
): PartResolution {
  const label = typed ? fromKeyboard(raw) : null;
  if (label && !label.ok) return { ok: false, error: label.error };
  if (label) raw = label.text;
  const misread = misreadGtin(raw, known);
  if (misread)
    return {
      ok: false,
      error: `Misread: ${misread} is not a valid GTIN (its check digit is wrong). Nothing recorded — scan it again.`
    };
  const parsed = parseBarcode(raw, { defaultQty: 1, gtinToItem, supplierPartToItem, today });
  if (!parsed.ok) return { ok: false, error: parsed.error };
  if (!parsed.item_id) return { ok: false, error: `GTIN ${parsed.gtin ?? parsed.sscc ?? ''} is not a known item.` };
  return { ok: true, parsed: { ...parsed, item_id: parsed.item_id.trim() } };
}

/**
 * What a scan of a tracked item still lacks: 'lot' for a lot-tracked item without a lot, 'serial' for a
 * serial-tracked one without a serial; null when the item is not tracked (or unknown to the list) or the code had it.
 */
export function missingTracking(
  scan: { item_id: string; lot?: string | null; serial?: string | null },
  known: KnownItems
): 'lot' | 'serial' | null {
  const tracking = known.byId.get(scan.item_id)?.tracking ?? 'none';
  if (tracking === 'lot' && !scan.lot) return 'lot';
  if (tracking === 'serial' && !scan.serial) return 'serial';
  return null;
}

/**
 * Why a scan cannot be recorded with its quantity: each piece of a serial-tracked part has a serial of its own, so it
 * is scanned piece by piece. Null when the quantity is fine. (A GS1 code may carry a serial with a count, (21) with
 * (30): a serialised case of an untracked part is recorded as it says.)
 */
export function serialQtyError(scan: { item_id: string; qty: number }, known: KnownItems): string | null {
  if (scan.qty <= 1 || known.byId.get(scan.item_id)?.tracking !== 'serial') return null;
  return `${scan.item_id} × ${scan.qty} refused: it is serial-tracked, and a serial is one piece. Nothing recorded — scan each piece on its own.`;
}

export type TrackingAnswer = { ok: true; value: string; expiry?: string } | { ok: false; error: string };

/**
 * The worker's answer to "which lot (serial)?", scanned or typed: a GS1 code gives its lot (10) or serial (21), and
 * its expiry (17) with it; any other code is the lot or serial itself, as the event schema bounds it (1-64
 * printable characters). A location label is not an answer.
 */
export function trackingAnswer(raw: string, need: 'lot' | 'serial', today = new Date()): TrackingAnswer {
  const text = raw.trim();
  if (!text) return { ok: false, error: `Nothing entered: scan or type the ${need}.` };
  if (locationLabel(text))
    return { ok: false, error: `That is a location label, not a ${need}: scan or type the ${need}.` };
  const parsed = parseBarcode(raw, { today });
  // A code that looks like GS1 but does not read is a misread, not a lot called "(10)L7(17)9913".
  if (!parsed.ok && /^\(\d{2,4}\)|^\][A-Za-z]\d|\u001d/.test(text)) return { ok: false, error: parsed.error };
  if (parsed.ok && parsed.format !== 'item') {
    const value = need === 'lot' ? parsed.lot : parsed.serial;
    if (!value)
      return {
        ok: false,
        error: `That code carries no ${need} (${need === 'lot' ? '10' : '21'}): scan the ${need} label or type it.`
      };
    return { ok: true, value, ...(parsed.expiry ? { expiry: parsed.expiry } : {}) };
  }
  if (text.length > 64) return { ok: false, error: `A ${need} has at most 64 characters.` };
  if (!/^[^\p{Cc}\p{Cs}]+$/u.test(text)) return { ok: false, error: `A ${need} may not hold control characters.` };
  return { ok: true, value: text };
}

/** item_id + lot → the lot's expiry, from the snapshot's dated lots. */
export type LotExpiries = Map<string, string>;

const lotKey = (item_id: string, lot: string) => `${item_id}\u0000${lot}`;

export function lotExpiries(lots: SnapshotLot[] | undefined): LotExpiries {
  return new Map((lots ?? []).map((l) => [lotKey(l.item_id, l.lot), l.expiry]));
}

/** The tablet's own calendar day, YYYY-MM-DD: a lot is expired the day after its date, here. */
export function localDay(now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

/**
 * "lot L7 expired on 2025-01-31" for a CONSUME of a lot past its date, or null. The date is the code's own (AI 17), or
 * else the one scans of the lot gave the server (the snapshot's), so a lot typed or scanned without a date warns too.
 */
export function expiredLot(
  event: { event_type: string; item_id: string; lot?: string | null; expiry?: string | null },
  lots: LotExpiries,
  now: Date
): string | null {
  if (event.event_type !== 'CONSUME') return null;
  const expiry = event.expiry ?? (event.lot ? lots.get(lotKey(event.item_id, event.lot)) : undefined);
  if (!expiry || expiry >= localDay(now)) return null;
  return `${event.lot ? `lot ${event.lot}` : 'its lot'} expired on ${expiry}`;
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
