-- Two more event types, as additions: an older tablet's INTAKE, CONSUME and VOID stay exactly as valid as before.
-- MOVE: qty leaves location_id and arrives at to_location_id, one event, both stock rows in the same transaction.
-- COUNT: qty is what was counted at location_id (0 is an answer), expected_qty what the tablet's snapshot said. The
-- server sets stock to the counted quantity and records the adjustment it made (counted - on hand at that moment) in
-- count_adjustments: the event says what the floor saw, the adjustment what the server did with it.

ALTER TABLE scan_events DROP CONSTRAINT scan_events_event_type_check;
ALTER TABLE scan_events ADD CONSTRAINT scan_events_event_type_check
  CHECK (event_type IN ('INTAKE', 'CONSUME', 'VOID', 'MOVE', 'COUNT'));
ALTER TABLE scan_events DROP CONSTRAINT scan_events_qty_check;
ALTER TABLE scan_events ADD CONSTRAINT scan_events_qty_check CHECK (qty > 0 OR (event_type = 'COUNT' AND qty = 0));

ALTER TABLE scan_events ADD COLUMN to_location_id text REFERENCES locations;
ALTER TABLE scan_events ADD COLUMN expected_qty bigint;
ALTER TABLE scan_events ADD CONSTRAINT scan_events_move_to CHECK ((event_type = 'MOVE') = (to_location_id IS NOT NULL));
ALTER TABLE scan_events ADD CONSTRAINT scan_events_move_elsewhere CHECK (to_location_id <> location_id);
ALTER TABLE scan_events ADD CONSTRAINT scan_events_count_expected CHECK ((event_type = 'COUNT') = (expected_qty IS NOT NULL));
-- An item's history at a location includes what was moved into it.
CREATE INDEX scan_events_item_to_location ON scan_events (item_id, to_location_id, captured_at) WHERE to_location_id IS NOT NULL;
CREATE INDEX scan_events_counts ON scan_events (captured_at DESC) WHERE event_type = 'COUNT';

CREATE TABLE count_adjustments (
  event_id        uuid PRIMARY KEY REFERENCES scan_events,
  item_id         text NOT NULL REFERENCES items,
  location_id     text NOT NULL REFERENCES locations,
  counted         bigint NOT NULL,
  expected        bigint NOT NULL,            -- the tablet's snapshot: counted - expected is the variance the floor saw
  on_hand_before  bigint NOT NULL,            -- on hand when the server applied the count
  adjustment      bigint NOT NULL,            -- counted - on_hand_before: what the stock was moved by
  applied_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (adjustment = counted - on_hand_before)
);
CREATE INDEX count_adjustments_item ON count_adjustments (item_id, location_id, applied_at DESC);
CREATE INDEX count_adjustments_applied ON count_adjustments (applied_at DESC, event_id);
ALTER TABLE count_adjustments REPLICA IDENTITY FULL;

-- The audit, now with moves (out of one row, into another) and counts (their recorded adjustment). intake_total and
-- consume_total stay the INTAKE and CONSUME totals. A voided MOVE moves nothing; a COUNT cannot be voided (push.ts).
CREATE OR REPLACE VIEW inventory_current AS
WITH live AS (
  SELECT e.*
  FROM scan_events e
  WHERE e.event_type <> 'VOID'
    AND NOT EXISTS (SELECT 1 FROM scan_events v WHERE v.voids_event_id = e.event_id)
), lines AS (
  SELECT l.item_id, l.location_id,
         CASE l.event_type WHEN 'INTAKE' THEN l.qty WHEN 'CONSUME' THEN -l.qty WHEN 'MOVE' THEN -l.qty ELSE 0 END::bigint AS delta,
         CASE l.event_type WHEN 'INTAKE' THEN l.qty ELSE 0 END AS intake,
         CASE l.event_type WHEN 'CONSUME' THEN l.qty ELSE 0 END AS consume,
         l.captured_at
  FROM live l
  UNION ALL
  SELECT l.item_id, l.to_location_id, l.qty::bigint, 0, 0, l.captured_at FROM live l WHERE l.event_type = 'MOVE'
  UNION ALL
  SELECT a.item_id, a.location_id, a.adjustment, 0, 0, l.captured_at FROM count_adjustments a JOIN live l USING (event_id)
)
SELECT item_id,
       location_id,
       CAST(sum(delta) AS bigint) AS on_hand,
       sum(intake) AS intake_total,
       sum(consume) AS consume_total,
       max(captured_at) AS last_activity_at
FROM lines
GROUP BY item_id, location_id;
