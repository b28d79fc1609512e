-- Gold: per station and UTC day, the share of its undoable scans (INTAKE, CONSUME, MOVE) that a VOID later
-- cancelled, counted at the station and day of the scan itself. A COUNT cannot be voided, so it is left out.
-- Twin: gold_voided_scan_rate in sql/migrations/0017_analytics_moves_counts.sql.
CREATE OR REFRESH MATERIALIZED VIEW gold_voided_scan_rate
COMMENT 'Per station and UTC day: INTAKE, CONSUME and MOVE scans, how many were voided, and the voided share.'
AS SELECT s.day,
          s.station_id,
          count(*) AS scans,
          count(CASE WHEN s.voided THEN 1 END) AS voided_scans,
          CAST(count(CASE WHEN s.voided THEN 1 END) AS DOUBLE) / count(*) AS voided_rate
FROM silver_scans s
WHERE s.event_type IN ('INTAKE', 'CONSUME', 'MOVE')
GROUP BY s.day, s.station_id;
