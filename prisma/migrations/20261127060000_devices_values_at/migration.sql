-- The device time of the telemetry behind the current values of a device row.
-- The ingest worker looked it up in telemetry_samples for every device of every window,
-- one index probe each and a quarter of its database time. The row now carries it.
ALTER TABLE "devices" ADD COLUMN "values_at" TIMESTAMPTZ(3);

UPDATE "devices" AS d
   SET "values_at" = s.newest
  FROM (SELECT "device_id", max("ts") AS newest FROM "telemetry_samples" GROUP BY "device_id") AS s
 WHERE s."device_id" = d."id";
