-- Core schema: append-only scan events, the stock projection they feed, and the master data around them.

CREATE TABLE locations (
  location_id  text PRIMARY KEY,
  name         text NOT NULL,
  placeholder  boolean NOT NULL DEFAULT false, -- created by a scan before a supervisor named it
  version      integer NOT NULL DEFAULT 1,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  updated_by   text
);

CREATE TABLE items (
  item_id        text PRIMARY KEY,
  description    text NOT NULL DEFAULT '',
  unit           text NOT NULL DEFAULT 'ea',
  reorder_point  integer CHECK (reorder_point >= 0), -- NULL: not replenished by signals
  reorder_qty    integer CHECK (reorder_qty >= 0),
  gtin           text UNIQUE,
  active         boolean NOT NULL DEFAULT true,
  placeholder    boolean NOT NULL DEFAULT false, -- created by a scan of an unknown item; a supervisor should complete it
  version        integer NOT NULL DEFAULT 1,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  updated_by     text
);

CREATE TABLE devices (
  device_id         text PRIMARY KEY,
  name              text,
  station_id        text,
  location_id       text,
  app_version       text,
  user_email        text,
  first_seen_at     timestamptz NOT NULL DEFAULT now(),
  last_seen_at      timestamptz NOT NULL DEFAULT now(),
  last_seq          bigint NOT NULL DEFAULT 0,
  events_received   bigint NOT NULL DEFAULT 0, -- last_seq - events_received = sequence numbers never seen
  pending_reported  integer,
  clock_offset_ms   integer,                   -- server clock minus device clock at the last push
  rejections_total  bigint NOT NULL DEFAULT 0
);

CREATE TABLE scan_events (
  event_id         uuid PRIMARY KEY,           -- UUIDv7 made on the device
  device_id        text NOT NULL,
  device_seq       bigint NOT NULL CHECK (device_seq > 0),
  event_type       text NOT NULL CHECK (event_type IN ('INTAKE', 'CONSUME', 'VOID')),
  item_id          text NOT NULL REFERENCES items,
  qty              integer NOT NULL CHECK (qty > 0),
  location_id      text NOT NULL REFERENCES locations,
  station_id       text,
  barcode_raw      text,
  lot              text,
  source           text NOT NULL CHECK (source IN ('camera', 'wedge', 'manual', 'packing_slip')),
  captured_at      timestamptz NOT NULL,
  received_at      timestamptz NOT NULL DEFAULT now(),
  user_email       text,
  operator         text,
  packing_slip_id  uuid,
  voids_event_id   uuid REFERENCES scan_events,
  UNIQUE (device_id, device_seq),
  CHECK ((event_type = 'VOID') = (voids_event_id IS NOT NULL))
);
-- An event can be voided once.
CREATE UNIQUE INDEX scan_events_voids_once ON scan_events (voids_event_id) WHERE voids_event_id IS NOT NULL;
CREATE INDEX scan_events_item_location ON scan_events (item_id, location_id, captured_at);
CREATE INDEX scan_events_received ON scan_events (received_at DESC, event_id);

CREATE TABLE stock_levels (
  item_id           text NOT NULL REFERENCES items,
  location_id       text NOT NULL REFERENCES locations,
  on_hand           bigint NOT NULL DEFAULT 0,
  intake_total      bigint NOT NULL DEFAULT 0, -- net of voided intakes
  consume_total     bigint NOT NULL DEFAULT 0, -- net of voided consumes
  event_count       bigint NOT NULL DEFAULT 0,
  last_activity_at  timestamptz,
  active_signal_id  uuid,            -- the OPEN or ACKNOWLEDGED signal, kept with the stock it depends on
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (item_id, location_id)
) WITH (fillfactor = 70); -- room on each page, so the constant updates stay HOT (no index writes)
CREATE INDEX stock_levels_location ON stock_levels (location_id, item_id);
CREATE INDEX stock_levels_active_signal ON stock_levels (active_signal_id) WHERE active_signal_id IS NOT NULL;

CREATE TABLE replenishment_signals (
  row_id            bigserial PRIMARY KEY,
  signal_id         uuid NOT NULL,
  item_id           text NOT NULL REFERENCES items,
  location_id       text NOT NULL REFERENCES locations,
  state             text NOT NULL CHECK (state IN ('OPEN', 'ACKNOWLEDGED', 'FULFILLED')),
  triggered_at_qty  bigint NOT NULL,  -- on hand when the signal opened
  on_hand_at_change bigint NOT NULL,
  reorder_point     integer,
  event_id          uuid,             -- the scan that caused this change, if a scan did
  changed_at        timestamptz NOT NULL DEFAULT now(),
  changed_by        text
);
CREATE INDEX replenishment_signals_current ON replenishment_signals (signal_id, row_id DESC);
CREATE INDEX replenishment_signals_item ON replenishment_signals (item_id, location_id, row_id DESC);
CREATE INDEX replenishment_signals_changed ON replenishment_signals (changed_at DESC);

CREATE TABLE user_roles (
  email       text PRIMARY KEY,
  role        text NOT NULL CHECK (role IN ('operator', 'supervisor')),
  granted_by  text,
  granted_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE audit_log (
  audit_id   bigserial PRIMARY KEY,
  at         timestamptz NOT NULL DEFAULT now(),
  actor      text,
  entity     text NOT NULL,
  entity_id  text NOT NULL,
  action     text NOT NULL,
  before     jsonb,
  after      jsonb
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, at DESC);

-- The audit: stock recomputed from every event. Slow on purpose (O(events)); stock_levels must always equal it.
CREATE VIEW inventory_current AS
SELECT e.item_id,
       e.location_id,
       sum(CASE e.event_type WHEN 'INTAKE' THEN e.qty ELSE -e.qty END) AS on_hand,
       sum(CASE e.event_type WHEN 'INTAKE' THEN e.qty ELSE 0 END) AS intake_total,
       sum(CASE e.event_type WHEN 'CONSUME' THEN e.qty ELSE 0 END) AS consume_total,
       max(e.captured_at) AS last_activity_at
FROM scan_events e
WHERE e.event_type <> 'VOID'
  AND NOT EXISTS (SELECT 1 FROM scan_events v WHERE v.voids_event_id = e.event_id)
GROUP BY e.item_id, e.location_id;
