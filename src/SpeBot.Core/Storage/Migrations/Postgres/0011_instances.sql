-- Issue 15 (several instances on one database): what each process used to keep for itself alone.
-- Both tables exist on SQLite too (the schemas stay alike), where one process uses only job_runs.

-- Once-only housekeeping across instances: a job claims its period (e.g. the hour) before it runs, like schedule_runs.
CREATE TABLE job_runs (
  job        TEXT NOT NULL,                       -- 'claim_expiry', …
  period     TEXT NOT NULL,                       -- UTC ISO-8601 start of the period
  claimed_at TEXT NOT NULL,
  PRIMARY KEY (job, period)
);

-- Per-channel pacing and order on PostgreSQL: one row per channel the outbox posts to. A claim locks the row, leases
-- the channel's oldest pending outbox row only while no other row of the channel is leased (holder_id/held_until), and
-- hands the sender the time its post may start (free_at); the mark-sent frees the channel and moves free_at on.
CREATE TABLE outbox_channels (
  platform   TEXT NOT NULL,
  channel_id TEXT NOT NULL,
  free_at    TEXT NOT NULL,                       -- the next post to this channel starts no earlier
  holder_id  BIGINT,                              -- the outbox row leased for this channel, if any
  held_until TEXT,                                -- that lease's end (equal to the row's locked_until)
  PRIMARY KEY (platform, channel_id)
);
