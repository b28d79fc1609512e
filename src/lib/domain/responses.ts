// The answers the console reads, as schemas beside the request ones: a page parses what it gets, so an answer of the
// wrong shape (an older server, a proxy's error page, a bug) is one clear error where it arrives, not a crash later.
// Objects are not strict: a newer server may add fields without breaking an open page.
import { z } from 'zod';
import type { CategoryNode } from './categories';
import { EVENT_TYPES } from './events';
import { TRACKING } from './items';
import type { ForecastAnswer } from './forecast';
import { PO_ACTIONS, PO_STATUSES, type PoAction, type PoDetail, type PoView, type SlipPoView } from './purchase-orders';
import type { RejectedEventView } from './rejections';
import { SLIP_STATUSES } from './slip';
import type { SignalView, StockView } from './views';

const when = z.string(); // ISO timestamps, as JSON carries them
const count = z.number().int();

const stockViewSchema = z.object({
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

/** A page of GET /api/inventory: whether more follow and the cursor to them, never a count of all that match. */
export const stockPageSchema = z.object({
  rows: z.array(stockViewSchema),
  limit: count,
  more: z.boolean(),
  next_cursor: z.string().nullable()
});
/** The rows alone: what a page reads that shows one item's stock whole (no paging). */
export const stockRowsSchema = z.object({ rows: z.array(stockViewSchema) });

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

const deviceSchema = z.object({
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

const poViewSchema = z.object({
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

const locationViewSchema = z.object({
  location_id: z.string(),
  name: z.string(),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
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

/** An audit trail entry (items, suppliers): what a change moved, by whom. */
const auditEntrySchema = z.object({
  audit_id: count,
  at: when,
  actor: z.string().nullable(),
  action: z.string(),
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable()
});
export const auditListSchema = z.object({ rows: z.array(auditEntrySchema) });
export type AuditEntry = z.infer<typeof auditEntrySchema>;
/** A supplier's trail holds its catalogue rows' changes too: entity and entity_id say which. */
export const supplierAuditListSchema = z.object({
  rows: z.array(auditEntrySchema.extend({ entity: z.string(), entity_id: z.string() }))
});
export type SupplierAuditEntry = z.infer<typeof supplierAuditListSchema>['rows'][number];

export const meSchema = z.object({ email: z.string(), role: z.enum(['operator', 'supervisor']) });

export const itemViewSchema = z.object({
  item_id: z.string(),
  description: z.string(),
  unit: z.string(),
  reorder_point: z.number().nullable(),
  reorder_qty: z.number().nullable(),
  gtin: z.string().nullable(),
  active: z.boolean(),
  /** A server older than the tracking column does not send it: none. */
  tracking: z.enum(TRACKING).default('none'),
  placeholder: z.boolean(),
  version: count,
  updated_at: when,
  updated_by: z.string().nullable()
});
export type ItemView = z.infer<typeof itemViewSchema>;
/** On hand per lot and location, from the events that named a lot (GET /api/items/{item_id}/lots). */
export const itemLotsSchema = z.object({
  item_id: z.string(),
  rows: z.array(
    z.object({ lot: z.string(), location_id: z.string(), on_hand: z.number(), expiry: z.string().nullable() })
  )
});
export type ItemLot = z.infer<typeof itemLotsSchema>['rows'][number];
export const itemPageSchema = z.object({ rows: z.array(itemViewSchema), total: count });
export const itemsSavedSchema = z.object({ saved: z.array(itemViewSchema) });
export const itemDetailSchema = itemViewSchema.extend({ category_id: z.string().nullable() });
export const itemCategorySavedSchema = z.object({ category_id: z.string().nullable(), version: count });

export const itemHistorySchema = z.object({ points: z.array(z.object({ at: when, on_hand: z.number() })) });

const scanRowSchema = z.object({
  event_id: z.string(),
  event_type: z.enum(EVENT_TYPES),
  qty: z.number(),
  location_id: z.string(),
  to_location_id: z.string().nullable(),
  expected_qty: z.number().nullable(),
  station_id: z.string().nullable(),
  device_id: z.string(),
  source: z.string(),
  captured_at: when,
  received_at: when,
  user_email: z.string().nullable(),
  operator: z.string().nullable(),
  lot: z.string().nullable(),
  serial: z.string().nullable(),
  /** The expiry the code carried (GS1 (17)), as YYYY-MM-DD. */
  expiry: z.string().nullable(),
  /** The GS1 association rules the scanned code breaks: recorded, flagged for a supervisor. */
  gs1_broken_rules: z.array(z.string()).nullable().optional()
});
export type ScanRow = z.infer<typeof scanRowSchema>;
export const scanPageSchema = z.object({ rows: z.array(scanRowSchema), next_cursor: z.string().nullable() });

const countRowSchema = z.object({
  event_id: z.string(),
  item_id: z.string(),
  description: z.string(),
  unit: z.string(),
  location_id: z.string(),
  counted: z.number(),
  expected: z.number(),
  variance: z.number(),
  adjustment: z.number(),
  captured_at: when,
  device_id: z.string(),
  user_email: z.string().nullable()
});
export type CountView = z.infer<typeof countRowSchema>;
export const countListSchema = z.object({
  rows: z.array(countRowSchema),
  totals: z.object({ counts: count, adjusted: count, net: z.number() })
});

const categoryViewSchema = z.object({
  category_id: z.string(),
  parent_id: z.string().nullable(),
  name: z.string(),
  path: z.string(),
  version: count,
  items: count
}) satisfies z.ZodType<CategoryNode>;
export type CategoryView = z.infer<typeof categoryViewSchema>;
export const categoryListSchema = z.object({ rows: z.array(categoryViewSchema) });

export const supplierViewSchema = z.object({
  supplier_id: z.string(),
  name: z.string(),
  contact: z.string(),
  lead_time_days: count,
  address: z.string(),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  active: z.boolean(),
  version: count,
  updated_at: when,
  updated_by: z.string().nullable(),
  /** Its catalogue rows (the list only). */
  items: count.optional()
});
export type SupplierView = z.infer<typeof supplierViewSchema>;
export const supplierPageSchema = z.object({ rows: z.array(supplierViewSchema), total: count });
export const suppliersSavedSchema = z.object({ saved: z.array(supplierViewSchema) });

const supplierItemViewSchema = z.object({
  supplier_id: z.string(),
  supplier_part: z.string(),
  item_id: z.string(),
  pack_size: count,
  price: z.number().nullable(),
  preferred: z.boolean(),
  confirmed: count,
  version: count,
  /** The item's, on the list (not on a save's answer). */
  description: z.string().optional(),
  unit: z.string().optional()
});
export type SupplierItemView = z.infer<typeof supplierItemViewSchema>;
export const supplierItemListSchema = z.object({ rows: z.array(supplierItemViewSchema) });
export const supplierItemsSavedSchema = z.object({
  saved: z.array(supplierItemViewSchema),
  removed: z.array(z.object({ supplier_id: z.string(), supplier_part: z.string() }))
});
/** Suppliers printed on slips that are no known supplier yet. */
export const unknownSupplierListSchema = z.object({
  rows: z.array(z.object({ supplier: z.string(), parts: count, last_learned_at: when }))
});

export const supplierPurchasingSchema = z.object({
  open: z.array(poViewSchema),
  received_count: count,
  rated_count: count,
  on_time_count: count,
  on_time_rate: z.number().nullable()
});

const dayQty = z.object({ day: z.string(), qty: z.number() });
export const forecastAnswerSchema = z.object({
  item_id: z.string(),
  history: z.array(dayQty),
  forecast: z.array(dayQty),
  source: z.enum(['model', 'local']),
  endpoint: z.string().nullable(),
  fallback_reason: z.string().nullable(),
  local: z.object({
    method: z.enum(['ses', 'ses+weekday', 'none']),
    alpha: z.number(),
    level: z.number().nullable(),
    weekday_effects: z.array(z.number()).nullable()
  }),
  lead_time: z.object({
    days: z.number(),
    source: z.enum(['supplier', 'default']),
    supplier_id: z.string().nullable(),
    supplier_name: z.string().nullable()
  }),
  suggestion: z
    .object({
      lead_time_days: z.number(),
      service_level: z.number(),
      z: z.number(),
      mean_daily_demand: z.number(),
      sigma_daily: z.number(),
      lead_time_demand: z.number(),
      safety_stock: z.number(),
      reorder_point: z.number()
    })
    .nullable(),
  current_reorder_point: z.number().nullable()
}) satisfies z.ZodType<ForecastAnswer>;

/** Analytics answers say who answered: the SQL warehouse, or PostgreSQL when it is not configured or failed. */
const sourced = { source: z.enum(['warehouse', 'postgres']), warehouse_error: z.string().optional() };
export const consumptionSchema = z.object({
  days: z.array(z.string()),
  items: z.array(z.object({ item_id: z.string(), total: z.number(), qty: z.array(z.number()) })),
  total: z.array(z.number()),
  ...sourced
});
export const analyticsSignalsSchema = z.object({
  weeks: z.array(z.object({ week: z.string(), opened: count, fulfilled: count })),
  ...sourced
});
export const throughputSchema = z.object({
  hours: z.array(z.string()),
  stations: z.array(
    z.object({
      station_id: z.string().nullable(),
      scans: z.array(z.number()),
      units: z.array(z.number()),
      voids: z.array(z.number())
    })
  ),
  ...sourced
});
export const dashboardSchema = z.object({ embed_url: z.string().nullable() });

const slipLineSchema = z.object({
  supplier_part: z.string().nullable(),
  item_id: z.string().nullable(),
  description: z.string(),
  qty: z.number(),
  unit: z.string().nullable(),
  lot: z.string().nullable(),
  confidence: z.number()
});
/** A packing slip as the server holds it (the list's rows; the detail adds its files, lines and order). */
const slipViewSchema = z.object({
  slip_id: z.string(),
  device_id: z.string(),
  status: z.enum(SLIP_STATUSES),
  supplier: z.string().nullable(),
  slip_number: z.string().nullable(),
  po_number: z.string().nullable(),
  slip_date: z.string().nullable(),
  parser: z.string().nullable(),
  parse_error: z.string().nullable(),
  failure_reason: z.string().nullish(), // why the file could not be read: status failed, or entered by hand after
  uploaded_at: when,
  received_at: when.nullable(),
  received_by: z.string().nullable(),
  location_id: z.string().nullable(),
  line_count: count,
  total_qty: z.number()
});
export const slipListSchema = z.object({ rows: z.array(slipViewSchema) });
export const slipDetailSchema = slipViewSchema.extend({
  files: z.array(z.object({ page: count, content_type: z.string() })),
  lines: z.array(slipLineSchema),
  purchase_order: z
    .object({
      po_number_read: z.string(),
      po: z
        .object({
          po_id: z.string(),
          po_number: z.string(),
          status: z.enum(PO_STATUSES),
          supplier_name: z.string().nullable(),
          refusal: z.string().nullable()
        })
        .nullable(),
      lines: z.array(
        z.object({ item_id: z.string(), qty_ordered: z.number(), qty_received: z.number(), qty_shipped: z.number() })
      )
    })
    .nullable() satisfies z.ZodType<SlipPoView | null>
});
export type SlipDetail = z.infer<typeof slipDetailSchema>;
export type SlipLine = z.infer<typeof slipLineSchema>;
export const slipReceivedSchema = slipDetailSchema.extend({ results: z.array(z.object({ status: z.string() })) });

/** What the receiving review reads of the tablet snapshot: the item names and the locations stock is at. */
export const snapshotNamesSchema = z.object({
  items: z.array(z.object({ item_id: z.string(), description: z.string() })),
  stock: z.array(z.object({ location_id: z.string() }))
});
