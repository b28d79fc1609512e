// The scan event and the sync protocol: one schema, checked on the tablet before it is stored and on the server
// before it is applied.
import { z } from 'zod';

// The kinds and bounds live in event-limits.ts (no zod there, so a screen can draw without loading it).
import { EVENT_TYPES, MAX_BATCH_EVENTS, MAX_EXPECTED, MAX_QTY, SOURCES } from './event-limits';
export {
  EVENT_TYPES,
  MAX_BATCH_BYTES,
  MAX_BATCH_EVENTS,
  MAX_EVENT_BYTES,
  MAX_EXPECTED,
  MAX_QTY,
  PUSH_ENVELOPE_RESERVE_BYTES,
  SOURCES,
  type EventType,
  type Source
} from './event-limits';

// Codes printed on labels and typed by people: printable, no control characters, bounded.
const code = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(/^[^\p{Cc}\p{Cs}]+$/u, 'must not contain control characters');

export const itemId = code(64);
export const locationId = code(64);
export const deviceId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._:-]+$/, 'may hold only letters, digits, dot, underscore, colon and hyphen');
export const uuid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a UUID');

// The earliest and latest capture times we believe: a device clock outside this window is wrong, not early.
const EARLIEST_CAPTURE = Date.UTC(2020, 0, 1);
const FUTURE_SLACK_MS = 24 * 60 * 60 * 1000;

export const capturedAt = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone' })
  .refine((s) => Date.parse(s) >= EARLIEST_CAPTURE, 'is before 2020: the device clock is wrong')
  .refine(
    (s) => Date.parse(s) <= Date.now() + FUTURE_SLACK_MS,
    'is more than a day in the future: the device clock is wrong'
  );

const optionalText = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .regex(/^[^\p{Cc}\p{Cs}]*$/u, 'must not contain control characters')
    .nullish();

// Barcodes carry GS (0x1D) separators, so they may hold that one control character.
const barcodeRaw = z
  .string()
  .max(512, 'must be at most 512 characters')
  .regex(/^[^\u0000-\u001c\u001e-\u001f\u007f\p{Cs}]*$/u, 'must not contain control characters other than GS')
  .nullish();

export const scanEventSchema = z
  .strictObject({
    event_id: uuid,
    device_seq: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    event_type: z.enum(EVENT_TYPES),
    item_id: itemId,
    // Above 0, except a COUNT's, where 0 is what was found (checked below, with the event type known).
    qty: z.number().int('must be a whole number').min(0, 'must be greater than 0').max(MAX_QTY),
    location_id: locationId,
    to_location_id: locationId.nullish(),
    // The snapshot's on hand: stock may be negative, so may this.
    expected_qty: z.number().int('must be a whole number').min(-MAX_EXPECTED).max(MAX_EXPECTED).nullish(),
    station_id: optionalText(64),
    barcode_raw: barcodeRaw,
    lot: optionalText(64),
    // A GS1 code's serial (AI 21) and expiry (AI 17, as YYYY-MM-DD): newer fields, optional like lot.
    serial: optionalText(64),
    expiry: z.iso.date('must be a date, YYYY-MM-DD').nullish(),
    source: z.enum(SOURCES),
    captured_at: capturedAt,
    operator: optionalText(128),
    packing_slip_id: uuid.nullish(),
    voids_event_id: uuid.nullish()
  })
  .superRefine((e, ctx) => {
    if (e.event_type === 'VOID' && !e.voids_event_id)
      ctx.addIssue({ code: 'custom', path: ['voids_event_id'], message: 'is required for a VOID' });
    if (e.event_type !== 'VOID' && e.voids_event_id)
      ctx.addIssue({ code: 'custom', path: ['voids_event_id'], message: 'is only allowed on a VOID' });
    if (e.voids_event_id && e.voids_event_id.toLowerCase() === e.event_id.toLowerCase())
      ctx.addIssue({ code: 'custom', path: ['voids_event_id'], message: 'cannot void itself' });
    if (e.qty === 0 && e.event_type !== 'COUNT')
      ctx.addIssue({ code: 'custom', path: ['qty'], message: 'must be greater than 0' });
    if (e.event_type === 'MOVE' && !e.to_location_id)
      ctx.addIssue({ code: 'custom', path: ['to_location_id'], message: 'is required for a MOVE' });
    if (e.event_type !== 'MOVE' && e.to_location_id)
      ctx.addIssue({ code: 'custom', path: ['to_location_id'], message: 'is only allowed on a MOVE' });
    if (e.to_location_id && e.to_location_id === e.location_id)
      ctx.addIssue({ code: 'custom', path: ['to_location_id'], message: 'must differ from location_id' });
    if (e.event_type === 'COUNT' && (e.expected_qty === null || e.expected_qty === undefined))
      ctx.addIssue({ code: 'custom', path: ['expected_qty'], message: 'is required for a COUNT' });
    if (e.event_type !== 'COUNT' && e.expected_qty !== null && e.expected_qty !== undefined)
      ctx.addIssue({ code: 'custom', path: ['expected_qty'], message: 'is only allowed on a COUNT' });
  });

export type ScanEvent = z.infer<typeof scanEventSchema>;

/** A rejected event the worker settled on the tablet: fixed and resent as `replaced_by`, or voided there. */
export const settledOnDeviceSchema = z.strictObject({
  event_id: uuid,
  resolution: z.enum(['resent', 'voided']),
  replaced_by: uuid.nullish()
});
export type SettledOnDevice = z.infer<typeof settledOnDeviceSchema>;

// The batch envelope is checked as a whole; each event is checked on its own so one bad event never blocks the rest.
export const pushRequestSchema = z.strictObject({
  device_id: deviceId,
  events: z.array(z.unknown()).max(MAX_BATCH_EVENTS, `at most ${MAX_BATCH_EVENTS} events per request`),
  pending_count: z.number().int().min(0).max(10_000_000).optional(),
  app_version: z.string().max(64).optional(),
  device_name: z.string().max(128).optional(),
  station_id: z.string().max(64).optional(),
  location_id: z.string().max(64).optional(),
  sent_at: capturedAt.optional(),
  /** Rejected events still waiting on the tablet: the answer says which of them a supervisor resolved. */
  rejected_waiting: z.array(uuid).max(MAX_BATCH_EVENTS).optional(),
  /** Rejected events the worker settled on the tablet since the last push. */
  settled_on_device: z.array(settledOnDeviceSchema).max(MAX_BATCH_EVENTS).optional(),
  /** Synced scans the tablet sent again since its last push, because the server no longer held them. */
  refilled: z
    .number()
    .int()
    .min(0)
    .max(10_000_000)
    .optional()
    .describe(
      "Synced scans this tablet sent again since its last push because an answer's server_max_seq was below them " +
        '(the server lost them); counted on the device for the fleet page'
    )
});
export type PushRequest = z.infer<typeof pushRequestSchema>;

export type EventStatus = 'applied' | 'duplicate' | 'rejected';
export interface EventResult {
  event_id: string;
  status: EventStatus;
  reason?: string;
}
/** A rejected event a supervisor resolved on the server, told to the tablet that still holds it. */
export interface ResolvedRejection {
  event_id: string;
  resolution: 'corrected' | 'dismissed' | 'resent' | 'voided';
  note: string | null;
  resolved_at: string;
  resolved_by: string | null;
  corrected_event_id: string | null;
}
export interface PushResponse {
  results: EventResult[];
  server_time: string;
  /**
   * The highest device_seq the server held for this device before this push (0: none). A tablet holding synced
   * scans above it sends them again: the server lost them (a power cut, a restore). Before, not after, the push:
   * scans lost below the ones a push carries would otherwise hide under their numbers.
   */
  server_max_seq: number;
  /** Present when the push named `rejected_waiting`: those of them resolved on the server. */
  resolved?: ResolvedRejection[];
}

/** The push answer as the server sends it (documented in /api/openapi.json). */
export const pushAnswerSchema = z.object({
  results: z
    .array(
      z.object({
        event_id: z.string(),
        status: z.enum(['applied', 'duplicate', 'rejected']),
        reason: z.string().optional()
      })
    )
    .describe('One result per event sent, in order'),
  server_time: z.string(),
  server_max_seq: z
    .number()
    .int()
    .min(0)
    .max(Number.MAX_SAFE_INTEGER)
    .describe(
      'The highest device_seq the server held for this device before this push (0: none). A tablet holding synced ' +
        'scans above it sends them again (the server lost them: a power cut, a restore) and says how many in ' +
        "the next push's `refilled`; they answer `duplicate` where the server still had them."
    ),
  resolved: z
    .array(z.unknown())
    .optional()
    .describe('Present when the push named `rejected_waiting`: those of them resolved on the server')
});

/** The push answer as the tablet reads it. Not strict: a newer server may add fields. `server_max_seq` is optional
 *  so that a tablet talking to an older server keeps syncing (it just cannot refill). */
export const pushResponseSchema = pushAnswerSchema.extend({
  server_max_seq: pushAnswerSchema.shape.server_max_seq.optional()
});

/** One line per problem, with the field path: what a worker or a developer needs to fix it. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(event)'}: ${i.message}`).join('; ');
}

/** Validates one event as it would be stored. Never throws. */
export function checkEvent(input: unknown): { ok: true; event: ScanEvent } | { ok: false; reason: string } {
  const parsed = scanEventSchema.safeParse(input);
  if (parsed.success) return { ok: true, event: { ...parsed.data, event_id: parsed.data.event_id.toLowerCase() } };
  return { ok: false, reason: `invalid: ${describeIssues(parsed.error)}` };
}

/** The fields that make an event what it is: a retry must match them exactly to count as a duplicate. */
export const CONTENT_FIELDS = [
  'device_seq',
  'event_type',
  'item_id',
  'qty',
  'location_id',
  'to_location_id',
  'expected_qty',
  'station_id',
  'barcode_raw',
  'lot',
  'serial',
  'expiry',
  'source',
  'captured_at',
  'operator',
  'packing_slip_id',
  'voids_event_id'
] as const;

export function sameContent(a: ScanEvent, b: ScanEvent): boolean {
  return CONTENT_FIELDS.every((f) => normalise(f, a[f]) === normalise(f, b[f]));
}

function normalise(field: string, v: unknown): string {
  if (v === null || v === undefined) return '';
  if (field === 'captured_at') return String(v instanceof Date ? v.getTime() : Date.parse(String(v)));
  if (field.endsWith('_id') && typeof v === 'string' && uuid.safeParse(v).success) return v.toLowerCase();
  return String(v);
}
