-- Issue 15: PostgreSQL's 0013 stops enforcing the foreign keys of the rows every proposal, vote and card post writes
-- (there each check is a query of its own; here it is a lookup in the parent's b-tree). SQLite keeps enforcing every
-- key, so a code path that writes a dangling id still fails its tests; nothing changes here, and the version exists so
-- both providers keep the same numbered list.
SELECT 1;
