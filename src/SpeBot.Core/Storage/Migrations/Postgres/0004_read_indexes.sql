-- Reads that do not grow with the backlog (issue 16); PostgreSQL twin of Sqlite/0004_read_indexes.sql (comments there).
ALTER TABLE items ADD COLUMN votes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE items ADD COLUMN base_score DOUBLE PRECISION NOT NULL DEFAULT 1;
UPDATE items SET votes = (SELECT COUNT(*) FROM votes v WHERE v.item_id = items.id);

-- The weights base_score was computed with; one row, absent until ScoreIndex fills base_score.
CREATE TABLE score_basis (
  id         BIGINT PRIMARY KEY CHECK (id = 1),
  weights    TEXT NOT NULL,                        -- "votes;impact;effort", invariant culture
  updated_at TEXT NOT NULL
);

-- Scoring.Base as SQL: SQLite registers the C# method on each connection (ScoreIndex); here it is a function in the
-- schema. IMMUTABLE and float8 throughout, so it gives the same double as Math.Pow (both call the C library's pow; a
-- test compares them over a grid of inputs). (1 + votes)^wv × (impact/3)^wi ÷ (effort/3)^we, a missing rating is 3.
CREATE FUNCTION spebot_base_score(votes BIGINT, impact BIGINT, effort BIGINT, wv DOUBLE PRECISION, wi DOUBLE PRECISION,
                                  we DOUBLE PRECISION) RETURNS DOUBLE PRECISION
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT power((1 + votes)::float8, wv) * power(COALESCE(impact, 3)::float8 / 3::float8, wi)
         / power(COALESCE(effort, 3)::float8 / 3::float8, we)
$$;

CREATE INDEX ix_items_open_score ON items (workspace_id, base_score DESC, number)
  WHERE status IN ('proposed', 'accepted', 'in_progress');
DROP INDEX ix_items_status;
CREATE INDEX ix_items_status_number ON items (workspace_id, status, number);
CREATE INDEX ix_items_author ON items (workspace_id, author_id, status, number);
CREATE INDEX ix_items_claimed ON items (workspace_id, claimed_by, status, number) WHERE claimed_by IS NOT NULL;
CREATE INDEX ix_items_source_author ON items (workspace_id, source_author_id, status, number) WHERE source_author_id IS NOT NULL;
CREATE INDEX ix_items_created ON items (workspace_id, created_at);
CREATE INDEX ix_items_done ON items (workspace_id, done_at) WHERE done_at IS NOT NULL;
CREATE INDEX ix_items_open_updated ON items (workspace_id, updated_at)
  WHERE status IN ('proposed', 'accepted', 'in_progress');
CREATE INDEX ix_items_progress ON items (workspace_id, status, progress_at, claimed_at, claimed_by) WHERE status = 'in_progress';
CREATE INDEX ix_work_logs_logged ON work_logs (logged_at);
CREATE INDEX ix_work_logs_item ON work_logs (item_id);
CREATE INDEX ix_capacity_pledges_team ON capacity_pledges (workspace_id, team, valid_from);

-- How many items each (workspace, status, category) holds, kept by triggers as on SQLite. Concurrent proposals into
-- one workspace update the same counter row; the row lock is held to each commit, like the item-number lock they
-- already wait on.
CREATE TABLE item_counts (
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  status       TEXT NOT NULL,
  category     TEXT NOT NULL,
  n            BIGINT NOT NULL,
  PRIMARY KEY (workspace_id, status, category)
);
INSERT INTO item_counts (workspace_id, status, category, n)
  SELECT workspace_id, status, category, COUNT(*) FROM items GROUP BY workspace_id, status, category;

CREATE FUNCTION spebot_items_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO item_counts (workspace_id, status, category, n) VALUES (NEW.workspace_id, NEW.status, NEW.category, 1)
    ON CONFLICT (workspace_id, status, category) DO UPDATE SET n = item_counts.n + 1;
  RETURN NULL;
END;
$$;

CREATE FUNCTION spebot_items_count_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE item_counts SET n = n - 1
    WHERE workspace_id = OLD.workspace_id AND status = OLD.status AND category = OLD.category;
  INSERT INTO item_counts (workspace_id, status, category, n) VALUES (NEW.workspace_id, NEW.status, NEW.category, 1)
    ON CONFLICT (workspace_id, status, category) DO UPDATE SET n = item_counts.n + 1;
  RETURN NULL;
END;
$$;

CREATE TRIGGER tr_items_count_insert AFTER INSERT ON items
  FOR EACH ROW EXECUTE FUNCTION spebot_items_count_insert();

CREATE TRIGGER tr_items_count_update AFTER UPDATE OF status, category ON items
  FOR EACH ROW WHEN (OLD.status <> NEW.status OR OLD.category <> NEW.category)
  EXECUTE FUNCTION spebot_items_count_update();
