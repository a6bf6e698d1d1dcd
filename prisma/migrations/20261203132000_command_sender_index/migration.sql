-- The command center filters by sender (requested_by); a sender with few commands otherwise read the
-- whole created_at index to fill a page (330 ms at 1,000,000 commands, scripts/bench-command-center.ts).
CREATE INDEX "commands_requested_by_created_at_idx" ON "commands"("requested_by", "created_at" DESC);
