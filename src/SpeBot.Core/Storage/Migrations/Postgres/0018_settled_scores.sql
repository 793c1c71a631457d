-- SQLite's 0018 moved the entries of ix_items_open_score off its single writer's proposals into the settle pass (table
-- settled_scores). PostgreSQL keeps the index, written in each item's own transaction, and `top` reads it directly
-- (ItemQueries.PostgresByScoreSql). The view holds the same rows under the same name, so both schemas name the same
-- relations and a copy from SQLite leaves the table behind.
CREATE VIEW settled_scores AS
  SELECT workspace_id, base_score, number, id AS item_id FROM items WHERE status IN ('proposed', 'accepted', 'in_progress');
