-- Issue 16 (the write benchmark must not get worse). Two more indexes cost each proposal a page entry on the single
-- writer: ix_items_created (the digest's and dashboard's new items per window) and ix_items_open_updated (the digest's
-- stuck items). Dropping both measured 12–14 % more proposals per second. As 0012 did for the person lists, their
-- entries now come from the settle pass (ItemSettling), for many items at once: the items up to settle_mark are in these
-- two tables, and readers add the items after the mark (item_created, item_open_touched). PostgreSQL keeps both indexes
-- and has views of the same names over items (its 0014).

-- Every settled item by creation time (created_at never changes, so only the pass writes here).
CREATE TABLE settled_created (
  workspace_id INTEGER NOT NULL,
  created_at   TEXT NOT NULL,
  item_id      INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, created_at, item_id)
) WITHOUT ROWID;
INSERT INTO settled_created (workspace_id, created_at, item_id)
  SELECT workspace_id, created_at, id FROM items WHERE id <= (SELECT last_item_id FROM settle_mark) ORDER BY 1, 2, 3;
DROP INDEX ix_items_created;

-- Every settled open item by its last change; tr_items_settled_open follows status and updated_at changes.
CREATE TABLE settled_open (
  workspace_id INTEGER NOT NULL,
  updated_at   TEXT NOT NULL,
  item_id      INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, updated_at, item_id)
) WITHOUT ROWID;
INSERT INTO settled_open (workspace_id, updated_at, item_id)
  SELECT workspace_id, updated_at, id FROM items
  WHERE status IN ('proposed', 'accepted', 'in_progress') AND id <= (SELECT last_item_id FROM settle_mark) ORDER BY 1, 2, 3;
DROP INDEX ix_items_open_updated;

-- As tr_items_count_update, an item after the mark is left to the pass, which takes it as it is then.
CREATE TRIGGER tr_items_settled_open AFTER UPDATE OF status, updated_at ON items
  WHEN (OLD.status <> NEW.status OR OLD.updated_at <> NEW.updated_at) AND OLD.id <= (SELECT last_item_id FROM settle_mark)
BEGIN
  DELETE FROM settled_open WHERE workspace_id = OLD.workspace_id AND updated_at = OLD.updated_at AND item_id = OLD.id;
  INSERT INTO settled_open (workspace_id, updated_at, item_id)
    SELECT NEW.workspace_id, NEW.updated_at, NEW.id WHERE NEW.status IN ('proposed', 'accepted', 'in_progress');
END;

-- What readers read, as item_totals: the settled rows and the items after the mark. The second arms' columns are
-- expressions so that a reader's filter, pushed into the arm, cannot pick an index over the whole workspace.
CREATE VIEW item_created AS
  SELECT workspace_id, created_at, item_id FROM settled_created
  UNION ALL
  SELECT workspace_id + 0, created_at || '', id FROM items WHERE id > (SELECT last_item_id FROM settle_mark);
CREATE VIEW item_open_touched AS
  SELECT workspace_id, updated_at, item_id FROM settled_open
  UNION ALL
  SELECT workspace_id + 0, updated_at || '', id FROM items
  WHERE id > (SELECT last_item_id FROM settle_mark) AND status || '' IN ('proposed', 'accepted', 'in_progress');
