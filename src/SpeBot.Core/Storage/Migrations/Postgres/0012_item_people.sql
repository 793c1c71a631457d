-- As SQLite's 0012, but PostgreSQL hands out item ids before commit, so "the ids after a mark" is no range of new items
-- there: each proposal's transaction adds its item to item_people and item_counts (ItemStore), and settle_mark stays
-- empty, so no item is ever after the mark (the readers' subquery gives NULL). The table exists for the schemas to match.
CREATE TABLE item_people (
  workspace_id BIGINT NOT NULL,
  author_id    TEXT NOT NULL,
  status       TEXT NOT NULL,
  number       BIGINT NOT NULL,
  item_id      BIGINT NOT NULL,
  PRIMARY KEY (workspace_id, author_id, status, number)
);
INSERT INTO item_people (workspace_id, author_id, status, number, item_id) SELECT workspace_id, author_id, status, number, id FROM items;
DROP INDEX ix_items_author;

CREATE TABLE settle_mark (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  last_item_id BIGINT NOT NULL
);

CREATE OR REPLACE FUNCTION spebot_items_count_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE item_counts SET n = n - 1
    WHERE workspace_id = OLD.workspace_id AND status = OLD.status AND category = OLD.category;
  INSERT INTO item_counts (workspace_id, status, category, n) VALUES (NEW.workspace_id, NEW.status, NEW.category, 1)
    ON CONFLICT (workspace_id, status, category) DO UPDATE SET n = item_counts.n + 1;
  UPDATE item_people SET status = NEW.status
    WHERE workspace_id = OLD.workspace_id AND author_id = OLD.author_id AND status = OLD.status AND number = OLD.number;
  RETURN NULL;
END;
$$;

CREATE VIEW item_totals AS
  SELECT workspace_id, status, category, n FROM item_counts
  UNION ALL
  SELECT workspace_id + 0, status || '', category, 1 AS n FROM items WHERE id > (SELECT last_item_id FROM settle_mark);
