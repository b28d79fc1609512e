-- Gold: daily stock movement per item and location; voided scans left out. A MOVE is out of its from-location and
-- into its to-location (net zero for the item), a COUNT moves stock by the adjustment the server recorded.
-- Twin: gold_daily_movements in sql/migrations/0017_analytics_moves_counts.sql (tests run this very text on PostgreSQL).
CREATE OR REFRESH MATERIALIZED VIEW gold_daily_movements
COMMENT 'Per UTC day, item and location: units and scans in (INTAKE), out (CONSUME), moved in and out (MOVE) and adjusted by counts (COUNT), and the net, voided scans left out.'
AS SELECT m.day,
          m.item_id,
          m.location_id,
          CAST(sum(CASE WHEN m.event_type = 'INTAKE' THEN m.delta ELSE 0 END) AS BIGINT) AS intake_qty,
          CAST(sum(CASE WHEN m.event_type = 'CONSUME' THEN -m.delta ELSE 0 END) AS BIGINT) AS consume_qty,
          CAST(sum(m.delta) AS BIGINT) AS net_qty,
          count(CASE WHEN m.event_type = 'INTAKE' THEN 1 END) AS intake_scans,
          count(CASE WHEN m.event_type = 'CONSUME' THEN 1 END) AS consume_scans,
          CAST(sum(CASE WHEN m.event_type = 'MOVE' AND m.delta > 0 THEN m.delta ELSE 0 END) AS BIGINT) AS moved_in_qty,
          CAST(sum(CASE WHEN m.event_type = 'MOVE' AND m.delta < 0 THEN -m.delta ELSE 0 END) AS BIGINT) AS moved_out_qty,
          count(CASE WHEN m.event_type = 'MOVE' THEN 1 END) AS move_scans,
          CAST(sum(CASE WHEN m.event_type = 'COUNT' THEN m.delta ELSE 0 END) AS BIGINT) AS count_adjustment_qty,
          count(CASE WHEN m.event_type = 'COUNT' THEN 1 END) AS count_scans
FROM silver_stock_movements m
GROUP BY m.day, m.item_id, m.location_id;
