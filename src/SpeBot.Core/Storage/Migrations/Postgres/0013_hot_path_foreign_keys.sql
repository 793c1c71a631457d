-- Issue 15 (benchmark): PostgreSQL stops enforcing the foreign keys of the rows every proposal, vote and card post
-- writes. Each enforced key ran a lookup of its parent row (an SPI query taking FOR KEY SHARE) after every inserted row,
-- three per proposal, all under the workspace's number lock: 18 % of the server's CPU in the proposal benchmark (perf:
-- AfterTriggerEndQuery), and with two instances the shared row locks on one workspace row become multixacts. Dropping
-- them: 10-20 % more proposals a second with one instance and 18 % with two (bench/run.sh, PROVIDER=postgres).
-- What the keys guarded still holds: SpeBot deletes no workspace and no item (no parent row can go missing), every
-- child row is written from an id read or returned in the same transaction, and SQLite, where every store test runs
-- too, still enforces every key (a code path writing a dangling id fails its tests there). The keys of tables written
-- rarely (schedules, polls, pledges, merged_into, …) stay.
ALTER TABLE items DROP CONSTRAINT IF EXISTS items_workspace_id_fkey;
ALTER TABLE item_events DROP CONSTRAINT IF EXISTS item_events_item_id_fkey;
ALTER TABLE item_counts DROP CONSTRAINT IF EXISTS item_counts_workspace_id_fkey;
ALTER TABLE outbox DROP CONSTRAINT IF EXISTS outbox_workspace_id_fkey;
ALTER TABLE votes DROP CONSTRAINT IF EXISTS votes_item_id_fkey;
ALTER TABLE posted_messages DROP CONSTRAINT IF EXISTS posted_messages_workspace_id_fkey;
ALTER TABLE posted_messages DROP CONSTRAINT IF EXISTS posted_messages_item_id_fkey;
