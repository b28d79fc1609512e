-- Analytics with MOVE and COUNT (0013). The views of 0002/0003 took every event but a VOID as INTAKE or CONSUME: a
-- MOVE was a consumption at its from-location and nothing at its to-location, a COUNT consumed the quantity counted.
-- Now a MOVE is out of the from-location and into the to-location (net zero for the item), and a COUNT moves stock by
-- the adjustment the server recorded (count_adjustments: counted - on hand then), so the last on hand of
-- gold_on_hand_history is inventory_current again. The pipeline (sql/pipeline/) says the same: silver.sql has
-- silver_count_adjustments and silver_stock_movements, and the gold files beside it are the text of the views here.
-- gold_daily_movements keeps its columns (consume_qty is still CONSUME only: a move is no consumption) and gains
-- moved_in_qty, moved_out_qty, move_scans, count_adjustment_qty and count_scans; gold_station_throughput_hourly gains
-- move_scans and count_scans; gold_voided_scan_rate counts the scans that can be undone (INTAKE, CONSUME, MOVE).

DROP VIEW gold_on_hand_history, gold_daily_movements, gold_station_throughput_hourly, gold_voided_scan_rate,
  silver_scans, silver_scan_events;

-- As 0003, with a MOVE's destination and a COUNT's expected quantity.
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
       date_trunc('hour', e.captured_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS hour,
       e.to_location_id,
       e.expected_qty
FROM scan_events e
WHERE e.captured_at <= now();

-- Every INTAKE, CONSUME, MOVE and COUNT with whether a VOID cancels it (a VOID is exactly an event with
-- voids_event_id, a CHECK in 0001, so the partial index on it finds them).
CREATE VIEW silver_scans AS
SELECT s.*,
       (v.voids_event_id IS NOT NULL) AS voided
FROM silver_scan_events s
LEFT JOIN (SELECT DISTINCT voids_event_id FROM silver_scan_events WHERE voids_event_id IS NOT NULL) v
  ON v.voids_event_id = s.event_id
WHERE s.event_type <> 'VOID';

CREATE VIEW silver_count_adjustments AS
SELECT a.event_id, a.item_id, a.location_id, a.counted, a.expected, a.on_hand_before, a.adjustment, a.applied_at
FROM count_adjustments a;

-- Every stock row an event moves, with the delta. The same text as silver_stock_movements in sql/pipeline/silver.sql.
CREATE VIEW silver_stock_movements AS
SELECT s.event_id, s.event_type, s.station_id, s.day, s.hour, s.item_id, s.location_id,
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

-- Gold: daily stock movement per item and location (sql/pipeline/gold_daily_movements.sql).
CREATE VIEW gold_daily_movements AS
SELECT m.day,
       m.item_id,
       m.location_id,
       CAST(sum(CASE WHEN m.event_type = 'INTAKE' THEN m.delta ELSE 0 END) AS bigint) AS intake_qty,
       CAST(sum(CASE WHEN m.event_type = 'CONSUME' THEN -m.delta ELSE 0 END) AS bigint) AS consume_qty,
       CAST(sum(m.delta) AS bigint) AS net_qty,
       count(CASE WHEN m.event_type = 'INTAKE' THEN 1 END) AS intake_scans,
       count(CASE WHEN m.event_type = 'CONSUME' THEN 1 END) AS consume_scans,
       CAST(sum(CASE WHEN m.event_type = 'MOVE' AND m.delta > 0 THEN m.delta ELSE 0 END) AS bigint) AS moved_in_qty,
       CAST(sum(CASE WHEN m.event_type = 'MOVE' AND m.delta < 0 THEN -m.delta ELSE 0 END) AS bigint) AS moved_out_qty,
       count(CASE WHEN m.event_type = 'MOVE' THEN 1 END) AS move_scans,
       CAST(sum(CASE WHEN m.event_type = 'COUNT' THEN m.delta ELSE 0 END) AS bigint) AS count_adjustment_qty,
       count(CASE WHEN m.event_type = 'COUNT' THEN 1 END) AS count_scans
FROM silver_stock_movements m
GROUP BY m.day, m.item_id, m.location_id;

-- Gold: on hand at the end of every day an item moved at a location; the last row equals inventory_current.
CREATE VIEW gold_on_hand_history AS
SELECT m.day,
       m.item_id,
       m.location_id,
       m.net_qty,
       CAST(sum(m.net_qty) OVER (PARTITION BY m.item_id, m.location_id ORDER BY m.day
                                 ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS bigint) AS on_hand
FROM gold_daily_movements m;

-- Gold: work done per station and hour: scans that still count, their units, and the undos made there.
CREATE VIEW gold_station_throughput_hourly AS
SELECT e.hour,
       e.station_id,
       count(CASE WHEN e.event_type <> 'VOID' AND NOT coalesce(s.voided, false) THEN 1 END) AS scans,
       count(CASE WHEN e.event_type = 'INTAKE' AND NOT coalesce(s.voided, false) THEN 1 END) AS intake_scans,
       count(CASE WHEN e.event_type = 'CONSUME' AND NOT coalesce(s.voided, false) THEN 1 END) AS consume_scans,
       CAST(sum(CASE WHEN e.event_type <> 'VOID' AND NOT coalesce(s.voided, false) THEN e.qty ELSE 0 END) AS bigint) AS units,
       count(CASE WHEN e.event_type = 'VOID' THEN 1 END) AS voids,
       count(CASE WHEN e.event_type = 'MOVE' AND NOT coalesce(s.voided, false) THEN 1 END) AS move_scans,
       count(CASE WHEN e.event_type = 'COUNT' AND NOT coalesce(s.voided, false) THEN 1 END) AS count_scans
FROM silver_scan_events e
LEFT JOIN silver_scans s ON s.event_id = e.event_id
GROUP BY e.hour, e.station_id;

-- Gold: per station and day, the share of its undoable scans (INTAKE, CONSUME, MOVE) that were later voided.
CREATE VIEW gold_voided_scan_rate AS
SELECT s.day,
       s.station_id,
       count(*) AS scans,
       count(CASE WHEN s.voided THEN 1 END) AS voided_scans,
       CAST(count(CASE WHEN s.voided THEN 1 END) AS double precision) / count(*) AS voided_rate
FROM silver_scans s
WHERE s.event_type IN ('INTAKE', 'CONSUME', 'MOVE')
GROUP BY s.day, s.station_id;
