-- Where locations are (0025): a location gets coordinates as suppliers have them (0006), both or neither, so the
-- dashboard can put locations and suppliers on one map. gold_places is that map's table: every location with its
-- stock and every active supplier with its open purchase orders. The pipeline says the same in sql/pipeline/
-- (silver_locations, silver_suppliers and silver_purchase_orders in silver.sql; gold_places.sql is this view's text).

ALTER TABLE locations
  ADD COLUMN latitude double precision CHECK (latitude BETWEEN -90 AND 90),
  ADD COLUMN longitude double precision CHECK (longitude BETWEEN -180 AND 180),
  ADD CONSTRAINT locations_coordinates_pair CHECK ((latitude IS NULL) = (longitude IS NULL));

-- Silver: master data as the pipeline keeps it (the latest change per key). Here the table is the latest state.
CREATE VIEW silver_locations AS
SELECT l.location_id, l.name, l.latitude, l.longitude
FROM locations l;

CREATE VIEW silver_suppliers AS
SELECT s.supplier_id, s.name, s.latitude, s.longitude, s.active
FROM suppliers s;

CREATE VIEW silver_purchase_orders AS
SELECT o.po_id, o.po_number, o.supplier_id, o.status, o.expected_date
FROM purchase_orders o;

-- Gold: the places of the map (sql/pipeline/gold_places.sql). A location's on hand is the sum of what the live
-- events moved there (inventory_current per location); a supplier's open orders are those sent and not yet fully
-- received. Places without coordinates are kept: the map leaves them out, Genie and a table need not.
CREATE VIEW gold_places AS
SELECT 'location' AS kind,
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
