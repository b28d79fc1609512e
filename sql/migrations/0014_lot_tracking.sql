-- Lots and serials. A GS1 code's serial (AI 21) and expiry (AI 17) are kept with the event, beside its lot (AI 10).
-- Items say whether they are tracked: none, by lot, or by serial, so the station can ask for what a scan lacks.
ALTER TABLE scan_events ADD COLUMN serial text;
ALTER TABLE scan_events ADD COLUMN expiry date;
CREATE INDEX scan_events_item_lot ON scan_events (item_id, lot) WHERE lot IS NOT NULL;
ALTER TABLE items ADD COLUMN tracking text NOT NULL DEFAULT 'none' CHECK (tracking IN ('none', 'lot', 'serial'));
