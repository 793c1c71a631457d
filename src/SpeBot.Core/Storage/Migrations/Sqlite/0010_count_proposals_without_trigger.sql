-- Write cost (issue 16): a proposal counts itself in item_counts with one prepared upsert in its own transaction
-- (ItemStore.CountInsertedAsync, the only insert into items) instead of through this AFTER INSERT trigger. The trigger's
-- sub-program cost the writer about 4-8 µs per proposal, more than the same upsert run as a prepared statement
-- (bench: writer CPU per proposal). Status and category changes stay counted by tr_items_count_update (0004), which no
-- proposal or vote fires. The counts themselves are unchanged.
DROP TRIGGER IF EXISTS tr_items_count_insert;
