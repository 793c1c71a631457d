-- Issue 16 (the write benchmark must not get worse). Two per-item structures cost a proposal a page on the writer's
-- commit each: ix_items_author, whose page is the author's (a random page per proposal, about 13 µs of the writer's
-- time), and the item_counts row of its status and category (a statement, about 6 µs). On SQLite both are now brought
-- up to date for many items at once, about once a second (ItemSettling): new items up to settle_mark are in item_people
-- and item_counts, and readers add those after the mark (a short range of the rowid, which ids follow in commit order
-- under SQLite's single writer). PostgreSQL commits ids out of order, so it keeps both in each proposal's transaction
-- and its mark stays at the largest id (its 0012).

-- A person's items by status, newest first (it replaces ix_items_author, with the item's id carried along).
CREATE TABLE item_people (
  workspace_id INTEGER NOT NULL,
  author_id    TEXT NOT NULL,
  status       TEXT NOT NULL,
  number       INTEGER NOT NULL,
  item_id      INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, author_id, status, number)
) WITHOUT ROWID;
INSERT INTO item_people (workspace_id, author_id, status, number, item_id) SELECT workspace_id, author_id, status, number, id FROM items;
DROP INDEX ix_items_author;

-- Migration 0004 was corrected after some databases had applied it (its person indexes gained status and number):
-- those databases still have the first shape, which cannot page a person's claims or captures per status, so a list
-- by person read every item of a status. Built again here in the shape every newer database has.
DROP INDEX ix_items_claimed;
CREATE INDEX ix_items_claimed ON items (workspace_id, claimed_by, status, number) WHERE claimed_by IS NOT NULL;
DROP INDEX ix_items_source_author;
CREATE INDEX ix_items_source_author ON items (workspace_id, source_author_id, status, number) WHERE source_author_id IS NOT NULL;

-- The highest item id that item_people and item_counts include (one row).
CREATE TABLE settle_mark (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  last_item_id INTEGER NOT NULL
);
INSERT INTO settle_mark (id, last_item_id) SELECT 1, COALESCE(MAX(id), 0) FROM items;

-- Status and category changes of an item after the mark are left to the settle pass, which takes the item as it is then.
DROP TRIGGER tr_items_count_update;
CREATE TRIGGER tr_items_count_update AFTER UPDATE OF status, category ON items
  WHEN (OLD.status <> NEW.status OR OLD.category <> NEW.category)
       AND OLD.id <= (SELECT last_item_id FROM settle_mark)
BEGIN
  UPDATE item_counts SET n = n - 1
    WHERE workspace_id = OLD.workspace_id AND status = OLD.status AND category = OLD.category;
  INSERT INTO item_counts (workspace_id, status, category, n) VALUES (NEW.workspace_id, NEW.status, NEW.category, 1)
    ON CONFLICT (workspace_id, status, category) DO UPDATE SET n = n + 1;
  UPDATE item_people SET status = NEW.status
    WHERE workspace_id = OLD.workspace_id AND author_id = OLD.author_id AND status = OLD.status AND number = OLD.number;
END;

-- Every count reader reads this: the counts up to the mark and one row per newer item. The second arm's columns are
-- expressions so that a reader's filter on them, pushed into the arm, cannot pick an index over the whole workspace:
-- the arm then reads the rowid range after the mark, which is all it should read.
CREATE VIEW item_totals AS
  SELECT workspace_id, status, category, n FROM item_counts
  UNION ALL
  SELECT workspace_id + 0, status || '', category, 1 AS n FROM items WHERE id > (SELECT last_item_id FROM settle_mark);
