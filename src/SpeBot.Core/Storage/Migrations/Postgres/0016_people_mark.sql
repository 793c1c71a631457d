-- As SQLite's 0016 in shape. PostgreSQL lists each item in item_people in its proposal's transaction and keeps settle_mark
-- empty, so readers see NULL for this mark too and take every entry.
ALTER TABLE settle_mark ADD COLUMN people_item_id BIGINT NOT NULL DEFAULT 0;
