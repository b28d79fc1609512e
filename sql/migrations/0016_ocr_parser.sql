-- Photos and scanned pages are read by local OCR when no model is configured (or the model fails): the slip says so,
-- so the review screen can tell which reader read it.
ALTER TABLE packing_slips DROP CONSTRAINT packing_slips_parser_check;
ALTER TABLE packing_slips ADD CONSTRAINT packing_slips_parser_check
  CHECK (parser IN ('digital', 'model', 'ocr', 'manual'));
