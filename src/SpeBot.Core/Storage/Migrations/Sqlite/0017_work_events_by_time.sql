-- The handoff's "touched during the shift": the work done on items in a time window, found by time instead of by
-- walking every item's events. Votes ("voted", "unvoted") are prioritising, not work, and "proposed" is found through
-- item_created; leaving them out keeps the index off the two hot write paths (about nine in ten events).
-- The readers repeat this WHERE so the planner may use the index.
CREATE INDEX ix_item_events_work ON item_events (created_at) WHERE action NOT IN ('proposed', 'voted', 'unvoted');

-- "Due or stale" counts the stale claims that are not also stuck: with updated_at in the claims' index that count is
-- answered from the index alone, as the digest's stale count is (a row read per claim took 5 ms at 1,000 claims).
-- Only in-progress items are in it, and votes (the hot write on an item) leave updated_at alone.
DROP INDEX ix_items_progress;
CREATE INDEX ix_items_progress ON items (workspace_id, status, progress_at, claimed_at, claimed_by, updated_at) WHERE status = 'in_progress';
