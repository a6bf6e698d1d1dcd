-- Keyset ("seek") pages of the devices list at a million devices (issue 20 item 3): each column
-- the list sorts or filters on, followed by device_id, the tie-breaker of every sort, so that
-- "the devices after (value, device id)" is one index range and a deep page costs what the first
-- costs. The single-column indexes they extend are dropped: the composite serves their lookups.
-- Battery, signal, last seen and health score stay unindexed: telemetry updates them per window
-- (lib/telemetry/store-window.ts), and indexing them would turn those HOT updates into updates of
-- every index of the table.
DROP INDEX IF EXISTS "devices_state_idx";
DROP INDEX IF EXISTS "devices_connection_status_idx";
DROP INDEX IF EXISTS "devices_group_id_idx";
DROP INDEX IF EXISTS "devices_name_idx";
DROP INDEX IF EXISTS "devices_firmware_version_idx";

CREATE INDEX IF NOT EXISTS "devices_farm_id_device_id_idx" ON "devices"("farm_id", "device_id");
CREATE INDEX IF NOT EXISTS "devices_device_type_device_id_idx" ON "devices"("device_type", "device_id");
CREATE INDEX IF NOT EXISTS "devices_state_device_id_idx" ON "devices"("state", "device_id");
CREATE INDEX IF NOT EXISTS "devices_connection_status_device_id_idx" ON "devices"("connection_status", "device_id");
CREATE INDEX IF NOT EXISTS "devices_group_id_device_id_idx" ON "devices"("group_id", "device_id");
CREATE INDEX IF NOT EXISTS "devices_name_device_id_idx" ON "devices"("name", "device_id");
CREATE INDEX IF NOT EXISTS "devices_firmware_version_device_id_idx" ON "devices"("firmware_version", "device_id");
