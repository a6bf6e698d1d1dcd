-- Telemetry rewrites a device row every few seconds (last_seen, battery, signal).
-- With an index on last_seen every such write had to insert into all 18 indexes of devices,
-- the four trigram GIN indexes of the search included: the main cost of the ingest.
-- Without it, and with room left on each page, those writes are HOT updates (heap only).
-- Sorting the whole fleet by last seen becomes a scan, like battery, for the same reason.
DROP INDEX IF EXISTS "devices_last_seen_idx";

ALTER TABLE "devices" SET (fillfactor = 70);
