-- A device may have a health-check interval of its own, or none (NULL): then the interval of its
-- group applies, then the default. The sweep used the interval of the group only, so the value of
-- the device, editable in the form, was ignored. Rows at the old column default (60) were never
-- set by anyone that mattered: they become NULL and keep the interval they were really checked
-- at (the one of their group), and other values now take effect.
ALTER TABLE "devices" ALTER COLUMN "health_check_interval" DROP DEFAULT, ALTER COLUMN "health_check_interval" DROP NOT NULL;

UPDATE "devices" SET "health_check_interval" = NULL WHERE "health_check_interval" = 60;
