-- 0009 put its trigram indexes on the bare columns. gin_trgm_ops answers `=` as well (pg_trgm 1.6), and the planner
-- took items_item_id_trgm for `item_id = ANY($1)` at a tiny estimated cost: 1,000 ids among 20,000 items took 7.5 s
-- instead of milliseconds by the primary key (item CSV import, grid saves). The "contains" searches now match one
-- text expression per table, and only that expression is indexed, so no key lookup can take it for its own.
-- The expressions must stay exactly as server/db/search.ts writes them, or the planner will not use the indexes.
DROP INDEX IF EXISTS items_item_id_trgm, items_description_trgm, items_gtin_trgm, locations_location_id_trgm;

DO $$
DECLARE
  ops text;
BEGIN
  SELECT quote_ident(n.nspname) || '.gin_trgm_ops' INTO ops
  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
  IF ops IS NULL THEN
    RETURN; -- no pg_trgm here (see 0009): the searches stay correct, unindexed
  END IF;
  EXECUTE format($i$CREATE INDEX IF NOT EXISTS items_search_trgm ON items
                   USING gin ((item_id || ' ' || description || ' ' || coalesce(gtin, '')) %s)$i$, ops);
  EXECUTE format($i$CREATE INDEX IF NOT EXISTS locations_search_trgm ON locations
                   USING gin ((location_id || ' ' || name) %s)$i$, ops);
END
$$;
