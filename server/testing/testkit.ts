// Builders shared by the server tests and the benchmark: events as a tablet would send them.
import { randomUUID } from 'node:crypto';
import type { ScanEvent } from '#domain/events';

export function makeEvent(over: Partial<ScanEvent> & { device_seq: number }): ScanEvent {
  return {
    event_id: randomUUID(),
    event_type: 'CONSUME',
    item_id: 'P-1',
    qty: 1,
    location_id: 'LINE-1',
    station_id: 'ST-1',
    barcode_raw: null,
    lot: null,
    source: 'wedge',
    captured_at: new Date().toISOString(),
    operator: null,
    packing_slip_id: null,
    voids_event_id: null,
    ...over
  };
}

/** Counts results by status: the shape most assertions want. */
export function tally(results: { status: string }[]): Record<string, number> {
  const t: Record<string, number> = {};
  for (const r of results) t[r.status] = (t[r.status] ?? 0) + 1;
  return t;
}
