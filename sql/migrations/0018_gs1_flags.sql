-- A GS1 code whose data is right but whose AIs break an association rule (01 with 37, say) is recorded, its meaning
-- being clear, and flagged for a supervisor: the rules it breaks, as the server reads them from barcode_raw when the
-- event is stored. NULL: no rule broken (or no GS1 code).
ALTER TABLE scan_events ADD COLUMN gs1_broken_rules text[] CHECK (cardinality(gs1_broken_rules) > 0);
CREATE INDEX scan_events_gs1_flagged ON scan_events (received_at DESC) WHERE gs1_broken_rules IS NOT NULL;
