-- Inventory sorts that leave a push's updates HOT (issue 18). Migration 0020's four indexes named on_hand and
-- last_activity_at, which every push changes, so no update of stock_levels was HOT: each wrote a new entry into every
-- index of the table (the key, the location, the four sorts, the trigram pending list of 0027's item_text).
--
-- PostgreSQL 15 makes an update HOT only when no indexed column changes value. So the indexes here name only columns a
-- push changes rarely: the status rank, and coarse bands of on hand and last activity, each a stored generated column.
-- A push that moves on hand within its band, at the same status, in the same hour, writes no index entry.
--
-- A sort by on hand or last activity walks a band index and sorts each band's rows by the exact value as it goes
-- (an Incremental Sort that stops once a page is full), so the order is exact and a page reads one band or a few. The
-- band indexes lead with the band, the status second: a page of every status is one walk (led by the status, each
-- status's range would sort a band of its own), a page of one status skips the others' entries inside the index.
DROP INDEX stock_levels_status_item, stock_levels_status_location, stock_levels_status_on_hand,
  stock_levels_status_activity;

-- Bands of 16 units of on hand: floor(on_hand / 16). The width trades the share of pushes that cross a band (a move
-- of d units crosses with odds d/16) against the rows a sorted page reads (one band: 8,000 of the read bench's 100,000
-- rows, 3-5 ms). Measured: bands of 8 left 59 % of the ingest bench's updates HOT, of 16 78 %, of 4 23 %.
CREATE FUNCTION stock_on_hand_band(on_hand bigint) RETURNS integer
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT greatest(least(on_hand >> 4, 2147483647), -2147483648)::integer $$;

-- Hours since 1970 of the last activity (clamped to integer: years past 200,000 share a band); none (or -infinity)
-- first, as coalesce(last_activity_at, '-infinity') sorts.
CREATE FUNCTION stock_activity_band(at timestamptz) RETURNS integer
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT CASE WHEN at IS NULL OR at = '-infinity' THEN -2147483648 WHEN at = 'infinity' THEN 2147483647
                    ELSE least(greatest(floor(extract(epoch FROM at - '1970-01-01 00:00:00+00'::timestamptz) / 3600),
                                        -2147483647), 2147483646)::integer END $$;

ALTER TABLE stock_levels
  ADD COLUMN status_rank smallint GENERATED ALWAYS AS (stock_status_rank(on_hand, reorder_point)) STORED,
  ADD COLUMN on_hand_band integer GENERATED ALWAYS AS (stock_on_hand_band(on_hand)) STORED,
  ADD COLUMN activity_band integer GENERATED ALWAYS AS (stock_activity_band(last_activity_at)) STORED;

CREATE INDEX stock_levels_rank_item ON stock_levels (status_rank, item_id, location_id);
CREATE INDEX stock_levels_rank_location ON stock_levels (status_rank, location_id, item_id);
CREATE INDEX stock_levels_on_hand_band ON stock_levels (on_hand_band, status_rank);
CREATE INDEX stock_levels_activity_band ON stock_levels (activity_band, status_rank);
