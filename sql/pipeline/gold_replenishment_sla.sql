-- Gold: each replenishment signal's way from OPEN to ACKNOWLEDGED to FULFILLED, in seconds. The lifecycle only
-- moves forward, so the latest state is the furthest one reached. A signal fulfilled straight from OPEN has no
-- acknowledgement time. Twin: gold_replenishment_sla in sql/migrations/0002_analytics.sql.
CREATE OR REFRESH MATERIALIZED VIEW gold_replenishment_sla
COMMENT 'Per replenishment signal: when it opened, was acknowledged and fulfilled, and the seconds between.'
AS SELECT t.signal_id,
          t.item_id,
          t.location_id,
          t.opened_at,
          t.acknowledged_at,
          t.fulfilled_at,
          CASE WHEN t.fulfilled_at IS NOT NULL THEN 'FULFILLED'
               WHEN t.acknowledged_at IS NOT NULL THEN 'ACKNOWLEDGED'
               ELSE 'OPEN' END AS state,
          CAST(unix_micros(t.acknowledged_at) - unix_micros(t.opened_at) AS DOUBLE) / 1000000 AS seconds_to_acknowledge,
          CAST(unix_micros(t.fulfilled_at) - unix_micros(t.acknowledged_at) AS DOUBLE) / 1000000 AS seconds_acknowledged_to_fulfilled,
          CAST(unix_micros(t.fulfilled_at) - unix_micros(t.opened_at) AS DOUBLE) / 1000000 AS seconds_to_fulfil
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
