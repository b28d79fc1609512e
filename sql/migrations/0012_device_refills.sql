-- Tablets send synced scans again when the server no longer holds them (a power cut, a restore): how many, and when
-- last, so the fleet page shows which devices refilled a server's loss.
ALTER TABLE devices ADD COLUMN refilled_total bigint NOT NULL DEFAULT 0;
ALTER TABLE devices ADD COLUMN refilled_at timestamptz;
