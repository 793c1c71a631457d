-- As SQLite's 0010: a proposal counts itself in item_counts in its own transaction (ItemStore.CountInsertedAsync, and
-- CreateManyAsync for a batch), so both providers keep the counts the same way and the schemas stay alike. Status and
-- category changes stay counted by tr_items_count_update (0004).
DROP TRIGGER IF EXISTS tr_items_count_insert ON items;
DROP FUNCTION IF EXISTS spebot_items_count_insert();
