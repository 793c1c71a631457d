-- Issue 16 (the write benchmark must not get worse). SQLite evaluates a constant IN list of three or more values by
-- building a temporary b-tree of the values, and in a CHECK constraint, a partial index's WHERE or a trigger it builds
-- one for every row written. A proposal paid for three (its event's ix_item_events_work, its card's outbox CHECK, and
-- the CHECK again when the card is sent), a vote as many, and a settle pass one per item a vote rescored: about 0.7 µs of
-- the single writer each (sqlite3, 200,000 inserts: 0.22 s with the list, 0.07 s with comparisons or no check at all).
-- The same conditions are written as comparisons here, which SQLite evaluates in place.

-- The readers repeat this WHERE, term by term, so the planner may use the index (HandoffBuilder).
DROP INDEX ix_item_events_work;
CREATE INDEX ix_item_events_work ON item_events (created_at) WHERE action <> 'proposed' AND action <> 'voted' AND action <> 'unvoted';

-- A CHECK constraint cannot be altered in place: the table is rebuilt with the same columns, rows and indexes. Sent rows
-- are pruned by housekeeping, so the copy is of the recent ones.
CREATE TABLE outbox_0019 (
  id              INTEGER PRIMARY KEY,
  platform        TEXT NOT NULL,
  workspace_id    INTEGER NOT NULL REFERENCES workspaces(id),
  channel_id      TEXT NOT NULL,
  kind            TEXT NOT NULL,
  body            TEXT NOT NULL,                  -- platform-neutral JSON
  dedupe_key      TEXT NOT NULL UNIQUE,
  status          TEXT NOT NULL DEFAULT 'pending' CHECK (status = 'pending' OR status = 'sent' OR status = 'dead'),
  version         INTEGER NOT NULL DEFAULT 1,     -- bumped by coalescing upserts
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  locked_until    TEXT,
  external_id     TEXT,
  last_error      TEXT,
  created_at      TEXT NOT NULL,
  sent_at         TEXT,
  trace_parent    TEXT
);
INSERT INTO outbox_0019 (id, platform, workspace_id, channel_id, kind, body, dedupe_key, status, version, attempts, next_attempt_at,
                         locked_until, external_id, last_error, created_at, sent_at, trace_parent)
  SELECT id, platform, workspace_id, channel_id, kind, body, dedupe_key, status, version, attempts, next_attempt_at,
         locked_until, external_id, last_error, created_at, sent_at, trace_parent
  FROM outbox ORDER BY id;
DROP TABLE outbox;
ALTER TABLE outbox_0019 RENAME TO outbox;
CREATE INDEX ix_outbox_dead ON outbox (id) WHERE status = 'dead';
CREATE INDEX ix_outbox_channel_pending ON outbox (platform, channel_id, id) WHERE status = 'pending';

-- As 0014 and 0018 made them, with the open statuses compared one by one.
DROP TRIGGER tr_items_settled_open;
CREATE TRIGGER tr_items_settled_open AFTER UPDATE OF status, updated_at ON items
  WHEN (OLD.status <> NEW.status OR OLD.updated_at <> NEW.updated_at) AND OLD.id <= (SELECT last_item_id FROM settle_mark)
BEGIN
  DELETE FROM settled_open WHERE workspace_id = OLD.workspace_id AND updated_at = OLD.updated_at AND item_id = OLD.id;
  INSERT INTO settled_open (workspace_id, updated_at, item_id)
    SELECT NEW.workspace_id, NEW.updated_at, NEW.id WHERE NEW.status = 'proposed' OR NEW.status = 'accepted' OR NEW.status = 'in_progress';
END;
DROP TRIGGER tr_items_settled_scores;
CREATE TRIGGER tr_items_settled_scores AFTER UPDATE OF status, base_score ON items
  WHEN (OLD.status <> NEW.status OR OLD.base_score <> NEW.base_score) AND OLD.id <= (SELECT last_item_id FROM settle_mark)
BEGIN
  DELETE FROM settled_scores WHERE workspace_id = OLD.workspace_id AND base_score = OLD.base_score AND number = OLD.number;
  INSERT INTO settled_scores (workspace_id, base_score, number, item_id)
    SELECT NEW.workspace_id, NEW.base_score, NEW.number, NEW.id WHERE NEW.status = 'proposed' OR NEW.status = 'accepted' OR NEW.status = 'in_progress';
END;
