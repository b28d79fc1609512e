-- Gold: daily intake and consumption per item and location; voided scans left out.
-- Twin: gold_daily_movements in sql/migrations/0002_analytics.sql (tests run this very text on PostgreSQL).
CREATE OR REFRESH MATERIALIZED VIEW gold_daily_movements
COMMENT 'Per UTC day, item and location: units and scans in (INTAKE) and out (CONSUME), net of voided scans.'
AS SELECT s.day,
          s.item_id,
          s.location_id,
          CAST(sum(CASE WHEN s.event_type = 'INTAKE' THEN s.qty ELSE 0 END) AS BIGINT) AS intake_qty,
          CAST(sum(CASE WHEN s.event_type = 'CONSUME' THEN s.qty ELSE 0 END) AS BIGINT) AS consume_qty,
          CAST(sum(CASE WHEN s.event_type = 'INTAKE' THEN s.qty ELSE -s.qty END) AS BIGINT) AS net_qty,
          count(CASE WHEN s.event_type = 'INTAKE' THEN 1 END) AS intake_scans,
          count(CASE WHEN s.event_type = 'CONSUME' THEN 1 END) AS consume_scans
FROM silver_scans s
WHERE NOT s.voided
GROUP BY s.day, s.item_id, s.location_id;
