-- Issue 17 speed: indexes the maintenance list, calendar and My work today page on (from EXPLAIN
-- ANALYZE on 1,000,000 records). Prisma 6 cannot declare INCLUDE or partial indexes, so they live
-- here only (named in schema.prisma's Maintenance model).

-- The unfiltered list (every farm, soonest first) pages on (scheduled_date, id) from its start
-- instead of sorting every record, and the calendar of every farm counts its days from the index
-- alone (status included).
CREATE INDEX "maintenances_scheduled_date_id_idx" ON "maintenances"("scheduled_date", "id") INCLUDE ("status");

-- A farm's open work (farm + status scheduled, in progress or overdue) starts where open work is,
-- not two years back on the farm's date index.
CREATE INDEX IF NOT EXISTS "maintenances_open_farm_scheduled_date_idx" ON "maintenances"("farm_id", "scheduled_date", "id")
  WHERE "status" IN ('scheduled', 'in_progress', 'overdue');

-- My work today: an assignee's open work (and the unassigned, assignee_id IS NULL) by date.
CREATE INDEX IF NOT EXISTS "maintenances_open_assignee_scheduled_date_idx" ON "maintenances"("assignee_id", "scheduled_date", "id")
  WHERE "status" IN ('scheduled', 'in_progress', 'overdue');
