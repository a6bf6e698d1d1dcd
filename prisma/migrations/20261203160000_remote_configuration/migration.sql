-- Remote configuration (issue 16): per-device immutable configuration versions with their hash,
-- the device shadow (desired against reported), farm and group override layers per device type,
-- configuration campaigns on the update-job engine (kind), and the configuration drift alert.

-- AlterEnum
ALTER TYPE "ConfigApplyStatus" ADD VALUE 'sent';
ALTER TYPE "ConfigApplyStatus" ADD VALUE 'rejected';
ALTER TYPE "AlertType" ADD VALUE 'config_drift';

-- CreateEnum
CREATE TYPE "UpdateJobKind" AS ENUM ('firmware', 'configuration');

-- AlterTable
ALTER TABLE "update_jobs" ADD COLUMN "kind" "UpdateJobKind" NOT NULL DEFAULT 'firmware',
ADD COLUMN "config_change" JSONB,
ALTER COLUMN "firmware_id" DROP NOT NULL;

-- AlterTable
ALTER TABLE "update_logs" ADD COLUMN "config_version" INTEGER,
ADD COLUMN "previous_config_version" INTEGER,
ADD COLUMN "rollback_config_version" INTEGER;

-- AlterTable
ALTER TABLE "device_configs" ADD COLUMN "overrides" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN "hash" VARCHAR(64) NOT NULL DEFAULT '',
ADD COLUMN "change_summary" TEXT,
ADD COLUMN "reason" TEXT,
ADD COLUMN "source" VARCHAR(20) NOT NULL DEFAULT 'edit',
ADD COLUMN "rollback_of" INTEGER,
ADD COLUMN "job_id" INTEGER,
ADD COLUMN "status_reason" TEXT,
ADD COLUMN "sent_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "device_states" (
    "device_id" INTEGER NOT NULL,
    "overrides" JSONB NOT NULL DEFAULT '{}',
    "desired_version" INTEGER NOT NULL DEFAULT 0,
    "desired_hash" VARCHAR(64),
    "desired_at" TIMESTAMPTZ(3),
    "sent_version" INTEGER,
    "sent_at" TIMESTAMPTZ(3),
    "send_attempts" INTEGER NOT NULL DEFAULT 0,
    "reported_version" INTEGER,
    "reported_hash" VARCHAR(64),
    "reported_at" TIMESTAMPTZ(3),
    "status" "ConfigApplyStatus" NOT NULL DEFAULT 'pending',
    "status_reason" TEXT,
    "drift_since" TIMESTAMPTZ(3),
    "drifted" BOOLEAN NOT NULL DEFAULT false,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "device_states_pkey" PRIMARY KEY ("device_id")
);

-- CreateTable
CREATE TABLE "config_layers" (
    "id" SERIAL NOT NULL,
    "scope" VARCHAR(10) NOT NULL,
    "scope_key" VARCHAR(80) NOT NULL,
    "farm_id" INTEGER,
    "group_id" INTEGER,
    "device_type" "DeviceType" NOT NULL,
    "values" JSONB NOT NULL DEFAULT '{}',
    "health" JSONB NOT NULL DEFAULT '{}',
    "version" INTEGER NOT NULL DEFAULT 1,
    "reason" TEXT,
    "updated_by_id" INTEGER,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "config_layers_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "device_configs_job_id_idx" ON "device_configs"("job_id");
CREATE INDEX "device_states_status_idx" ON "device_states"("status");
CREATE INDEX "device_states_drifted_idx" ON "device_states"("drifted");
CREATE UNIQUE INDEX "config_layers_scope_key_key" ON "config_layers"("scope_key");
CREATE INDEX "config_layers_farm_id_idx" ON "config_layers"("farm_id");
CREATE INDEX "config_layers_group_id_idx" ON "config_layers"("group_id");

-- AddForeignKey
ALTER TABLE "device_configs" ADD CONSTRAINT "device_configs_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "update_jobs"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "device_configs" ADD CONSTRAINT "device_configs_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "device_states" ADD CONSTRAINT "device_states_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "config_layers" ADD CONSTRAINT "config_layers_farm_id_fkey" FOREIGN KEY ("farm_id") REFERENCES "farms"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "config_layers" ADD CONSTRAINT "config_layers_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "device_groups"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "config_layers" ADD CONSTRAINT "config_layers_updated_by_id_fkey" FOREIGN KEY ("updated_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
