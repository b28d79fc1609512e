-- Silver: the events analytics trusts, one row per event. Lakebase Change Data Feed writes one row per change with
-- _pg_change_type (insert, update_preimage, update_postimage, delete) and the change's LSN (_pg_lsn): before-images
-- are dropped, the row state at the highest LSN wins (a re-snapshot repeats an insert), and a row whose last change
-- is a delete is gone. Arrival order (_ingested_at) says nothing about commit order, so it is not used.
-- Days and hours are UTC: the pipeline sets spark.sql.session.timeZone = UTC, as the PostgreSQL twin
-- (sql/migrations/0002_analytics.sql) does with AT TIME ZONE 'UTC'.

CREATE OR REFRESH MATERIALIZED VIEW silver_scan_events (
  CONSTRAINT valid_event_type EXPECT (event_type IN ('INTAKE', 'CONSUME', 'VOID')) ON VIOLATION DROP ROW,
  CONSTRAINT void_names_its_target EXPECT ((event_type = 'VOID') = (voids_event_id IS NOT NULL)) ON VIOLATION DROP ROW,
  CONSTRAINT positive_qty EXPECT (qty > 0) ON VIOLATION DROP ROW,
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

-- Every INTAKE and CONSUME with whether a VOID cancels it: the stock rule of Lakebase's inventory_current
-- (a VOID moves nothing itself; the event it names no longer counts). Same text as the PostgreSQL twin
-- (sql/migrations/0003_analytics_windows.sql); the void_names_its_target expectation makes "has voids_event_id" a VOID.
CREATE OR REFRESH MATERIALIZED VIEW silver_scans
COMMENT 'INTAKE and CONSUME events, each with voided = a VOID in silver names it.'
AS SELECT s.*,
          (v.voids_event_id IS NOT NULL) AS voided
FROM silver_scan_events s
LEFT JOIN (SELECT DISTINCT voids_event_id FROM silver_scan_events WHERE voids_event_id IS NOT NULL) v
  ON v.voids_event_id = s.event_id
WHERE s.event_type <> 'VOID';

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
