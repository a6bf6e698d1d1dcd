-- The command engine takes queued commands oldest first, `ORDER BY created_at, id`, a round of
-- 1,000 at a time. A bulk command's rows share one created_at (one transaction): with
-- (status, created_at) each round joined and sorted every queued command of the batch to keep
-- 1,000 (45–80 ms of a 100–200 ms round at 10,000 queued, scripts/bench-commands.ts). With id in
-- the index the round reads its 1,000 in order and stops. The command center's status filter
-- (status = …, newest first) is served as before.
DROP INDEX "commands_status_created_at_idx";

CREATE INDEX "commands_status_created_at_id_idx" ON "commands"("status", "created_at", "id");
