-- A slip whose PDF cannot be read, or would cost more to read than a packing slip may, is kept as 'failed' with the
-- reason, instead of staying 'uploaded' (every retry read it again). A person can still enter its lines by hand,
-- which takes it to 'parsed'; the reason stays, so the review screen can say why nothing was read.
ALTER TABLE packing_slips DROP CONSTRAINT packing_slips_status_check;
ALTER TABLE packing_slips ADD CONSTRAINT packing_slips_status_check
  CHECK (status IN ('captured', 'uploaded', 'parsed', 'failed', 'received'));
ALTER TABLE packing_slips ADD COLUMN failure_reason text;
ALTER TABLE packing_slips ADD CONSTRAINT packing_slips_failed_reason
  CHECK (status <> 'failed' OR failure_reason IS NOT NULL);
