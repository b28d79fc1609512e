// The station's offline view of stock: the last snapshot from the server, with this tablet's scans that the snapshot
// cannot contain yet applied on top by the same rules the server uses.
import { countAdjustment, reverseEffects, stockEffects, stockStatus, type StockStatus } from '../domain/stock';
import Dexie from 'dexie';
import type { OutboxRow, SnapshotRow, SnapshotSignal, StationDb } from './db';

interface StockLine {
  item_id: string;
  location_id: string;
  description: string;
  unit: string;
  /** On hand in the snapshot. */
  as_of_snapshot: number;
  /** What this tablet's not-yet-counted scans add or take. */
  pending_delta: number;
  on_hand: number;
  reorder_point: number | null;
  status: StockStatus;
}

export interface StockView {
  /** Server time of the snapshot; null before the first sync. */
  as_of: string | null;
  lines: StockLine[];
  signals: SnapshotSignal[];
}

/** Scans the snapshot does not include: pending ones, and those the server accepted after the snapshot was asked for. */
function notInSnapshot(row: OutboxRow, snapshot: SnapshotRow | undefined): boolean {
  if (row.state === 'pending') return true;
  return row.state === 'synced' && !!snapshot && (row.settled_at ?? 0) > snapshot.requested_at;
}

export function stockView(snapshot: SnapshotRow | undefined, rows: OutboxRow[], location?: string): StockView {
  const items = new Map((snapshot?.items ?? []).map((i) => [i.item_id, i]));
  const byId = new Map(rows.map((r) => [r.event_id, r.event]));
  const lines = new Map<string, StockLine>();
  const key = (item: string, loc: string) => item + '\u0000' + loc;
  const line = (item_id: string, location_id: string): StockLine => {
    const k = key(item_id, location_id);
    let l = lines.get(k);
    if (!l) {
      const it = items.get(item_id);
      l = {
        item_id,
        location_id,
        description: it?.description ?? '',
        unit: it?.unit ?? 'ea',
        as_of_snapshot: 0,
        pending_delta: 0,
        on_hand: 0,
        reorder_point: it?.reorder_point ?? null,
        status: 'ok'
      };
      lines.set(k, l);
    }
    return l;
  };

  for (const s of snapshot?.stock ?? [])
    if (!location || s.location_id === location) line(s.item_id, s.location_id).as_of_snapshot = s.on_hand;

  // In the order they were recorded: a COUNT sets on hand to what was counted, so what came before it matters.
  const late = rows.filter((r) => notInSnapshot(r, snapshot)).sort((a, b) => a.device_seq - b.device_seq);
  for (const { event: e } of late) {
    if (e.event_type === 'COUNT') {
      if (location && e.location_id !== location) continue;
      const l = line(e.item_id, e.location_id);
      l.pending_delta += countAdjustment(e.qty, l.as_of_snapshot + l.pending_delta);
      continue;
    }
    // A VOID moves stock back by the scan it cancels; a target no longer on this tablet moved nothing here.
    const target = e.event_type === 'VOID' ? byId.get(e.voids_event_id ?? '') : null;
    const effects =
      e.event_type !== 'VOID'
        ? stockEffects(e)
        : target && target.event_type !== 'VOID' && target.event_type !== 'COUNT'
          ? reverseEffects({ ...target, event_type: target.event_type })
          : [];
    for (const x of effects)
      if (!location || x.location_id === location) line(e.item_id, x.location_id).pending_delta += x.delta;
  }

  const out = [...lines.values()].map((l) => {
    const on_hand = l.as_of_snapshot + l.pending_delta;
    return { ...l, on_hand, status: stockStatus(on_hand, l.reorder_point) };
  });
  out.sort((a, b) => (a.item_id < b.item_id ? -1 : a.item_id > b.item_id ? 1 : a.location_id < b.location_id ? -1 : 1));
  const signals = (snapshot?.signals ?? []).filter((s) => !location || s.location_id === location);
  return { as_of: snapshot?.server_time ?? null, lines: out, signals };
}

/** Reads what stockView needs straight from the tablet's database: only the scans the snapshot cannot contain. */
export async function readStockView(db: StationDb, location?: string): Promise<StockView> {
  return db.transaction('r', db.snapshot, db.outbox, async () => {
    const snapshot = await db.snapshot.get('this');
    const pending = await db.outbox
      .where('[state+device_seq]')
      .between(['pending', Dexie.minKey], ['pending', Dexie.maxKey])
      .toArray();
    const late = snapshot ? await db.outbox.where('settled_at').above(snapshot.requested_at).toArray() : [];
    const rows = [...pending, ...late];
    // A VOID moves stock by the scan it cancels, which may be older than anything loaded so far. Those targets are
    // only looked up, never counted again: the snapshot holds them already.
    const have = new Set(rows.map((r) => r.event_id));
    const targets = [
      ...new Set(rows.map((r) => r.event.voids_event_id).filter((id): id is string => !!id && !have.has(id)))
    ];
    const found = (await db.outbox.bulkGet(targets))
      .filter((r): r is OutboxRow => !!r)
      .map((r) => ({ ...r, state: 'resolved' as const }));
    return stockView(snapshot, [...rows, ...found], location);
  });
}
