-- Reads that do not grow with the backlog (issue 16).
-- Each item keeps its vote count (maintained by the vote, merge and retract paths in the vote's own write) and the
-- time-free part of its score, base_score = (1 + votes)^Wv × (impact/3)^Wi ÷ (effort/3)^We, so `top` reads a short head
-- of an index instead of scoring every open item. base_score depends on the configured weights: ScoreIndex fills it
-- (and refills it whenever the weights in score_basis differ from the configuration) at start-up.
ALTER TABLE items ADD COLUMN votes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE items ADD COLUMN base_score REAL NOT NULL DEFAULT 1;
UPDATE items SET votes = (SELECT COUNT(*) FROM votes v WHERE v.item_id = items.id);

-- The weights base_score was computed with; one row, absent until ScoreIndex fills base_score.
CREATE TABLE score_basis (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  weights    TEXT NOT NULL,                        -- "votes;impact;effort", invariant culture
  updated_at TEXT NOT NULL
);

-- top: the open items by base_score (the age factor is applied to a bounded head, see ItemQueries.TopAsync).
CREATE INDEX ix_items_open_score ON items (workspace_id, base_score DESC, number)
  WHERE status IN ('proposed', 'accepted', 'in_progress');
-- list: one status at a time, newest first (replaces ix_items_status, its prefix).
DROP INDEX ix_items_status;
CREATE INDEX ix_items_status_number ON items (workspace_id, status, number);
-- list @person and mine: a person's items of one status, newest first, so a page reads only as far as the page
-- (ItemQueries.PageAsync) and counting them reads these indexes alone, not the item rows.
CREATE INDEX ix_items_author ON items (workspace_id, author_id, status, number);
CREATE INDEX ix_items_claimed ON items (workspace_id, claimed_by, status, number) WHERE claimed_by IS NOT NULL;
CREATE INDEX ix_items_source_author ON items (workspace_id, source_author_id, status, number) WHERE source_author_id IS NOT NULL;
-- digest: new and done in the window; open items touched recently (stuck = open minus these).
CREATE INDEX ix_items_created ON items (workspace_id, created_at);
CREATE INDEX ix_items_done ON items (workspace_id, done_at) WHERE done_at IS NOT NULL;
CREATE INDEX ix_items_open_updated ON items (workspace_id, updated_at)
  WHERE status IN ('proposed', 'accepted', 'in_progress');
-- digest: claims without progress since the cutoff.
CREATE INDEX ix_items_progress ON items (workspace_id, status, progress_at, claimed_at, claimed_by) WHERE status = 'in_progress';
-- capacity: the week's logs, "has this item any log", a team's latest pledge.
CREATE INDEX ix_work_logs_logged ON work_logs (logged_at);
CREATE INDEX ix_work_logs_item ON work_logs (item_id);
CREATE INDEX ix_capacity_pledges_team ON capacity_pledges (workspace_id, team, valid_from);

-- How many items each (workspace, status, category) holds: list headers and digest counts without counting rows.
-- Kept by triggers so no path that inserts an item or changes its status can forget it (a PostgreSQL migration
-- keeps it with the equivalent trigger functions).
CREATE TABLE item_counts (
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  status       TEXT NOT NULL,
  category     TEXT NOT NULL,
  n            INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, status, category)
);
INSERT INTO item_counts (workspace_id, status, category, n)
  SELECT workspace_id, status, category, COUNT(*) FROM items GROUP BY workspace_id, status, category;

CREATE TRIGGER tr_items_count_insert AFTER INSERT ON items
BEGIN
  INSERT INTO item_counts (workspace_id, status, category, n) VALUES (NEW.workspace_id, NEW.status, NEW.category, 1)
    ON CONFLICT (workspace_id, status, category) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER tr_items_count_update AFTER UPDATE OF status, category ON items
  WHEN OLD.status <> NEW.status OR OLD.category <> NEW.category
BEGIN
  UPDATE item_counts SET n = n - 1
    WHERE workspace_id = OLD.workspace_id AND status = OLD.status AND category = OLD.category;
  INSERT INTO item_counts (workspace_id, status, category, n) VALUES (NEW.workspace_id, NEW.status, NEW.category, 1)
    ON CONFLICT (workspace_id, status, category) DO UPDATE SET n = n + 1;
END;
