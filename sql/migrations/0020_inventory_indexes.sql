-- Inventory at scale (issue 18): the console pages through stock by a keyset cursor under every sort and filter it
-- offers, and each of those views walks an index instead of sorting the whole table.
--
-- Status (negative / low / ok) depends on the item's reorder point, a column of another table, which no index of
-- stock_levels could serve. So each stock row keeps its item's reorder point too (the triggers below copy it in the
-- statement that changes it), and the status is a function of the row. Every index leads with the status: a view of
-- one status walks one range, a view of all of them merges the three ranges in the order asked for.
--
-- The price: on_hand and last_activity_at are now indexed, so the updates a push makes are no longer HOT (0001's
-- fillfactor kept them so) and each one writes its index entries.
ALTER TABLE stock_levels ADD COLUMN reorder_point integer; -- a copy of items.reorder_point
UPDATE stock_levels s SET reorder_point = i.reorder_point
FROM items i WHERE i.item_id = s.item_id AND i.reorder_point IS NOT NULL;

-- 0 negative, 1 low, 2 ok: stockStatus() of src/lib/domain/stock.ts, in the order of a status sort.
CREATE FUNCTION stock_status_rank(on_hand bigint, reorder_point integer) RETURNS smallint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT CASE WHEN on_hand < 0 THEN 0 WHEN reorder_point IS NOT NULL AND on_hand <= reorder_point THEN 1 ELSE 2 END::smallint $$;

-- The sorts of the inventory page; ties broken by the row's key, (item, location).
CREATE INDEX stock_levels_status_item ON stock_levels (stock_status_rank(on_hand, reorder_point), item_id, location_id);
CREATE INDEX stock_levels_status_location
  ON stock_levels (stock_status_rank(on_hand, reorder_point), location_id, item_id);
CREATE INDEX stock_levels_status_on_hand
  ON stock_levels (stock_status_rank(on_hand, reorder_point), on_hand, item_id, location_id);
CREATE INDEX stock_levels_status_activity
  ON stock_levels (stock_status_rank(on_hand, reorder_point), coalesce(last_activity_at, '-infinity'), item_id, location_id);

-- A new stock row takes its item's reorder point: once per statement, so a push's upsert pays one call, not one a row.
CREATE FUNCTION stock_levels_take_reorder_point() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE stock_levels s SET reorder_point = i.reorder_point
  FROM created c JOIN items i ON i.item_id = c.item_id
  WHERE s.item_id = c.item_id AND s.location_id = c.location_id AND i.reorder_point IS NOT NULL;
  RETURN NULL;
END
$$;
CREATE TRIGGER stock_levels_reorder_point AFTER INSERT ON stock_levels
  REFERENCING NEW TABLE AS created FOR EACH STATEMENT EXECUTE FUNCTION stock_levels_take_reorder_point();

-- An item's new reorder point reaches its stock rows in the statement that sets it. The rows are locked first in the
-- order every push locks stock rows in, (item, location), so an import beside a push cannot deadlock.
CREATE FUNCTION items_pass_reorder_point() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM stock_levels s JOIN changed c ON c.item_id = s.item_id
  WHERE s.reorder_point IS DISTINCT FROM c.reorder_point
  ORDER BY s.item_id, s.location_id
  FOR UPDATE OF s;
  UPDATE stock_levels s SET reorder_point = c.reorder_point
  FROM changed c WHERE s.item_id = c.item_id AND s.reorder_point IS DISTINCT FROM c.reorder_point;
  RETURN NULL;
END
$$;
CREATE TRIGGER items_reorder_point AFTER UPDATE ON items
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION items_pass_reorder_point();
