-- A lot's expiry, wherever a scan of it said so (GS1 AI 17): kept per item and lot in the push's transaction, so the
-- snapshot hands it to the tablets and consuming the lot warns when it has expired, even when the code scanned (or
-- the lot typed) carries no date. The latest date any scan gave wins, as on the item page's stock per lot.
CREATE TABLE lot_expiries (
  item_id text NOT NULL,
  lot text NOT NULL,
  expiry date NOT NULL,
  PRIMARY KEY (item_id, lot)
);
-- Change Data Feed copies a table's changes with their before-images only under REPLICA IDENTITY FULL.
ALTER TABLE lot_expiries REPLICA IDENTITY FULL;
INSERT INTO lot_expiries (item_id, lot, expiry)
SELECT item_id, lot, max(expiry) FROM scan_events
WHERE lot IS NOT NULL AND expiry IS NOT NULL
GROUP BY item_id, lot;
