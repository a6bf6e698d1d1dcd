-- The notification engine (lib/notifications): a raised alert wakes the worker's fan-out at once.
-- Per statement, not per row: the health sweep raises thousands of alerts in one INSERT, and
-- one wake-up is all the fan-out needs (it takes every alert with notified_at IS NULL).
-- The body is an E'' string with \073 for its semicolons: the migration runner splits the file
-- at every semicolon, dollar quotes included.
CREATE OR REPLACE FUNCTION "notify_alerts_raised"() RETURNS trigger LANGUAGE plpgsql
  AS E'BEGIN PERFORM pg_notify(''notifications'', '''')\073 RETURN NULL\073 END';

CREATE TRIGGER "alerts_raised_notify" AFTER INSERT ON "alerts"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_alerts_raised"();

-- The digest reads what waits for it per farm (partial: Prisma cannot declare it and its diff
-- leaves it alone, and no other row pays for it on insert).
CREATE INDEX "notifications_digest_idx" ON "notifications" ("farm_id") WHERE "status" = 'digest';
