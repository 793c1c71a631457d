-- SQLite's 0014 moved the entries of ix_items_created and ix_items_open_updated off its single writer's proposals into
-- the settle pass (tables settled_created and settled_open). PostgreSQL keeps both indexes: its writers run side by side
-- and every item is settled in its own transaction (settle_mark stays empty). So the two "settled" names are views over
-- items here, read through those indexes, and the readers' SQL is the same on both providers.
CREATE VIEW settled_created AS
  SELECT workspace_id, created_at, id AS item_id FROM items;
CREATE VIEW settled_open AS
  SELECT workspace_id, updated_at, id AS item_id FROM items WHERE status IN ('proposed', 'accepted', 'in_progress');

CREATE VIEW item_created AS
  SELECT workspace_id, created_at, item_id FROM settled_created
  UNION ALL
  SELECT workspace_id + 0, created_at || '', id FROM items WHERE id > (SELECT last_item_id FROM settle_mark);
CREATE VIEW item_open_touched AS
  SELECT workspace_id, updated_at, item_id FROM settled_open
  UNION ALL
  SELECT workspace_id + 0, updated_at || '', id FROM items
  WHERE id > (SELECT last_item_id FROM settle_mark) AND status || '' IN ('proposed', 'accepted', 'in_progress');
