// The scan event's kinds and bounds, without its schema: what a screen needs to draw (a quantity's bound, the modes)
// without loading zod. events.ts re-exports them and builds its schema from them, so this stays their one source.

// MOVE: qty from location_id to to_location_id. COUNT: qty is the quantity counted (may be 0) and expected_qty what
// the tablet's snapshot said; the server records the adjustment. Both are additions: older tablets' events stay valid.
export const EVENT_TYPES = ['INTAKE', 'CONSUME', 'VOID', 'MOVE', 'COUNT'] as const;
export const SOURCES = ['camera', 'wedge', 'manual', 'packing_slip'] as const;
export const MAX_BATCH_EVENTS = 500;
/** The push body limit, in bytes of JSON as sent: the server refuses more (413), so the tablet splits below it. */
export const MAX_BATCH_BYTES = 1024 * 1024;
/** Room a push keeps for all but its events: the device fields and up to 500 ids of rejected and settled scans. */
export const PUSH_ENVELOPE_RESERVE_BYTES = 128 * 1024;
/** The largest one event may be, as JSON, and still go in a push with any envelope; a larger one can never be sent. */
export const MAX_EVENT_BYTES = MAX_BATCH_BYTES - PUSH_ENVELOPE_RESERVE_BYTES;
export const MAX_QTY = 1_000_000;
/** Bound of a COUNT's expected quantity (the tablet's snapshot on hand, which many intakes can take past MAX_QTY). */
export const MAX_EXPECTED = 1_000_000_000_000;

export type EventType = (typeof EVENT_TYPES)[number];
export type Source = (typeof SOURCES)[number];
