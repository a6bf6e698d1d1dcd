-- The command engine looks every few seconds for debug modes whose time is up. Only the few
-- devices in debug mode have debug_until set: a partial index finds them without reading every
-- device row (a million of them on a large fleet). Prisma 6 cannot declare a partial index: the
-- schema says so beside the column.
CREATE INDEX "devices_debug_until_idx" ON "devices" ("debug_until") WHERE "debug_until" IS NOT NULL;
