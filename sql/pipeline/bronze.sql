-- Bronze: the change history Lakebase Change Data Feed (formerly Lakehouse Sync) writes for the Lakebase tables (lb_<table>_history), as it arrives.
-- Where it comes from is pipeline configuration: source_catalog and source_schema (see databricks.yml).
-- Every column Lakehouse Sync delivers is kept, its own change metadata included; silver decides what counts.

CREATE OR REFRESH STREAMING TABLE bronze_scan_events
COMMENT 'Every row Lakehouse Sync captured from Lakebase scan_events, unfiltered.'
AS SELECT *, current_timestamp() AS _ingested_at
FROM STREAM(${source_catalog}.${source_schema}.lb_scan_events_history);

CREATE OR REFRESH STREAMING TABLE bronze_items
COMMENT 'Every row Lakehouse Sync captured from Lakebase items, unfiltered.'
AS SELECT *, current_timestamp() AS _ingested_at
FROM STREAM(${source_catalog}.${source_schema}.lb_items_history);

CREATE OR REFRESH STREAMING TABLE bronze_replenishment_signals
COMMENT 'Every row Lakehouse Sync captured from Lakebase replenishment_signals, unfiltered.'
AS SELECT *, current_timestamp() AS _ingested_at
FROM STREAM(${source_catalog}.${source_schema}.lb_replenishment_signals_history);

CREATE OR REFRESH STREAMING TABLE bronze_count_adjustments
COMMENT 'Every row Lakehouse Sync captured from Lakebase count_adjustments (what each COUNT did to stock), unfiltered.'
AS SELECT *, current_timestamp() AS _ingested_at
FROM STREAM(${source_catalog}.${source_schema}.lb_count_adjustments_history);

-- Master data for the map of places (gold_places): locations and suppliers with their coordinates, and the purchase
-- orders that say which suppliers have orders open.
CREATE OR REFRESH STREAMING TABLE bronze_locations
COMMENT 'Every row Lakehouse Sync captured from Lakebase locations (with latitude and longitude), unfiltered.'
AS SELECT *, current_timestamp() AS _ingested_at
FROM STREAM(${source_catalog}.${source_schema}.lb_locations_history);

CREATE OR REFRESH STREAMING TABLE bronze_suppliers
COMMENT 'Every row Lakehouse Sync captured from Lakebase suppliers (with latitude and longitude), unfiltered.'
AS SELECT *, current_timestamp() AS _ingested_at
FROM STREAM(${source_catalog}.${source_schema}.lb_suppliers_history);

CREATE OR REFRESH STREAMING TABLE bronze_purchase_orders
COMMENT 'Every row Lakehouse Sync captured from Lakebase purchase_orders (headers only), unfiltered.'
AS SELECT *, current_timestamp() AS _ingested_at
FROM STREAM(${source_catalog}.${source_schema}.lb_purchase_orders_history);
