-- Discovery (issue 18): items a machine found carry which signal found them and a stable finding key; the link to
-- the signal goes in items.source_permalink like a captured message's, so every card shows it.
ALTER TABLE items ADD COLUMN found_by TEXT;        -- 'dependabot' | 'renovate' | 'issues' | 'certs' | 'tls' | 'toil'
ALTER TABLE items ADD COLUMN finding_key TEXT;     -- e.g. 'github:pr:owner/repo#12', 'tls:legacy:host:443'
ALTER TABLE items ADD COLUMN finding_note TEXT;    -- what the signal said since, as a catalog key suffix ('pr_closed')
ALTER TABLE items ADD COLUMN tracked_url TEXT;     -- the GitHub issue /spe track created
ALTER TABLE items ADD COLUMN tracked_key TEXT;     -- 'github:issue:owner/repo#34', so that issue's webhooks find the item
-- The same finding never makes a second item, open or closed: a closed one is reopened or left as decided. The key
-- leads, so a lookup by key alone (a tracked issue, whatever workspace) is an index search too.
CREATE UNIQUE INDEX ux_items_finding ON items (finding_key, workspace_id) WHERE finding_key IS NOT NULL;
CREATE UNIQUE INDEX ux_items_tracked ON items (tracked_key, workspace_id) WHERE tracked_key IS NOT NULL;

-- Sources a workspace's maintainers silenced (/spe mute <source>).
CREATE TABLE muted_sources (
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  source       TEXT NOT NULL,
  muted_by     TEXT NOT NULL,
  muted_at     TEXT NOT NULL,
  PRIMARY KEY (workspace_id, source)
);

-- Endpoints /spe watch added, with the last result; last_period is the daily run that checked it (the once-per-period
-- claim, written in the same transaction as the result and its proposals).
CREATE TABLE watch_endpoints (
  id           INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  channel_id   TEXT NOT NULL,
  host         TEXT NOT NULL,
  port         INTEGER NOT NULL,
  added_by     TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  last_period  TEXT,
  checked_at   TEXT,
  not_after    TEXT,                                -- the certificate's expiry
  tls_versions TEXT,                                -- accepted versions, e.g. '1.2,1.3'
  error        TEXT,                                -- why the last connection failed
  UNIQUE (workspace_id, host, port)
);
