-- SQLite's 0018 moved the entries of ix_items_open_score off its single writer's proposals into the settle pass (table
-- settled_scores). PostgreSQL keeps the index, written in each item's own transaction, so settled_scores is a view over
-- items here, read through it, and `top` reads the same SQL on both providers.
CREATE VIEW settled_scores AS
  SELECT workspace_id, base_score, number, id AS item_id FROM items WHERE status IN ('proposed', 'accepted', 'in_progress');
