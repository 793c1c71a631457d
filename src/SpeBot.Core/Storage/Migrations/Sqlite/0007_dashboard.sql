-- Dashboard (issue 14): one-time sign-in links from chat, browser sessions, and the indexes its charts read.

-- A link sent privately in chat; only its SHA-256 is stored, so a copy of the database signs nobody in.
CREATE TABLE dashboard_links (
  token_hash   TEXT PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  user_id      TEXT NOT NULL,
  locale       TEXT NOT NULL,
  expires_at   TEXT NOT NULL,
  used_at      TEXT,                               -- single use: set when redeemed
  created_at   TEXT NOT NULL
);

-- A browser session for one person in one workspace; the cookie holds the token, the table its hash.
CREATE TABLE dashboard_sessions (
  token_hash   TEXT PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  user_id      TEXT NOT NULL,
  locale       TEXT NOT NULL,
  expires_at   TEXT NOT NULL,
  created_at   TEXT NOT NULL
);

-- Charts: proposed per week reads a range of one workspace's items through ix_items_created (0004).
-- Done items, covering: done per week, lead times, delivered capacity and recognition read the index alone.
-- It has ix_items_done's (0004) columns first and the same predicate, so it takes that index's place.
DROP INDEX IF EXISTS ix_items_done;
CREATE INDEX ix_items_ws_done ON items (workspace_id, done_at, status, category, created_at, team, effort, done_by)
  WHERE done_at IS NOT NULL;
-- Open items by category and the funnel count from the index alone.
CREATE INDEX ix_items_ws_status_category ON items (workspace_id, status, category);
-- Capacity: hours logged in a week, and "has this item any logs", read ix_work_logs_logged and ix_work_logs_item (0004).
-- Accepted per week: only milestone events (the million vote events never enter this index), carrying item_id; and
-- ix_items_id_ws answers "which workspace" from a narrow index instead of the wide item rows. At 100k items and 1M votes
-- the weekly counts went from about 550 ms to about 70 ms (bench/SpeBot.DashboardBench).
CREATE INDEX ix_item_events_milestones ON item_events (action, created_at, item_id)
  WHERE action IN ('accepted', 'claimed', 'assigned', 'done');
CREATE INDEX ix_items_id_ws ON items (id, workspace_id);
