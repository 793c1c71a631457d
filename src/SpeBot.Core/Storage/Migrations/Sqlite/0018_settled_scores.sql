-- Issue 16 (the write benchmark must not get worse). A proposal entered ix_items_open_score in its own transaction:
-- about 5 µs of the single writer per proposal (in process, 256 callers: 34–37 µs with the entry, 29–32 without).
-- Scoring the new items in the settle pass instead (an UPDATE of each row, so it would enter the index then) cost the
-- pass as much: a row rewrite is about 2 µs. So, as 0014 did for the time indexes, the entries move to a table the
-- settle pass fills in key order (about 1 µs an item), and `top` reads it; the items after the mark it scores from
-- their counts itself (ItemQueries.TopAsync), as it does the ones votes listed for the pass (0015).
-- The key orders the open items as `top` walks them: highest base_score first, ties to the lower number.
CREATE TABLE settled_scores (
  workspace_id INTEGER NOT NULL,
  base_score   REAL NOT NULL,
  number       INTEGER NOT NULL,
  item_id      INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, base_score DESC, number)
) WITHOUT ROWID;
INSERT INTO settled_scores (workspace_id, base_score, number, item_id)
  SELECT workspace_id, base_score, number, id FROM items
  WHERE id <= (SELECT last_item_id FROM settle_mark) AND status IN ('proposed', 'accepted', 'in_progress')
  ORDER BY 1, 2 DESC, 3;
DROP INDEX ix_items_open_score;

-- A settled item's entry follows its status (closed, reopened, merged) and its base_score (the settle pass rescoring
-- the items votes listed, new weights). An item after the mark has none yet: the pass adds it as it is then.
CREATE TRIGGER tr_items_settled_scores AFTER UPDATE OF status, base_score ON items
  WHEN (OLD.status <> NEW.status OR OLD.base_score <> NEW.base_score) AND OLD.id <= (SELECT last_item_id FROM settle_mark)
BEGIN
  DELETE FROM settled_scores WHERE workspace_id = OLD.workspace_id AND base_score = OLD.base_score AND number = OLD.number;
  INSERT INTO settled_scores (workspace_id, base_score, number, item_id)
    SELECT NEW.workspace_id, NEW.base_score, NEW.number, NEW.id WHERE NEW.status IN ('proposed', 'accepted', 'in_progress');
END;
