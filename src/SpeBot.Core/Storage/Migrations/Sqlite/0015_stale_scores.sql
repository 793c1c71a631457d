-- Issue 16 (the write benchmark must not get worse). A vote changed base_score in its own transaction, which moved the
-- item's entry in ix_items_open_score: about 5 µs of the single writer per vote, and votes came out 5–8 % below d8050ac.
-- On SQLite a vote now changes the count only (still in its transaction, still durable before its ack); this trigger
-- lists the item, and the settle pass (ItemSettling) rewrites base_score for the listed items about once a second, from
-- the counts then. Meanwhile `top` scores the listed items from their counts itself (ItemQueries.TopAsync). PostgreSQL's
-- vote paths keep writing base_score with the count; its table stays empty.
CREATE TABLE stale_scores (
  item_id INTEGER PRIMARY KEY
);

CREATE TRIGGER tr_items_stale_score AFTER UPDATE OF votes ON items
BEGIN
  INSERT OR IGNORE INTO stale_scores (item_id) VALUES (NEW.id);
END;
