-- Gold: on hand at the end of every day an item moved at a location; the latest row per item and location
-- equals Lakebase's inventory_current, moves and counts included. Twin: gold_on_hand_history in
-- sql/migrations/0017_analytics_moves_counts.sql.
CREATE OR REFRESH MATERIALIZED VIEW gold_on_hand_history
COMMENT 'Per item and location, the day''s net movement and the on hand at the end of that UTC day.'
AS SELECT m.day,
          m.item_id,
          m.location_id,
          m.net_qty,
          CAST(sum(m.net_qty) OVER (PARTITION BY m.item_id, m.location_id ORDER BY m.day
                                    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS BIGINT) AS on_hand
FROM gold_daily_movements m;
