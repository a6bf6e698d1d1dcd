-- The cost reports sum the maintenance done in a month (by performed_at), which no index of
-- maintenances reaches: at 1,000,000 records that was a scan of the whole table per report.
-- Partial, so open work (the larger share of rows as plans run ahead) does not weigh on it.
CREATE INDEX "maintenances_done_performed_at_idx" ON "maintenances"("performed_at", "farm_id") WHERE "status" = 'done';
