-- A push's upsert fires stock_levels' statement trigger (0020, 0027) whether or not it created a row, and nearly every
-- push creates none: the rows exist after a device's first batches. The trigger's UPDATE still ran each time, planned
-- and joined against an empty transition table (issue 18: about 2.6 ms of a push). So it asks first whether the
-- statement created any row, which costs a look at the transition table alone.
CREATE OR REPLACE FUNCTION stock_levels_take_reorder_point() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM created) THEN
    RETURN NULL;
  END IF;
  UPDATE stock_levels s SET reorder_point = i.reorder_point, item_text = item_search_text(i.item_id, i.description, i.gtin)
  FROM created c JOIN items i ON i.item_id = c.item_id
  WHERE s.item_id = c.item_id AND s.location_id = c.location_id;
  RETURN NULL;
END
$$;
