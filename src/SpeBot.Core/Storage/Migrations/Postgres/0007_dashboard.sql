-- Dashboard (issue 14); PostgreSQL twin of Sqlite/0007_dashboard.sql (comments there).

CREATE TABLE dashboard_links (
  token_hash   TEXT PRIMARY KEY,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  user_id      TEXT NOT NULL,
  locale       TEXT NOT NULL,
  expires_at   TEXT NOT NULL,
  used_at      TEXT,                               -- single use: set when redeemed
  created_at   TEXT NOT NULL
);

CREATE TABLE dashboard_sessions (
  token_hash   TEXT PRIMARY KEY,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  user_id      TEXT NOT NULL,
  locale       TEXT NOT NULL,
  expires_at   TEXT NOT NULL,
  created_at   TEXT NOT NULL
);

DROP INDEX IF EXISTS ix_items_done;
CREATE INDEX ix_items_ws_done ON items (workspace_id, done_at, status, category, team, effort, done_by)
  WHERE done_at IS NOT NULL;
-- Lead times in milliseconds. SQLite computes a virtual column from the two stored times; a PostgreSQL generated column
-- must be IMMUTABLE and text-to-timestamp casts are not (they read the session's settings), so a trigger computes it
-- on every write that sets either time. The text is always UTC ISO-8601 with a Z, so the cast does not depend on the
-- session's time zone in practice.
ALTER TABLE items ADD COLUMN lead_ms BIGINT;
CREATE FUNCTION spebot_items_lead_ms() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.lead_ms := CASE WHEN NEW.done_at IS NULL OR NEW.created_at IS NULL THEN NULL
                      ELSE round(extract(epoch FROM (NEW.done_at::timestamptz - NEW.created_at::timestamptz)) * 1000)::bigint END;
  RETURN NEW;
END;
$$;
CREATE TRIGGER tr_items_lead_ms BEFORE INSERT OR UPDATE OF done_at, created_at, lead_ms ON items
  FOR EACH ROW EXECUTE FUNCTION spebot_items_lead_ms();
UPDATE items SET lead_ms = NULL WHERE done_at IS NOT NULL;
CREATE INDEX ix_items_ws_lead ON items (workspace_id, category, lead_ms) WHERE done_at IS NOT NULL AND status = 'done';
ALTER TABLE items ADD COLUMN accepted_at TEXT;
UPDATE items SET accepted_at = (SELECT MAX(e.created_at) FROM item_events e WHERE e.item_id = items.id AND e.action = 'accepted')
  WHERE id IN (SELECT item_id FROM item_events WHERE action = 'accepted');
CREATE INDEX ix_items_ws_accepted ON items (workspace_id, accepted_at) WHERE accepted_at IS NOT NULL;
CREATE INDEX ix_items_done_by ON items (workspace_id, done_by) WHERE done_by IS NOT NULL;
