-- Gold: work done per station and UTC hour: the scans that still count, their units, and the undos (VOIDs) made
-- there. A MOVE is one scan of its qty; a COUNT one scan of the quantity counted.
-- Twin: gold_station_throughput_hourly in sql/migrations/0017_analytics_moves_counts.sql.
CREATE OR REFRESH MATERIALIZED VIEW gold_station_throughput_hourly
COMMENT 'Per station and UTC hour: scans not voided (all, INTAKE, CONSUME, MOVE, COUNT), their units, and VOIDs made.'
AS SELECT e.hour,
          e.station_id,
          count(CASE WHEN e.event_type <> 'VOID' AND NOT coalesce(s.voided, false) THEN 1 END) AS scans,
          count(CASE WHEN e.event_type = 'INTAKE' AND NOT coalesce(s.voided, false) THEN 1 END) AS intake_scans,
          count(CASE WHEN e.event_type = 'CONSUME' AND NOT coalesce(s.voided, false) THEN 1 END) AS consume_scans,
          CAST(sum(CASE WHEN e.event_type <> 'VOID' AND NOT coalesce(s.voided, false) THEN e.qty ELSE 0 END) AS BIGINT) AS units,
          count(CASE WHEN e.event_type = 'VOID' THEN 1 END) AS voids,
          count(CASE WHEN e.event_type = 'MOVE' AND NOT coalesce(s.voided, false) THEN 1 END) AS move_scans,
          count(CASE WHEN e.event_type = 'COUNT' AND NOT coalesce(s.voided, false) THEN 1 END) AS count_scans
FROM silver_scan_events e
LEFT JOIN silver_scans s ON s.event_id = e.event_id
GROUP BY e.hour, e.station_id;
