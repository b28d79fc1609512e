-- Purchase orders: a header per order to one supplier, its lines (each may answer a replenishment signal), an
-- append-only history of every status change, and the packing slips received against it.

-- Numbers people say on the phone: PO-000042. The server formats nextval (no lpad, which would cut a 7th digit).
CREATE SEQUENCE purchase_order_number_seq;

CREATE TABLE purchase_orders (
  po_id          uuid PRIMARY KEY,
  po_number      text NOT NULL UNIQUE,
  supplier_id    text NOT NULL REFERENCES suppliers,
  status         text NOT NULL DEFAULT 'DRAFT'
                 CHECK (status IN ('DRAFT', 'SENT', 'PARTIALLY_RECEIVED', 'RECEIVED', 'CANCELLED')),
  expected_date  date,
  note           text,
  created_by     text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  updated_by     text,
  version        integer NOT NULL DEFAULT 1
);
CREATE INDEX purchase_orders_status ON purchase_orders (status, expected_date);
CREATE INDEX purchase_orders_supplier ON purchase_orders (supplier_id, status);
CREATE INDEX purchase_orders_created ON purchase_orders (created_at DESC, po_id);
ALTER TABLE purchase_orders REPLICA IDENTITY FULL;

CREATE TABLE purchase_order_lines (
  po_id         uuid NOT NULL REFERENCES purchase_orders,
  line_no       integer NOT NULL CHECK (line_no >= 1),
  item_id       text NOT NULL REFERENCES items,
  qty_ordered   integer NOT NULL CHECK (qty_ordered > 0),
  qty_received  integer NOT NULL DEFAULT 0 CHECK (qty_received >= 0), -- may pass qty_ordered: an over-receipt, flagged
  unit          text NOT NULL,
  price         numeric(12, 4) CHECK (price >= 0), -- per unit; NULL: not known
  signal_id     uuid,                                -- the replenishment signal this line answers (signals are append-only rows)
  PRIMARY KEY (po_id, line_no)
);
CREATE INDEX purchase_order_lines_signal ON purchase_order_lines (signal_id) WHERE signal_id IS NOT NULL;
CREATE INDEX purchase_order_lines_item ON purchase_order_lines (item_id);
ALTER TABLE purchase_order_lines REPLICA IDENTITY FULL;

CREATE TABLE purchase_order_status_history (
  history_id   bigserial PRIMARY KEY,
  po_id        uuid NOT NULL REFERENCES purchase_orders,
  from_status  text CHECK (from_status IN ('DRAFT', 'SENT', 'PARTIALLY_RECEIVED', 'RECEIVED', 'CANCELLED')), -- NULL: created
  to_status    text NOT NULL CHECK (to_status IN ('DRAFT', 'SENT', 'PARTIALLY_RECEIVED', 'RECEIVED', 'CANCELLED')),
  changed_by   text,
  changed_at   timestamptz NOT NULL DEFAULT now(),
  slip_id      uuid REFERENCES packing_slips -- the receipt that moved it, when one did
);
CREATE INDEX purchase_order_status_history_po ON purchase_order_status_history (po_id, history_id);
ALTER TABLE purchase_order_status_history REPLICA IDENTITY FULL;

-- History is evidence: a row once written is never changed or removed.
CREATE FUNCTION purchase_order_status_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'purchase_order_status_history is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER purchase_order_status_history_append_only BEFORE UPDATE OR DELETE ON purchase_order_status_history
  FOR EACH ROW EXECUTE FUNCTION purchase_order_status_history_append_only();

-- The PO a slip was received against (found by the PO number read or typed on it); NULL for a slip without one.
ALTER TABLE packing_slips ADD COLUMN po_id uuid REFERENCES purchase_orders;
CREATE INDEX packing_slips_po ON packing_slips (po_id) WHERE po_id IS NOT NULL;
