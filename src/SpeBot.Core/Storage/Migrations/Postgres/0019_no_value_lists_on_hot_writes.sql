-- SQLite's 0019 writes its constant value lists as comparisons (there a list costs a temporary b-tree per row written).
-- PostgreSQL evaluates lists in place, so its CHECK and triggers stay; the work-events index takes the same WHERE as
-- SQLite's, so the one query that reads it matches both word for word.
DROP INDEX ix_item_events_work;
CREATE INDEX ix_item_events_work ON item_events (created_at) WHERE action <> 'proposed' AND action <> 'voted' AND action <> 'unvoted';
