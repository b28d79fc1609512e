-- Inventory searches of many items (issue 18). A search that matches more items than it can list ("part 1": 11 % of
-- 100,000) either walks a sort's rows in order, checking each row's item, or gathers every match and sorts it. Both
-- went through the items table for each row: a walk paid an item lookup and an ILIKE per row walked, the gathering a
-- trigram scan of items and then a scan of all of stock_levels against the matches (100-300 ms a page).
--
-- So each stock row keeps its item's search text, lowercased, as server/db/search.ts matches it: `lower(text) LIKE
-- lower(pattern)` is what ILIKE does in a UTF-8 database, so the answers are the same. A walk checks the row itself,
-- and the gathering reads the matching rows by a trigram index of stock_levels, sorting only those.
--
-- The copy changes only when a stock row is created or its item's id, description or GTIN changes, never with a scan,
-- so an update a push makes writes no new search text. While those updates are not HOT (migration 0020) each one adds
-- the row's trigrams to the index's pending list; a small pending list bounds what every search reads of it.
CREATE FUNCTION item_search_text(item_id text, description text, gtin text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT lower(item_id || ' ' || description || ' ' || coalesce(gtin, '')) $$;

ALTER TABLE stock_levels ADD COLUMN item_text text; -- item_search_text() of the row's item
UPDATE stock_levels s SET item_text = item_search_text(i.item_id, i.description, i.gtin)
FROM items i WHERE i.item_id = s.item_id;

-- A new stock row takes its item's text in the statement-level update that gives it its reorder point (0020): one
-- new version of the row, so the index holds the row's trigrams once, not once for each of two updates.
CREATE OR REPLACE FUNCTION stock_levels_take_reorder_point() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE stock_levels s SET reorder_point = i.reorder_point, item_text = item_search_text(i.item_id, i.description, i.gtin)
  FROM created c JOIN items i ON i.item_id = c.item_id
  WHERE s.item_id = c.item_id AND s.location_id = c.location_id;
  RETURN NULL;
END
$$;

-- An item's new description or GTIN reaches its stock rows in the statement that sets it, the rows locked first in the
-- order every push locks them in, (item, location), as 0020 does for the reorder point.
CREATE FUNCTION items_pass_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM stock_levels s JOIN changed c ON c.item_id = s.item_id
  WHERE s.item_text IS DISTINCT FROM item_search_text(c.item_id, c.description, c.gtin)
  ORDER BY s.item_id, s.location_id
  FOR UPDATE OF s;
  UPDATE stock_levels s SET item_text = item_search_text(c.item_id, c.description, c.gtin)
  FROM changed c
  WHERE s.item_id = c.item_id AND s.item_text IS DISTINCT FROM item_search_text(c.item_id, c.description, c.gtin);
  RETURN NULL;
END
$$;
CREATE TRIGGER items_search_text AFTER UPDATE ON items
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION items_pass_search_text();

-- The trigram index, where pg_trgm exists (see 0009): without it the searches stay correct, only slower.
DO $$
DECLARE
  ops text;
BEGIN
  SELECT quote_ident(n.nspname) || '.gin_trgm_ops' INTO ops
  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
  IF ops IS NULL THEN
    RETURN;
  END IF;
  EXECUTE format('CREATE INDEX stock_levels_item_text_trgm ON stock_levels USING gin (item_text %s)
                  WITH (gin_pending_list_limit = 256)', ops);
END
$$;
