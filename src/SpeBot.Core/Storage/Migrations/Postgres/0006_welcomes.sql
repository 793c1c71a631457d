-- One greeting per conversation SpeBot is installed in (issue 19 point 10). Teams sends conversationUpdate and
-- installationUpdate for one install, retries either, and sends them again on a reinstall: the row makes the first one
-- greet and every later one a no-op. Not in the inbox, which forgets events after a while.
CREATE TABLE welcomes (
  platform        TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  workspace_id    BIGINT NOT NULL REFERENCES workspaces(id),
  welcomed_at     TEXT NOT NULL,
  PRIMARY KEY (platform, conversation_id)
);
