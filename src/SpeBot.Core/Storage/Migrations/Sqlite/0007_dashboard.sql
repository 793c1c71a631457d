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
-- Done items, covering: done per week, delivered capacity and recognition read the index alone.
-- It has ix_items_done's (0004) columns first and the same predicate, so it takes that index's place.
DROP INDEX IF EXISTS ix_items_done;
CREATE INDEX ix_items_ws_done ON items (workspace_id, done_at, status, category, team, effort, done_by)
  WHERE done_at IS NOT NULL;
-- Lead times: proposal to done in milliseconds, computed by SQLite from the two stored times (a virtual column: nothing
-- to keep in step on the write paths, nothing stored in the row), and indexed per category in order for done items
-- only, so a median or 90th percentile is one walk of LIMIT 1 OFFSET rank entries and proposals never touch the index.
-- Reading, parsing and sorting every done item took 60-130 ms at 100k items (bench/SpeBot.DashboardBench).
ALTER TABLE items ADD COLUMN lead_ms INTEGER
  GENERATED ALWAYS AS (CAST(round((julianday(done_at) - julianday(created_at)) * 86400000.0) AS INTEGER)) VIRTUAL;
CREATE INDEX ix_items_ws_lead ON items (workspace_id, category, lead_ms) WHERE done_at IS NOT NULL AND status = 'done';
-- Open items by category, the funnel and the board's status counts read item_counts (0004): no index of their own.
-- Capacity: hours logged in a week, and "has this item any logs", read ix_work_logs_logged and ix_work_logs_item (0004).
-- Accepted per week: each item keeps when it was last accepted, set by the accept in its own transaction, so the weekly
-- count is a range of one partial index (items never accepted are not in it, so a proposal pays nothing for it).
-- It replaced a join of milestone events to their items, one lookup per accepted event: at 100k items and 1M votes
-- 20-40 ms of the weekly flow (bench/SpeBot.DashboardBench).
ALTER TABLE items ADD COLUMN accepted_at TEXT;
UPDATE items SET accepted_at = (SELECT MAX(e.created_at) FROM item_events e WHERE e.item_id = items.id AND e.action = 'accepted')
  WHERE id IN (SELECT item_id FROM item_events WHERE action = 'accepted');
CREATE INDEX ix_items_ws_accepted ON items (workspace_id, accepted_at) WHERE accepted_at IS NOT NULL;
-- The board filtered by person: author, claimer or finisher, each from its own index (author and claimer: 0004).
CREATE INDEX ix_items_done_by ON items (workspace_id, done_by) WHERE done_by IS NOT NULL;
