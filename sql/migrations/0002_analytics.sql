-- Analytics: the PostgreSQL twin of the Lakeflow pipeline in sql/pipeline/, so the numbers the app shows and the
-- numbers in Databricks come from the same definitions. Keep the two in step: a change here is a change there.

-- Lakehouse Sync replicates every table of the schema as lb_<table>_history and needs the old row in the WAL.
-- A table a later migration creates needs the same line there.
ALTER TABLE locations REPLICA IDENTITY FULL;
ALTER TABLE items REPLICA IDENTITY FULL;
ALTER TABLE devices REPLICA IDENTITY FULL;
ALTER TABLE scan_events REPLICA IDENTITY FULL;
ALTER TABLE stock_levels REPLICA IDENTITY FULL;
ALTER TABLE replenishment_signals REPLICA IDENTITY FULL;
ALTER TABLE user_roles REPLICA IDENTITY FULL;
ALTER TABLE audit_log REPLICA IDENTITY FULL;

-- Silver: the events analytics trusts. Here the table's constraints already guarantee what the pipeline's
-- expectations check (event type, qty > 0, known item, one row per event_id); only "not captured in the future"
-- is left to filter. Days and hours are UTC, as in the pipeline (spark.sql.session.timeZone = UTC).
CREATE VIEW silver_scan_events AS
SELECT e.event_id,
       e.device_id,
       e.device_seq,
       e.event_type,
       e.item_id,
       e.qty,
       e.location_id,
       e.station_id,
       e.source,
       e.captured_at,
       e.received_at,
       e.user_email,
       e.voids_event_id,
       (e.captured_at AT TIME ZONE 'UTC')::date AS day,
       date_trunc('hour', e.captured_at, 'UTC') AS hour
FROM scan_events e
WHERE e.captured_at <= now();

-- Every INTAKE and CONSUME with whether a VOID cancels it: the stock rule of inventory_current (a VOID moves
-- nothing itself; the event it names no longer counts).
CREATE VIEW silver_scans AS
SELECT s.*,
       (v.voids_event_id IS NOT NULL) AS voided
FROM silver_scan_events s
LEFT JOIN (SELECT DISTINCT voids_event_id FROM silver_scan_events WHERE event_type = 'VOID') v
  ON v.voids_event_id = s.event_id
WHERE s.event_type <> 'VOID';

CREATE VIEW silver_replenishment_signals AS
SELECT r.row_id, r.signal_id, r.item_id, r.location_id, r.state, r.changed_at, r.changed_by
FROM replenishment_signals r;

-- Gold: daily intake and consumption per item and location, voided scans left out.
CREATE VIEW gold_daily_movements AS
SELECT s.day,
       s.item_id,
       s.location_id,
       CAST(sum(CASE WHEN s.event_type = 'INTAKE' THEN s.qty ELSE 0 END) AS bigint) AS intake_qty,
       CAST(sum(CASE WHEN s.event_type = 'CONSUME' THEN s.qty ELSE 0 END) AS bigint) AS consume_qty,
       CAST(sum(CASE WHEN s.event_type = 'INTAKE' THEN s.qty ELSE -s.qty END) AS bigint) AS net_qty,
       count(CASE WHEN s.event_type = 'INTAKE' THEN 1 END) AS intake_scans,
       count(CASE WHEN s.event_type = 'CONSUME' THEN 1 END) AS consume_scans
FROM silver_scans s
WHERE NOT s.voided
GROUP BY s.day, s.item_id, s.location_id;

-- Gold: on hand at the end of every day an item moved at a location; the last row equals inventory_current.
CREATE VIEW gold_on_hand_history AS
SELECT m.day,
       m.item_id,
       m.location_id,
       m.net_qty,
       CAST(sum(m.net_qty) OVER (PARTITION BY m.item_id, m.location_id ORDER BY m.day
                                 ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS bigint) AS on_hand
FROM gold_daily_movements m;

-- Gold: each replenishment signal's way from OPEN to ACKNOWLEDGED to FULFILLED, in seconds. The lifecycle only
-- moves forward, so the latest state is the furthest one reached.
CREATE VIEW gold_replenishment_sla AS
SELECT t.signal_id,
       t.item_id,
       t.location_id,
       t.opened_at,
       t.acknowledged_at,
       t.fulfilled_at,
       CASE WHEN t.fulfilled_at IS NOT NULL THEN 'FULFILLED'
            WHEN t.acknowledged_at IS NOT NULL THEN 'ACKNOWLEDGED'
            ELSE 'OPEN' END AS state,
       extract(epoch FROM t.acknowledged_at - t.opened_at)::double precision AS seconds_to_acknowledge,
       extract(epoch FROM t.fulfilled_at - t.acknowledged_at)::double precision AS seconds_acknowledged_to_fulfilled,
       extract(epoch FROM t.fulfilled_at - t.opened_at)::double precision AS seconds_to_fulfil
FROM (
  SELECT r.signal_id,
         min(r.item_id) AS item_id,
         min(r.location_id) AS location_id,
         min(CASE WHEN r.state = 'OPEN' THEN r.changed_at END) AS opened_at,
         min(CASE WHEN r.state = 'ACKNOWLEDGED' THEN r.changed_at END) AS acknowledged_at,
         min(CASE WHEN r.state = 'FULFILLED' THEN r.changed_at END) AS fulfilled_at
  FROM silver_replenishment_signals r
  GROUP BY r.signal_id
) t;

-- Gold: work done per station and hour: scans that still count, their units, and the undos made there.
CREATE VIEW gold_station_throughput_hourly AS
SELECT e.hour,
       e.station_id,
       count(CASE WHEN e.event_type <> 'VOID' AND NOT coalesce(s.voided, false) THEN 1 END) AS scans,
       count(CASE WHEN e.event_type = 'INTAKE' AND NOT coalesce(s.voided, false) THEN 1 END) AS intake_scans,
       count(CASE WHEN e.event_type = 'CONSUME' AND NOT coalesce(s.voided, false) THEN 1 END) AS consume_scans,
       CAST(sum(CASE WHEN e.event_type <> 'VOID' AND NOT coalesce(s.voided, false) THEN e.qty ELSE 0 END) AS bigint) AS units,
       count(CASE WHEN e.event_type = 'VOID' THEN 1 END) AS voids
FROM silver_scan_events e
LEFT JOIN silver_scans s ON s.event_id = e.event_id
GROUP BY e.hour, e.station_id;

-- Gold: per station and day, the share of its INTAKE and CONSUME scans that were later voided.
CREATE VIEW gold_voided_scan_rate AS
SELECT s.day,
       s.station_id,
       count(*) AS scans,
       count(CASE WHEN s.voided THEN 1 END) AS voided_scans,
       CAST(count(CASE WHEN s.voided THEN 1 END) AS double precision) / count(*) AS voided_rate
FROM silver_scans s
GROUP BY s.day, s.station_id;
