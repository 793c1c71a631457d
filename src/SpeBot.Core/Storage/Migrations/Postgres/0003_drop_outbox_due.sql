-- No query reads outbox rows by due time alone: the claim finds each channel's head on ix_outbox_channel_pending
-- and checks next_attempt_at on that row. The index only cost a B-tree write on every queued post and every retry.
DROP INDEX IF EXISTS ix_outbox_due;
