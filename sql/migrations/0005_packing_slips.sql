-- Packing slips: the captured original (files), what was read from it (lines), and the supplier part numbers it
-- taught us. A slip is received once; its INTAKE events live in scan_events like every other scan.

CREATE TABLE packing_slips (
  slip_id        uuid PRIMARY KEY,            -- made on the device at capture, so a retried upload finds its slip
  device_id      text NOT NULL,
  status         text NOT NULL DEFAULT 'uploaded' CHECK (status IN ('captured', 'uploaded', 'parsed', 'received')),
  supplier       text,
  slip_number    text,
  po_number      text,
  slip_date      date,
  parser         text CHECK (parser IN ('digital', 'model', 'manual')),
  parse_error    text,                        -- why no lines were read, shown on the review screen
  text_layer     jsonb,                       -- positioned text items per page, as pdf.js gave them on the device
  captured_at    timestamptz NOT NULL,        -- device clock at capture; the INTAKE events carry it
  uploaded_at    timestamptz NOT NULL DEFAULT now(),
  uploaded_by    text,
  parsed_at      timestamptz,
  location_id    text REFERENCES locations,
  received_at    timestamptz,
  received_by    text,
  CHECK ((status = 'received') = (received_at IS NOT NULL))
);
CREATE INDEX packing_slips_uploaded ON packing_slips (uploaded_at DESC, slip_id);
ALTER TABLE packing_slips REPLICA IDENTITY FULL;

CREATE TABLE packing_slip_files (
  slip_id       uuid NOT NULL REFERENCES packing_slips ON DELETE CASCADE,
  page          integer NOT NULL CHECK (page >= 1), -- order of the files as uploaded
  content_type  text NOT NULL,
  size_bytes    integer NOT NULL CHECK (size_bytes > 0),
  sha256        text NOT NULL,
  data          bytea,                        -- NULL when the bytes live in a Unity Catalog volume
  volume_path   text,
  CHECK ((data IS NULL) <> (volume_path IS NULL)),
  PRIMARY KEY (slip_id, page)
);
ALTER TABLE packing_slip_files REPLICA IDENTITY FULL;

CREATE TABLE packing_slip_lines (
  slip_id        uuid NOT NULL REFERENCES packing_slips ON DELETE CASCADE,
  line_no        integer NOT NULL CHECK (line_no >= 1),
  supplier_part  text,
  item_id        text REFERENCES items,
  description    text NOT NULL DEFAULT '',
  qty            integer NOT NULL CHECK (qty > 0),
  unit           text,
  lot            text,
  confidence     real NOT NULL DEFAULT 1 CHECK (confidence >= 0 AND confidence <= 1),
  PRIMARY KEY (slip_id, line_no)
);
ALTER TABLE packing_slip_lines REPLICA IDENTITY FULL;

CREATE TABLE supplier_items (
  supplier       text NOT NULL,               -- '' when the slip named no supplier
  supplier_part  text NOT NULL,
  item_id        text NOT NULL REFERENCES items,
  confirmed      integer NOT NULL DEFAULT 1,  -- how many received lines confirmed this mapping
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (supplier, supplier_part)
);
ALTER TABLE supplier_items REPLICA IDENTITY FULL;
