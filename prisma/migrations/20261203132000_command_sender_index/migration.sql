-- The command center filters by sender as people see it (requested_by): a sender with few commands
-- otherwise read the whole created_at index to fill a page (330 ms at 1,000,000 commands,
-- scripts/bench-command-center.ts). Nothing reads by requested_by_id, and every index costs each
-- bulk insert of 10,000 commands, so that one goes.
DROP INDEX "commands_requested_by_id_created_at_idx";

CREATE INDEX "commands_requested_by_created_at_idx" ON "commands"("requested_by", "created_at" DESC);
