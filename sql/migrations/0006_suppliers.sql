-- Purchasing master data: suppliers, a category tree items belong to, and supplier_items (0005) grown from "what a
-- slip taught us" into the supplier catalogue: pack size, price and one preferred supplier per item. Purchase orders
-- (0007) read the preferred supplier through the view item_preferred_supplier at the end.

CREATE TABLE suppliers (
  supplier_id     text PRIMARY KEY CHECK (supplier_id <> ''),
  name            text NOT NULL CHECK (name <> ''), -- as printed on its packing slips: supplier_items match on it
  contact         text NOT NULL DEFAULT '',
  lead_time_days  integer NOT NULL DEFAULT 0 CHECK (lead_time_days >= 0),
  address         text NOT NULL DEFAULT '',
  latitude        double precision CHECK (latitude BETWEEN -90 AND 90),
  longitude       double precision CHECK (longitude BETWEEN -180 AND 180),
  active          boolean NOT NULL DEFAULT true,
  version         integer NOT NULL DEFAULT 1,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  updated_by      text,
  CHECK ((latitude IS NULL) = (longitude IS NULL)),
  UNIQUE (supplier_id, name) -- the target of supplier_items' (supplier_id, supplier) key, so a rename follows
);
-- Two suppliers printing the same name would make a slip's supplier ambiguous.
CREATE UNIQUE INDEX suppliers_name ON suppliers (lower(name));
ALTER TABLE suppliers REPLICA IDENTITY FULL;

-- The tree: path is the chain of ids from the root, '/'-separated ('tools/hand/wrenches'), kept by the triggers
-- below so a subtree is one prefix match and a move can never make a cycle.
CREATE TABLE categories (
  category_id  text PRIMARY KEY CHECK (category_id <> '' AND strpos(category_id, '/') = 0),
  parent_id    text REFERENCES categories,
  name         text NOT NULL CHECK (name <> ''),
  path         text NOT NULL,
  version      integer NOT NULL DEFAULT 1,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  updated_by   text
);
CREATE UNIQUE INDEX categories_path ON categories (path text_pattern_ops);
-- Siblings are told apart by name.
CREATE UNIQUE INDEX categories_sibling_name ON categories (coalesce(parent_id, ''), lower(name));
ALTER TABLE categories REPLICA IDENTITY FULL;

-- Path from the parent's path, whatever the statement wrote; a parent inside the row's own subtree is refused.
CREATE FUNCTION categories_path() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  parent_path text;
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.category_id <> OLD.category_id THEN
    RAISE EXCEPTION 'a category id cannot change (%)', OLD.category_id USING ERRCODE = 'check_violation', CONSTRAINT = 'categories_id_fixed';
  END IF;
  IF NEW.parent_id IS NULL THEN
    NEW.path := NEW.category_id;
    RETURN NEW;
  END IF;
  SELECT path INTO parent_path FROM categories WHERE category_id = NEW.parent_id;
  IF parent_path IS NULL THEN
    RAISE EXCEPTION 'parent category % does not exist', NEW.parent_id USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'categories_parent_id_fkey';
  END IF;
  IF TG_OP = 'UPDATE' AND (NEW.parent_id = NEW.category_id OR parent_path = OLD.path OR parent_path LIKE OLD.path || '/%') THEN
    RAISE EXCEPTION 'category % cannot move under its own subtree (%)', NEW.category_id, NEW.parent_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'categories_no_cycle';
  END IF;
  NEW.path := parent_path || '/' || NEW.category_id;
  RETURN NEW;
END $$;
CREATE TRIGGER categories_path BEFORE INSERT OR UPDATE ON categories FOR EACH ROW EXECUTE FUNCTION categories_path();

-- A moved category's children take the new path, and theirs in turn (each child update fires this again).
CREATE FUNCTION categories_children_path() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE categories SET path = NEW.path || '/' || category_id WHERE parent_id = NEW.category_id;
  RETURN NULL;
END $$;
CREATE TRIGGER categories_children_path AFTER UPDATE ON categories FOR EACH ROW
  WHEN (OLD.path IS DISTINCT FROM NEW.path) EXECUTE FUNCTION categories_children_path();

ALTER TABLE items ADD COLUMN category_id text REFERENCES categories;
CREATE INDEX items_category ON items (category_id) WHERE category_id IS NOT NULL;

-- supplier_items keeps its key (supplier as printed, supplier_part), which packing-slip receiving writes and reads.
-- supplier_id is NULL while the printed name is no known supplier; when set, (supplier_id, supplier) must be that
-- supplier's id and name, so renaming a supplier renames its rows.
ALTER TABLE supplier_items
  ADD COLUMN supplier_id  text,
  ADD COLUMN pack_size    integer NOT NULL DEFAULT 1 CHECK (pack_size > 0),
  ADD COLUMN price        numeric(12, 4) CHECK (price >= 0), -- per unit of the item; NULL: not known
  ADD COLUMN preferred    boolean NOT NULL DEFAULT false,
  ADD COLUMN version      integer NOT NULL DEFAULT 1,
  ADD COLUMN updated_by   text,
  ADD CONSTRAINT supplier_items_supplier_fkey FOREIGN KEY (supplier_id, supplier) REFERENCES suppliers (supplier_id, name) ON UPDATE CASCADE,
  -- The preferred supplier is what a purchase order is drafted for: it has to be a supplier we know.
  ADD CONSTRAINT supplier_items_preferred_known CHECK (NOT preferred OR supplier_id IS NOT NULL);
CREATE UNIQUE INDEX supplier_items_one_preferred ON supplier_items (item_id) WHERE preferred;
CREATE INDEX supplier_items_supplier_id ON supplier_items (supplier_id, supplier_part) WHERE supplier_id IS NOT NULL;
CREATE INDEX supplier_items_item ON supplier_items (item_id);

-- A row written with a printed name that is a known supplier's name joins that supplier (the slip-learning insert
-- names no supplier_id). Every change bumps version, so a supervisor's stale edit is refused whoever made the change.
-- A row a receipt moved to another item stops being preferred when that item already has its preferred supplier.
CREATE FUNCTION supplier_items_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.supplier_id IS NULL AND NEW.supplier <> '' THEN
    SELECT supplier_id INTO NEW.supplier_id FROM suppliers WHERE name = NEW.supplier;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    NEW.version := OLD.version + 1;
    IF NEW.preferred AND NEW.item_id <> OLD.item_id
       AND EXISTS (SELECT 1 FROM supplier_items WHERE item_id = NEW.item_id AND preferred
                     AND (supplier, supplier_part) <> (OLD.supplier, OLD.supplier_part)) THEN
      NEW.preferred := false;
    END IF;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER supplier_items_keep BEFORE INSERT OR UPDATE ON supplier_items FOR EACH ROW EXECUTE FUNCTION supplier_items_keep();

-- A supplier created (or renamed) with a name slips already printed takes over the rows those slips taught.
CREATE FUNCTION suppliers_adopt_items() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE supplier_items SET supplier_id = NEW.supplier_id WHERE supplier_id IS NULL AND supplier = NEW.name;
  RETURN NULL;
END $$;
CREATE TRIGGER suppliers_adopt_items AFTER INSERT OR UPDATE OF name ON suppliers FOR EACH ROW EXECUTE FUNCTION suppliers_adopt_items();

-- What other code reads: an item's preferred supplier, with the supplier's lead time. At most one row per item.
CREATE VIEW item_preferred_supplier AS
SELECT si.item_id,
       s.supplier_id,
       s.name AS supplier_name,
       si.supplier_part,
       si.pack_size,
       si.price,
       s.lead_time_days
FROM supplier_items si
JOIN suppliers s ON s.supplier_id = si.supplier_id
WHERE si.preferred;
