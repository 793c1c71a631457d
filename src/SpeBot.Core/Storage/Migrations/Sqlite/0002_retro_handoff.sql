-- Retro polls and on-call handoffs (issue 6, parts 4 and 5).

-- The choices a poll offered, fixed when it opened so tallies never shift as items change.
CREATE TABLE poll_options (
  poll_id   INTEGER NOT NULL REFERENCES polls(id) ON DELETE CASCADE,
  question  TEXT NOT NULL,                        -- 'done' | 'next'
  option_id TEXT NOT NULL,                        -- the item id as text
  item_id   INTEGER REFERENCES items(id),
  position  INTEGER NOT NULL,
  PRIMARY KEY (poll_id, question, option_id)
);

-- Who is on call, newest row wins; a shift runs from started_at to the next row's started_at.
CREATE TABLE oncall_shifts (
  id           INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  user_id      TEXT NOT NULL,
  started_at   TEXT NOT NULL,
  set_by       TEXT NOT NULL,                     -- a user id, or 'rotation'
  created_at   TEXT NOT NULL
);
CREATE INDEX ix_oncall_shifts_ws ON oncall_shifts (workspace_id, started_at);
CREATE INDEX ix_shift_notes_ws ON shift_notes (workspace_id, created_at);

-- One handoff: the summarised window, who hands to whom, and the ack and its once-only reminder claim.
CREATE TABLE handoffs (
  id           INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  channel_id   TEXT NOT NULL,
  ref_key      TEXT NOT NULL UNIQUE,              -- schedule + period, or a manual key
  outgoing_id  TEXT,
  incoming_id  TEXT,
  shift_from   TEXT NOT NULL,
  shift_to     TEXT NOT NULL,
  acked_at     TEXT,
  remind_at    TEXT,                              -- when to remind the incoming person if not acked
  reminded_at  TEXT,                              -- the once-only reminder claim
  created_at   TEXT NOT NULL
);
