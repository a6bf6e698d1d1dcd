-- The update engine reads a phase logs every tick (dispatch and judging): by phase and state.
CREATE INDEX "update_logs_phase_id_state_idx" ON "update_logs"("phase_id", "state");

-- Its timeouts look only at updates still under way, which are few next to the finished history.
-- Partial, so written here (Prisma 6 cannot declare partial indexes, see schema.prisma).
CREATE INDEX "update_logs_unfinished_sent_at_idx" ON "update_logs"("sent_at") WHERE "state" IN ('pending', 'downloading', 'installing', 'verifying');
