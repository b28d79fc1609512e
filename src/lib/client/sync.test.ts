// The sync engine's pure decisions: how a batch is cut to the push body limit, and which synced scans go again.
import { describe, expect, it } from 'vitest';
import { MAX_BATCH_BYTES, MAX_BATCH_EVENTS, MAX_EVENT_BYTES, checkEvent, type ScanEvent } from '../domain/events';
import { fitBatch, toRefill, untilOutsideVoid } from './sync';
import type { OutboxRow, OutboxState } from './tables';

const GS = '\u001d'; // sent as \u001d: six bytes of JSON each
function row(seq: number, over: Partial<ScanEvent> = {}, state: OutboxState = 'pending'): OutboxRow {
  const event: ScanEvent = {
    event_id: `0190a0b0-0000-7000-8000-${String(seq).padStart(12, '0')}`,
    device_seq: seq,
    event_type: 'INTAKE',
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
  return { event_id: event.event_id, device_seq: seq, state, event, recorded_at: 0 };
}
/** As long as a valid event gets: the longest barcode, of separators, the longest lot, station and operator. */
const longest = (seq: number) =>
  row(seq, {
    barcode_raw: GS.repeat(512),
    lot: 'L'.repeat(64),
    station_id: 'S'.repeat(64),
    operator: 'é'.repeat(128),
    item_id: 'I'.repeat(64),
    location_id: 'ж'.repeat(64)
  });
const bodyBytes = (envelope: object, rows: OutboxRow[]) =>
  new TextEncoder().encode(JSON.stringify({ ...envelope, events: rows.map((r) => r.event) })).length;

describe('a push batch is cut by bytes as well as by count', () => {
  const envelope = { device_id: 'tab-1', pending_count: 500, app_version: 'test-1', sent_at: new Date().toISOString() };
  const envelopeBytes = bodyBytes(envelope, []);

  it('500 of the longest valid events are more than a push may carry; the batches stay under the limit', () => {
    const rows = Array.from({ length: MAX_BATCH_EVENTS }, (_, i) => longest(i + 1));
    expect(checkEvent(rows[0].event).ok).toBe(true);
    expect(bodyBytes(envelope, rows)).toBeGreaterThan(MAX_BATCH_BYTES); // one count-only batch: refused for ever

    const batches: OutboxRow[][] = [];
    for (let left = rows; left.length;) {
      const { send, tooLarge } = fitBatch(left, envelopeBytes);
      expect(tooLarge).toEqual([]);
      expect(send.length).toBeGreaterThan(0);
      batches.push(send);
      left = left.slice(send.length);
    }
    expect(batches.length).toBeGreaterThan(1);
    for (const b of batches) expect(bodyBytes(envelope, b)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    // Tight: one more event would not have fitted.
    expect(bodyBytes(envelope, [...batches[0], longest(999)])).toBeGreaterThan(MAX_BATCH_BYTES);
    expect(batches.flat().map((r) => r.device_seq)).toEqual(rows.map((r) => r.device_seq));
  });

  it('counts what a row adds to the envelope (the settlement a resend carries)', () => {
    const rows = Array.from({ length: 400 }, (_, i) => longest(i + 1));
    const plain = fitBatch(rows, envelopeBytes).send.length;
    const heavy = fitBatch(rows, envelopeBytes, () => 1000).send.length;
    expect(heavy).toBeLessThan(plain);
  });

  it('sets aside an event too large for any push, and goes on with the ones after it', () => {
    const huge = row(2, { barcode_raw: 'x'.repeat(MAX_EVENT_BYTES) });
    const { send, tooLarge } = fitBatch([row(1), huge, row(3)], envelopeBytes);
    expect(send.map((r) => r.device_seq)).toEqual([1, 3]);
    expect(tooLarge.map((t) => t.row.device_seq)).toEqual([2]);
    expect(tooLarge[0].bytes).toBeGreaterThan(MAX_EVENT_BYTES);
  });

  it('a small batch goes whole', () => {
    const rows = [1, 2, 3].map((s) => row(s));
    expect(fitBatch(rows, envelopeBytes).send).toEqual(rows);
  });
});

describe('which synced scans go again after the server lost some', () => {
  const rows = [
    row(1, {}, 'synced'),
    row(2, {}, 'synced'),
    row(3, {}, 'rejected'),
    row(4, {}, 'synced'),
    row(5, {}, 'resolved'),
    row(6, {}, 'pending'),
    row(7, {}, 'synced')
  ];
  it('every synced scan above the highest sequence number the server holds, and nothing else', () => {
    expect(toRefill(rows, 2).map((r) => r.device_seq)).toEqual([4, 7]);
    expect(toRefill(rows, 0).map((r) => r.device_seq)).toEqual([1, 2, 4, 7]);
  });
  it('nothing when the server holds all of them (or more: scans this tablet already pruned)', () => {
    expect(toRefill(rows, 7)).toEqual([]);
    expect(toRefill(rows, 1000)).toEqual([]);
  });
});

describe('the first push of a sync holds back an undo of a scan sent before', () => {
  const scanRow = row(1);
  const voidOf = (seq: number, target: OutboxRow) =>
    row(seq, { event_type: 'VOID', voids_event_id: target.event_id.toUpperCase() });
  it('up to the first VOID whose scan is not earlier in the batch', () => {
    const earlier = row(9, {}, 'synced');
    const batch = [row(2), voidOf(3, scanRow), row(4), voidOf(5, earlier), row(6)];
    expect(untilOutsideVoid([scanRow, ...batch.slice(0, 2)]).map((r) => r.device_seq)).toEqual([1, 2, 3]);
    expect(untilOutsideVoid(batch).map((r) => r.device_seq)).toEqual([2]);
    expect(untilOutsideVoid([voidOf(7, earlier)])).toEqual([]);
    expect(untilOutsideVoid([row(8)])).toHaveLength(1);
  });
});
