-- Gold: per station and UTC day, the share of its INTAKE and CONSUME scans that a VOID later cancelled, counted
-- at the station and day of the scan itself. Twin: gold_voided_scan_rate in sql/migrations/0002_analytics.sql.
CREATE OR REFRESH MATERIALIZED VIEW gold_voided_scan_rate
COMMENT 'Per station and UTC day: INTAKE and CONSUME scans, how many were voided, and the voided share.'
AS SELECT s.day,
          s.station_id,
          count(*) AS scans,
          count(CASE WHEN s.voided THEN 1 END) AS voided_scans,
          CAST(count(CASE WHEN s.voided THEN 1 END) AS DOUBLE) / count(*) AS voided_rate
FROM silver_scans s
GROUP BY s.day, s.station_id;
