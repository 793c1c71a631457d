-- As SQLite's 0015 in shape: there the settle pass rewrites base_score for the items a vote listed here. PostgreSQL's
-- vote paths write base_score with the count, so nothing lists an item here; a copy from SQLite rescored what the
-- source had listed and left the table empty (copy-to-postgres).
CREATE TABLE stale_scores (
  item_id BIGINT PRIMARY KEY
);
