-- Trigram indexes for the "contains" searches of the inventory and item master (ILIKE '%text%'), which otherwise read
-- every row: 100,000 items made the inventory search the slowest page (p95 454 ms).
-- pg_trgm is a contrib extension, trusted since PostgreSQL 13 (a role with CREATE on the database may install it);
-- PGlite loads it when started with it (server/db/embedded.ts). Where it cannot be created (not installed on the
-- server, or no privilege), this migration still applies: the searches stay correct, only slower, because no query
-- names a trigram operator - the planner merely uses the indexes when they exist. Running the two CREATE INDEX
-- statements by hand later, after installing the extension, is enough.
DO $$
BEGIN
  CREATE EXTENSION IF NOT EXISTS pg_trgm;
EXCEPTION WHEN OTHERS THEN
  RAISE WARNING 'pg_trgm could not be created (%): text search stays a sequential scan', SQLERRM;
END
$$;

DO $$
DECLARE
  ops text;
BEGIN
  -- The operator class lives in whatever schema the extension was installed into.
  SELECT quote_ident(n.nspname) || '.gin_trgm_ops' INTO ops
  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
  IF ops IS NULL THEN
    RETURN;
  END IF;
  EXECUTE format('CREATE INDEX IF NOT EXISTS items_item_id_trgm ON items USING gin (item_id %s)', ops);
  EXECUTE format('CREATE INDEX IF NOT EXISTS items_description_trgm ON items USING gin (description %s)', ops);
  EXECUTE format('CREATE INDEX IF NOT EXISTS items_gtin_trgm ON items USING gin (gtin %s)', ops);
  EXECUTE format('CREATE INDEX IF NOT EXISTS locations_location_id_trgm ON locations USING gin (location_id %s)', ops);
END
$$;
