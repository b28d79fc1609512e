// The answers the console reads, as schemas beside the request ones: a page parses what it gets, so an answer of the
// wrong shape (an older server, a proxy's error page, a bug) is one clear error where it arrives, not a crash later.
// Objects are not strict: a newer server may add fields without breaking an open page.
import { z } from 'zod';
import { PO_ACTIONS, PO_STATUSES, type PoAction, type PoDetail, type PoView } from './purchase-orders';
import type { RejectedEventView } from './rejections';
import type { SignalView, StockView } from './views';

const when = z.string(); // ISO timestamps, as JSON carries them
const count = z.number().int();

export const stockViewSchema = z.object({
  item_id: z.string(),
  location_id: z.string(),
  on_hand: z.number(),
  intake_total: z.number(),
  consume_total: z.number(),
  reorder_point: z.number().nullable(),
  status: z.enum(['ok', 'low', 'negative']),
  last_activity_at: when.nullable(),
  description: z.string(),
  unit: z.string()
}) satisfies z.ZodType<StockView>;

export const stockPageSchema = z.object({ rows: z.array(stockViewSchema), total: count });

export const signalViewSchema = z.object({
  signal_id: z.string(),
  item_id: z.string(),
  location_id: z.string(),
  description: z.string(),
  unit: z.string(),
  state: z.enum(['OPEN', 'ACKNOWLEDGED', 'FULFILLED']),
  triggered_at_qty: z.number(),
  on_hand: z.number(),
  reorder_point: z.number().nullable(),
  reorder_qty: z.number().nullable(),
  opened_at: when,
  acknowledged_at: when.nullable(),
  fulfilled_at: when.nullable(),
  acknowledged_by: z.string().nullable(),
  fulfilled_by: z.string().nullable(),
  po_id: z.string().nullable(),
  po_number: z.string().nullable(),
  po_status: z.enum(PO_STATUSES).nullable(),
  supplier_id: z.string().nullable(),
  supplier_name: z.string().nullable()
}) satisfies z.ZodType<SignalView>;

export const signalListSchema = z.object({ rows: z.array(signalViewSchema) });

export const signalWeeksSchema = z.object({
  rows: z.array(
    z.object({
      week: z.string(),
      opened: count,
      acknowledged: count,
      fulfilled: count,
      median_seconds_to_acknowledge: z.number().nullable(),
      median_seconds_to_fulfil: z.number().nullable()
    })
  )
});

export const deviceSchema = z.object({
  device_id: z.string(),
  name: z.string().nullable(),
  station_id: z.string().nullable(),
  location_id: z.string().nullable(),
  app_version: z.string().nullable(),
  user_email: z.string().nullable(),
  last_seen_at: when,
  last_seq: z.number(),
  missing_seq: z.number(),
  pending_reported: z.number().nullable(),
  clock_offset_ms: z.number().nullable(),
  rejections_total: z.number(),
  rejected_waiting: z.number(),
  /** Synced scans the tablet sent again because the server had lost them (a power cut, a restore), and when last. */
  refilled_total: z.number(),
  refilled_at: when.nullable()
});

export const deviceListSchema = z.object({ rows: z.array(deviceSchema) });
export type DeviceView = z.infer<typeof deviceSchema>;

const money = z.number().nullable();

export const poViewSchema = z.object({
  po_id: z.string(),
  po_number: z.string(),
  supplier_id: z.string(),
  supplier_name: z.string().nullable(),
  status: z.enum(PO_STATUSES),
  expected_date: z.string().nullable(),
  note: z.string().nullable(),
  created_by: z.string().nullable(),
  created_at: when,
  updated_at: when,
  version: count,
  line_count: count,
  qty_ordered: z.number(),
  qty_received: z.number(),
  total_price: money,
  overdue: z.boolean(),
  over_received: z.boolean()
}) satisfies z.ZodType<PoView>;

export const poPageSchema = z.object({ rows: z.array(poViewSchema), total: count });

export const poDetailSchema = poViewSchema.extend({
  lines: z.array(
    z.object({
      line_no: count,
      item_id: z.string(),
      description: z.string(),
      qty_ordered: z.number(),
      qty_received: z.number(),
      unit: z.string(),
      price: money,
      signal_id: z.string().nullable(),
      over_received: z.boolean()
    })
  ),
  history: z.array(
    z.object({
      from_status: z.enum(PO_STATUSES).nullable(),
      to_status: z.enum(PO_STATUSES),
      changed_by: z.string().nullable(),
      changed_at: when,
      slip_id: z.string().nullable()
    })
  ),
  slips: z.array(
    z.object({
      slip_id: z.string(),
      slip_number: z.string().nullable(),
      status: z.string(),
      received_at: when.nullable(),
      received_by: z.string().nullable(),
      total_qty: z.number()
    })
  ),
  actions: z.array(z.enum(Object.keys(PO_ACTIONS) as [PoAction, ...PoAction[]]))
}) satisfies z.ZodType<PoDetail>;

export const poDraftsSchema = z.object({ rows: z.array(poDetailSchema) });

export const rejectedEventSchema = z.object({
  rejection_id: z.string(),
  device_id: z.string(),
  event_id: z.string(),
  payload: z.unknown(),
  reason: z.string(),
  user_email: z.string().nullable(),
  first_rejected_at: when,
  last_rejected_at: when,
  rejected_count: count,
  resolved_at: when.nullable(),
  resolved_by: z.string().nullable(),
  resolution: z.enum(['corrected', 'dismissed', 'resent', 'voided']).nullable(),
  resolution_note: z.string().nullable(),
  corrected_event_id: z.string().nullable()
}) satisfies z.ZodType<RejectedEventView>;

export const rejectedListSchema = z.object({ rows: z.array(rejectedEventSchema) });

export const locationViewSchema = z.object({
  location_id: z.string(),
  name: z.string(),
  placeholder: z.boolean(),
  version: count,
  items: count,
  on_hand: z.number(),
  negative: count
});
export type LocationView = z.infer<typeof locationViewSchema>;

export const locationListSchema = z.object({
  rows: z.array(locationViewSchema),
  total: z.object({ items: count, on_hand: z.number() })
});
