-- Silver: the events analytics trusts, one row per event. Lakebase Change Data Feed writes one row per change with
-- _pg_change_type (insert, update_preimage, update_postimage, delete) and the change's LSN (_pg_lsn): before-images
-- are dropped, the row state at the highest LSN wins (a re-snapshot repeats an insert), and a row whose last change
-- is a delete is gone. Arrival order (_ingested_at) says nothing about commit order, so it is not used.
-- Days and hours are UTC: the pipeline sets spark.sql.session.timeZone = UTC, as the PostgreSQL twin
-- (sql/migrations/0002_analytics.sql) does with AT TIME ZONE 'UTC'.

CREATE OR REFRESH MATERIALIZED VIEW silver_scan_events (
  CONSTRAINT valid_event_type EXPECT (event_type IN ('INTAKE', 'CONSUME', 'VOID', 'MOVE', 'COUNT')) ON VIOLATION DROP ROW,
  CONSTRAINT void_names_its_target EXPECT ((event_type = 'VOID') = (voids_event_id IS NOT NULL)) ON VIOLATION DROP ROW,
  CONSTRAINT move_names_its_destination EXPECT ((event_type = 'MOVE') = (to_location_id IS NOT NULL)) ON VIOLATION DROP ROW,
  CONSTRAINT move_goes_elsewhere EXPECT (to_location_id IS NULL OR to_location_id <> location_id) ON VIOLATION DROP ROW,
  CONSTRAINT count_has_expected EXPECT ((event_type = 'COUNT') = (expected_qty IS NOT NULL)) ON VIOLATION DROP ROW,
  CONSTRAINT positive_qty EXPECT (qty > 0 OR (event_type = 'COUNT' AND qty = 0)) ON VIOLATION DROP ROW,
  CONSTRAINT known_item EXPECT (item_known) ON VIOLATION DROP ROW,
  CONSTRAINT captured_not_in_future EXPECT (captured_at <= current_timestamp()) ON VIOLATION DROP ROW
)
COMMENT 'Scan events at their latest change (by LSN), before-images and deleted rows left out, and checked; a materialized view, so an event dropped for a device clock running ahead comes back once its time has passed.'
AS SELECT e.event_id,
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
          to_date(e.captured_at) AS day,
          date_trunc('HOUR', e.captured_at) AS hour,
          e.to_location_id,
          e.expected_qty,
          (i.item_id IS NOT NULL) AS item_known
FROM (
  -- changes:begin (tests/databricks/silver.test.ts runs this on PostgreSQL)
  SELECT b.*, row_number() OVER (PARTITION BY b.event_id ORDER BY b._pg_lsn DESC) AS change_no
  FROM bronze_scan_events b
  WHERE b._pg_change_type <> 'update_preimage'
  -- changes:end
) e
LEFT JOIN (SELECT DISTINCT item_id FROM bronze_items) i ON i.item_id = e.item_id
WHERE e.change_no = 1 AND e._pg_change_type <> 'delete';

-- Every INTAKE, CONSUME, MOVE and COUNT with whether a VOID cancels it: the stock rule of Lakebase's inventory_current
-- (a VOID moves nothing itself; the event it names no longer counts). Same text as the PostgreSQL twin
-- (sql/migrations/0003_analytics_windows.sql); the void_names_its_target expectation makes "has voids_event_id" a VOID.
CREATE OR REFRESH MATERIALIZED VIEW silver_scans
COMMENT 'INTAKE, CONSUME, MOVE and COUNT events, each with voided = a VOID in silver names it.'
AS SELECT s.*,
          (v.voids_event_id IS NOT NULL) AS voided
FROM silver_scan_events s
LEFT JOIN (SELECT DISTINCT voids_event_id FROM silver_scan_events WHERE voids_event_id IS NOT NULL) v
  ON v.voids_event_id = s.event_id
WHERE s.event_type <> 'VOID';

-- What the server did with each COUNT (Lakebase count_adjustments, append-only): the adjustment it applied, counted
-- minus the on hand it met then. The stock a count moves is this figure, not the event's qty.
CREATE OR REFRESH MATERIALIZED VIEW silver_count_adjustments (
  CONSTRAINT adjustment_is_counted_minus_on_hand EXPECT (adjustment = counted - on_hand_before) ON VIOLATION DROP ROW
)
COMMENT 'Per COUNT event, counted, expected, on hand before and the adjustment the server applied, one row per event_id.'
AS SELECT a.event_id, a.item_id, a.location_id, a.counted, a.expected, a.on_hand_before, a.adjustment, a.applied_at
FROM (
  SELECT b.*, row_number() OVER (PARTITION BY b.event_id ORDER BY b._pg_lsn DESC) AS change_no
  FROM bronze_count_adjustments b
  WHERE b._pg_change_type <> 'update_preimage'
) a
WHERE a.change_no = 1 AND a._pg_change_type <> 'delete';

-- Every stock row an event moves, with the delta: an INTAKE adds its qty, a CONSUME takes it, a MOVE takes it from
-- location_id and adds it to to_location_id (two rows, net zero for the item), a COUNT moves its location by the
-- adjustment the server recorded. Voided events move nothing. The sum per item and location is inventory_current.
-- The PostgreSQL twin (sql/migrations/0017_analytics_moves_counts.sql) has this very text; tests run both.
CREATE OR REFRESH MATERIALIZED VIEW silver_stock_movements
COMMENT 'One row per stock row each live INTAKE, CONSUME, MOVE (two rows) and COUNT moves, with its delta.'
AS SELECT s.event_id, s.event_type, s.station_id, s.day, s.hour, s.item_id, s.location_id,
          CAST(CASE WHEN s.event_type = 'INTAKE' THEN s.qty ELSE -s.qty END AS BIGINT) AS delta
FROM silver_scans s
WHERE NOT s.voided AND s.event_type IN ('INTAKE', 'CONSUME', 'MOVE')
UNION ALL
SELECT s.event_id, s.event_type, s.station_id, s.day, s.hour, s.item_id, s.to_location_id AS location_id,
       CAST(s.qty AS BIGINT) AS delta
FROM silver_scans s
WHERE NOT s.voided AND s.event_type = 'MOVE'
UNION ALL
SELECT s.event_id, s.event_type, s.station_id, s.day, s.hour, s.item_id, s.location_id,
       CAST(a.adjustment AS BIGINT) AS delta
FROM silver_scans s
JOIN silver_count_adjustments a ON a.event_id = s.event_id
WHERE NOT s.voided AND s.event_type = 'COUNT';

CREATE OR REFRESH MATERIALIZED VIEW silver_replenishment_signals (
  CONSTRAINT valid_state EXPECT (state IN ('OPEN', 'ACKNOWLEDGED', 'FULFILLED')) ON VIOLATION DROP ROW
)
COMMENT 'Replenishment signal lifecycle rows (append-only in Lakebase), one per row_id.'
AS SELECT r.row_id, r.signal_id, r.item_id, r.location_id, r.state, r.changed_at, r.changed_by
FROM (
  SELECT b.*, row_number() OVER (PARTITION BY b.row_id ORDER BY b._pg_lsn DESC) AS change_no
  FROM bronze_replenishment_signals b
  WHERE b._pg_change_type <> 'update_preimage'
) r
WHERE r.change_no = 1 AND r._pg_change_type <> 'delete';

-- Master data for the map of places (gold_places), each row at its latest change, as above. Lakebase's CHECKs keep
-- coordinates in range and in pairs; the expectations say so again, so a point off the map never reaches it.
CREATE OR REFRESH MATERIALIZED VIEW silver_locations (
  CONSTRAINT latitude_in_range EXPECT (latitude IS NULL OR latitude BETWEEN -90 AND 90) ON VIOLATION DROP ROW,
  CONSTRAINT longitude_in_range EXPECT (longitude IS NULL OR longitude BETWEEN -180 AND 180) ON VIOLATION DROP ROW,
  CONSTRAINT coordinates_in_pairs EXPECT ((latitude IS NULL) = (longitude IS NULL)) ON VIOLATION DROP ROW
)
COMMENT 'Locations at their latest change (by LSN), deleted ones left out: id, name and coordinates.'
AS SELECT l.location_id, l.name, l.latitude, l.longitude
FROM (
  SELECT b.*, row_number() OVER (PARTITION BY b.location_id ORDER BY b._pg_lsn DESC) AS change_no
  FROM bronze_locations b
  WHERE b._pg_change_type <> 'update_preimage'
) l
WHERE l.change_no = 1 AND l._pg_change_type <> 'delete';

CREATE OR REFRESH MATERIALIZED VIEW silver_suppliers (
  CONSTRAINT latitude_in_range EXPECT (latitude IS NULL OR latitude BETWEEN -90 AND 90) ON VIOLATION DROP ROW,
  CONSTRAINT longitude_in_range EXPECT (longitude IS NULL OR longitude BETWEEN -180 AND 180) ON VIOLATION DROP ROW,
  CONSTRAINT coordinates_in_pairs EXPECT ((latitude IS NULL) = (longitude IS NULL)) ON VIOLATION DROP ROW
)
COMMENT 'Suppliers at their latest change (by LSN), deleted ones left out: id, name, coordinates and active.'
AS SELECT s.supplier_id, s.name, s.latitude, s.longitude, s.active
FROM (
  SELECT b.*, row_number() OVER (PARTITION BY b.supplier_id ORDER BY b._pg_lsn DESC) AS change_no
  FROM bronze_suppliers b
  WHERE b._pg_change_type <> 'update_preimage'
) s
WHERE s.change_no = 1 AND s._pg_change_type <> 'delete';

CREATE OR REFRESH MATERIALIZED VIEW silver_purchase_orders (
  CONSTRAINT valid_status EXPECT (status IN ('DRAFT', 'SENT', 'PARTIALLY_RECEIVED', 'RECEIVED', 'CANCELLED')) ON VIOLATION DROP ROW
)
COMMENT 'Purchase order headers at their latest change (by LSN), deleted ones left out.'
AS SELECT o.po_id, o.po_number, o.supplier_id, o.status, o.expected_date
FROM (
  SELECT b.*, row_number() OVER (PARTITION BY b.po_id ORDER BY b._pg_lsn DESC) AS change_no
  FROM bronze_purchase_orders b
  WHERE b._pg_change_type <> 'update_preimage'
) o
WHERE o.change_no = 1 AND o._pg_change_type <> 'delete';
