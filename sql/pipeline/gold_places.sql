-- Gold: the places of the dashboard's map, every location with its stock and every active supplier with its open
-- purchase orders (sent, not yet fully received), with their coordinates where known. Twin: gold_places in
-- sql/migrations/0025_location_coordinates.sql.
CREATE OR REFRESH MATERIALIZED VIEW gold_places
COMMENT 'Locations (kind location: on hand and negative stock rows) and active suppliers (kind supplier: open purchase orders), with latitude and longitude where known.'
AS SELECT 'location' AS kind,
          l.location_id AS place_id,
          l.name,
          l.latitude,
          l.longitude,
          CAST(coalesce(s.on_hand_qty, 0) AS BIGINT) AS on_hand_qty,
          CAST(coalesce(s.negative_stock_rows, 0) AS BIGINT) AS negative_stock_rows,
          CAST(NULL AS BIGINT) AS open_po_count
FROM silver_locations l
LEFT JOIN (
  SELECT r.location_id,
         sum(r.on_hand) AS on_hand_qty,
         count(CASE WHEN r.on_hand < 0 THEN 1 END) AS negative_stock_rows
  FROM (
    SELECT m.item_id, m.location_id, sum(m.delta) AS on_hand
    FROM silver_stock_movements m
    GROUP BY m.item_id, m.location_id
  ) r
  GROUP BY r.location_id
) s ON s.location_id = l.location_id
UNION ALL
SELECT 'supplier' AS kind,
       p.supplier_id AS place_id,
       p.name,
       p.latitude,
       p.longitude,
       CAST(NULL AS BIGINT) AS on_hand_qty,
       CAST(NULL AS BIGINT) AS negative_stock_rows,
       CAST(coalesce(o.open_po_count, 0) AS BIGINT) AS open_po_count
FROM silver_suppliers p
LEFT JOIN (
  SELECT po.supplier_id, count(*) AS open_po_count
  FROM silver_purchase_orders po
  WHERE po.status IN ('SENT', 'PARTIALLY_RECEIVED')
  GROUP BY po.supplier_id
) o ON o.supplier_id = p.supplier_id
WHERE p.active;
