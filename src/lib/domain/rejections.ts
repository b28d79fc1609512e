// Rejected events as the server keeps them, and how a supervisor resolves one: a corrected event written in its
// place (a normal event from the console, linked to the rejected one), or a dismissal with a reason.
import { z } from 'zod';
import { capturedAt, itemId, locationId, MAX_QTY, SOURCES, type ScanEvent } from './events';

/** The device id the console's corrected events are written under: one sequence for every supervisor. */
export const CONSOLE_DEVICE = 'console';

const note = z
  .string()
  .trim()
  .min(3, 'say why, in a few words')
  .max(500, 'must be at most 500 characters')
  .regex(/^[^\p{Cc}\p{Cs}]+$/u, 'must not contain control characters');

export const resolveRejectionSchema = z.discriminatedUnion('action', [
  z.strictObject({
    action: z.literal('apply_corrected'),
    event_type: z.enum(['INTAKE', 'CONSUME']),
    item_id: itemId,
    qty: z.number().int('must be a whole number').positive('must be greater than 0').max(MAX_QTY),
    location_id: locationId,
    note: note.optional()
  }),
  z.strictObject({ action: z.literal('dismiss'), note })
]);
export type ResolveRejection = z.infer<typeof resolveRejectionSchema>;
type CorrectedFix = Extract<ResolveRejection, { action: 'apply_corrected' }>;

export const rejectionFilterSchema = z.strictObject({
  status: z.enum(['waiting', 'resolved', 'all']).default('waiting'),
  device_id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9._:-]+$/, 'is not a device id')
    .optional()
});

/** One rejected event as GET /api/rejected-events answers it. */
export interface RejectedEventView {
  rejection_id: string;
  device_id: string;
  event_id: string;
  payload: unknown;
  reason: string;
  user_email: string | null;
  first_rejected_at: string;
  last_rejected_at: string;
  rejected_count: number;
  resolved_at: string | null;
  resolved_by: string | null;
  resolution: 'corrected' | 'dismissed' | 'resent' | 'voided' | null;
  resolution_note: string | null;
  corrected_event_id: string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * The corrected event a supervisor writes for a rejected one: the fix's type, item, qty and location; the floor
 * facts (capture time, station, barcode, lot, operator, source) kept from the rejected event where they are valid,
 * so the history says when and where it happened. A capture time outside the believable window becomes `now`.
 */
export function correctedEvent(
  payload: unknown,
  fix: CorrectedFix,
  ids: { event_id: string; device_seq: number; now: Date }
): ScanEvent {
  const p =
    payload && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Record<string, unknown>) : {};
  const captured = capturedAt.safeParse(p.captured_at);
  const source = SOURCES.find((s) => s === p.source) ?? 'manual';
  const text = (v: unknown, max: number) => {
    const s = str(v);
    return s && s.length <= max && /^[^\p{Cc}\p{Cs}]*$/u.test(s) ? s : null;
  };
  return {
    event_id: ids.event_id,
    device_seq: ids.device_seq,
    event_type: fix.event_type,
    item_id: fix.item_id,
    qty: fix.qty,
    location_id: fix.location_id,
    station_id: text(p.station_id, 64),
    barcode_raw: null, // the barcode read did not describe this event; the rejected one keeps it
    lot: text(p.lot, 64),
    source: source === 'packing_slip' ? 'manual' : source,
    captured_at: captured.success ? captured.data : ids.now.toISOString(),
    operator: text(p.operator, 128),
    packing_slip_id: null,
    voids_event_id: null
  };
}

/** How deep an event as sent may nest before it is kept as text: jsonb and the stack have limits, an event has none. */
const MAX_DEPTH = 20;

function depth(v: unknown, d = 0): number {
  if (d > MAX_DEPTH || v === null || typeof v !== 'object') return d;
  let max = d;
  for (const x of Array.isArray(v) ? v : Object.values(v)) {
    max = Math.max(max, depth(x, d + 1));
    if (max > MAX_DEPTH) break;
  }
  return max;
}

function safeText(v: unknown): string {
  try {
    return JSON.stringify(v) ?? '';
  } catch {
    return ''; // deeper than the stack: nothing readable to keep
  }
}

/**
 * The event as sent, as JSON text jsonb accepts: NUL and lone surrogates (which JSON carries but jsonb refuses)
 * become U+FFFD; anything nested deeper than an event ever is, is kept as the first 64 KiB of its text.
 */
export function storablePayload(raw: unknown): string {
  const value =
    depth(raw) > MAX_DEPTH ? { unstorable: 'nested too deeply', text: safeText(raw).slice(0, 65_536) } : raw;
  const text = JSON.stringify(value === undefined ? null : value);
  // JSON.stringify writes NUL as \u0000 and a lone surrogate as \udXXX; a paired one is written as itself. An even
  // run of backslashes before the match means the escape is real, not text that happens to read "\u0000".
  return text.replace(/(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/g, '$1\\ufffd');
}
