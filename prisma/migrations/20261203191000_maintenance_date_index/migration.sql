-- The maintenance list and calendar of every farm at once (an admin's view, a date range without a
-- farm) read records in date order: without this index that is a sort of the whole table.
CREATE INDEX "maintenances_scheduled_date_id_idx" ON "maintenances"("scheduled_date", "id");
