-- Issue 16 (the write benchmark must not get worse). The settle pass listed each 2,000 new items under their authors in
-- item_people, and with 500 authors that rewrote about 500 pages for 2,000 items, at every pass: about 6 µs of the
-- single writer per proposal. item_people now has its own mark, people_item_id, and is listed in author order over all
-- the items that arrived since (up to 32,000), in a few writes each covering a range of authors (ItemSettling), so an
-- author's page is written once for all their new items. Readers of a person's items take item_people up to this mark
-- and the items after it.
ALTER TABLE settle_mark ADD COLUMN people_item_id INTEGER NOT NULL DEFAULT 0;
UPDATE settle_mark SET people_item_id = last_item_id;

-- The counts still follow the settle mark; an item's entry in item_people follows its status wherever the people pass
-- has got to, since a pass lists a range of authors some writes before it moves the mark.
DROP TRIGGER tr_items_count_update;
CREATE TRIGGER tr_items_count_update AFTER UPDATE OF status, category ON items
  WHEN (OLD.status <> NEW.status OR OLD.category <> NEW.category)
       AND OLD.id <= (SELECT last_item_id FROM settle_mark)
BEGIN
  UPDATE item_counts SET n = n - 1
    WHERE workspace_id = OLD.workspace_id AND status = OLD.status AND category = OLD.category;
  INSERT INTO item_counts (workspace_id, status, category, n) VALUES (NEW.workspace_id, NEW.status, NEW.category, 1)
    ON CONFLICT (workspace_id, status, category) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER tr_items_people_status AFTER UPDATE OF status ON items
  WHEN OLD.status <> NEW.status
BEGIN
  UPDATE item_people SET status = NEW.status
    WHERE workspace_id = OLD.workspace_id AND author_id = OLD.author_id AND status = OLD.status AND number = OLD.number;
END;
