-- The device search matches any part of id, name, serial or MAC (ILIKE), served by trigram indexes.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateIndex
CREATE INDEX "devices_name_idx" ON "devices"("name");

-- CreateIndex
CREATE INDEX "devices_firmware_version_idx" ON "devices"("firmware_version");

-- CreateIndex
CREATE INDEX "devices_device_id_trgm_idx" ON "devices" USING GIN ("device_id" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "devices_name_trgm_idx" ON "devices" USING GIN ("name" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "devices_serial_number_trgm_idx" ON "devices" USING GIN ("serial_number" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "devices_mac_address_trgm_idx" ON "devices" USING GIN ("mac_address" gin_trgm_ops);

-- AddForeignKey
ALTER TABLE "devices" ADD CONSTRAINT "devices_provisioned_by_id_fkey" FOREIGN KEY ("provisioned_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
