-- SpeBot schema v1: laid for the whole mission (capture, lifecycle, capacity, schedules, Teams).
-- Times are UTC ISO-8601 text (yyyy-MM-ddTHH:mm:ss.fffZ) so text order is time order.

CREATE TABLE workspaces (
  id               INTEGER PRIMARY KEY,
  platform         TEXT NOT NULL CHECK (platform IN ('slack', 'teams')),
  external_id      TEXT NOT NULL,                 -- Slack team id or Teams tenant id
  name             TEXT,
  locale           TEXT,                          -- NULL: configured default
  time_zone        TEXT,                          -- IANA id; NULL: configured default
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  UNIQUE (platform, external_id)
);

CREATE TABLE maintainers (
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  user_id      TEXT NOT NULL,
  added_by     TEXT NOT NULL,
  added_at     TEXT NOT NULL,
  PRIMARY KEY (workspace_id, user_id)
);

CREATE TABLE user_settings (
  workspace_id   INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  user_id        TEXT NOT NULL,
  locale         TEXT,
  time_zone      TEXT,
  nudges_enabled INTEGER NOT NULL DEFAULT 1,
  updated_at     TEXT NOT NULL,
  PRIMARY KEY (workspace_id, user_id)
);

CREATE TABLE items (
  id                INTEGER PRIMARY KEY,
  workspace_id      INTEGER NOT NULL REFERENCES workspaces(id),
  number            INTEGER NOT NULL,             -- shown as SPE-<number>, per workspace
  title             TEXT NOT NULL,
  detail            TEXT,
  category          TEXT NOT NULL DEFAULT 'other',
  status            TEXT NOT NULL DEFAULT 'proposed',
  author_platform   TEXT NOT NULL,
  author_id         TEXT NOT NULL,
  team              TEXT,
  source_channel    TEXT,
  source_message_id TEXT,
  source_permalink  TEXT,
  source_author_id  TEXT,                         -- who wrote the captured message
  impact            INTEGER CHECK (impact BETWEEN 1 AND 5),
  effort            INTEGER CHECK (effort BETWEEN 1 AND 5),
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL,
  claimed_by        TEXT,
  claimed_at        TEXT,
  progress_at       TEXT,                         -- last claim activity; drives claim expiry
  done_at           TEXT,
  done_by           TEXT,
  evidence          TEXT,
  decline_reason    TEXT,
  merged_into       INTEGER REFERENCES items(id),
  UNIQUE (workspace_id, number)
);
CREATE UNIQUE INDEX ux_items_source ON items (workspace_id, source_channel, source_message_id)
  WHERE source_message_id IS NOT NULL;
CREATE INDEX ix_items_status ON items (workspace_id, status);
CREATE INDEX ix_items_merged ON items (merged_into) WHERE merged_into IS NOT NULL;

CREATE TABLE votes (
  item_id    INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
  voter_id   TEXT NOT NULL,
  via        TEXT NOT NULL,                       -- 'reaction' | 'button' | 'merge'
  created_at TEXT NOT NULL,
  PRIMARY KEY (item_id, voter_id)
);

-- Latest known state of each (message, user, reaction); the newest event_ts wins, so a late
-- duplicate delivery can never undo a newer state.
CREATE TABLE reaction_states (
  platform   TEXT NOT NULL,
  channel_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  user_id    TEXT NOT NULL,
  reaction   TEXT NOT NULL,
  present    INTEGER NOT NULL,
  event_ts   TEXT NOT NULL,
  PRIMARY KEY (platform, channel_id, message_id, user_id, reaction)
);

CREATE TABLE item_events (
  id         INTEGER PRIMARY KEY,
  item_id    INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
  actor_id   TEXT NOT NULL,
  action     TEXT NOT NULL,
  detail     TEXT,
  platform   TEXT NOT NULL,
  channel_id TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX ix_item_events_item ON item_events (item_id, id);

CREATE TABLE posted_messages (
  platform     TEXT NOT NULL,
  channel_id   TEXT NOT NULL,
  message_id   TEXT NOT NULL,                     -- Slack ts, Teams activity id
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  kind         TEXT NOT NULL,                     -- 'item_card', 'digest', 'poll', 'handoff'
  item_id      INTEGER REFERENCES items(id) ON DELETE CASCADE,
  ref_id       TEXT,
  created_at   TEXT NOT NULL,
  PRIMARY KEY (platform, channel_id, message_id)
);
CREATE INDEX ix_posted_messages_item ON posted_messages (item_id);

CREATE TABLE inbox (
  platform    TEXT NOT NULL,
  event_key   TEXT NOT NULL,                      -- Slack event_id, Teams activity id, invoke request id
  received_at TEXT NOT NULL,
  PRIMARY KEY (platform, event_key)
);

CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  platform        TEXT NOT NULL,
  workspace_id    INTEGER NOT NULL REFERENCES workspaces(id),
  channel_id      TEXT NOT NULL,
  kind            TEXT NOT NULL,
  body            TEXT NOT NULL,                  -- platform-neutral JSON
  dedupe_key      TEXT NOT NULL UNIQUE,
  status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
  version         INTEGER NOT NULL DEFAULT 1,     -- bumped by coalescing upserts
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  locked_until    TEXT,
  external_id     TEXT,
  last_error      TEXT,
  created_at      TEXT NOT NULL,
  sent_at         TEXT
);
-- Partial indexes: sent rows pile up, but only pending and dead rows are ever searched.
CREATE INDEX ix_outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX ix_outbox_dead ON outbox (id) WHERE status = 'dead';
-- Per-channel order: "is an older row for this channel still pending?" must not scan the backlog.
CREATE INDEX ix_outbox_channel_pending ON outbox (platform, channel_id, id) WHERE status = 'pending';

CREATE TABLE schedules (
  id           INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  kind         TEXT NOT NULL CHECK (kind IN ('digest', 'nudge', 'retro', 'handoff')),
  channel_id   TEXT NOT NULL,
  cron         TEXT NOT NULL,
  time_zone    TEXT NOT NULL,
  enabled      INTEGER NOT NULL DEFAULT 1,
  args         TEXT,
  source       TEXT NOT NULL DEFAULT 'chat',      -- 'config' | 'chat'
  created_by   TEXT,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL
);

CREATE TABLE schedule_runs (
  schedule_id INTEGER NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
  period      TEXT NOT NULL,
  claimed_at  TEXT NOT NULL,
  PRIMARY KEY (schedule_id, period)
);

CREATE TABLE capacity_pledges (
  id             INTEGER PRIMARY KEY,
  workspace_id   INTEGER NOT NULL REFERENCES workspaces(id),
  team           TEXT NOT NULL,
  hours_per_week REAL NOT NULL CHECK (hours_per_week >= 0),
  pledged_by     TEXT NOT NULL,
  valid_from     TEXT NOT NULL,
  created_at     TEXT NOT NULL
);

CREATE TABLE work_logs (
  id        INTEGER PRIMARY KEY,
  item_id   INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
  user_id   TEXT NOT NULL,
  hours     REAL NOT NULL CHECK (hours > 0),
  logged_at TEXT NOT NULL
);

CREATE TABLE polls (
  id           INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  channel_id   TEXT NOT NULL,
  kind         TEXT NOT NULL,                     -- 'retro'
  anonymous    INTEGER NOT NULL DEFAULT 0,
  opened_by    TEXT,
  opens_at     TEXT NOT NULL,
  closes_at    TEXT NOT NULL,
  closed_at    TEXT,
  created_at   TEXT NOT NULL
);

CREATE TABLE poll_votes (
  poll_id    INTEGER NOT NULL REFERENCES polls(id) ON DELETE CASCADE,
  question   TEXT NOT NULL,
  voter_id   TEXT NOT NULL,
  option_id  TEXT NOT NULL,
  voted_at   TEXT NOT NULL,
  PRIMARY KEY (poll_id, question, voter_id)
);

CREATE TABLE shift_notes (
  id           INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  author_id    TEXT NOT NULL,
  text         TEXT NOT NULL,
  is_toil      INTEGER NOT NULL DEFAULT 0,
  created_at   TEXT NOT NULL
);

-- Where to reach a Teams conversation proactively (serviceUrl only after the JWT checks passed).
CREATE TABLE conversation_refs (
  platform        TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  workspace_id    INTEGER NOT NULL REFERENCES workspaces(id),
  service_url     TEXT,
  reference       TEXT NOT NULL,                  -- JSON
  updated_at      TEXT NOT NULL,
  PRIMARY KEY (platform, conversation_id)
);
