-- Remote commands (issue 15): the command lifecycle gains cancelled and expired, an expiry for
-- commands waiting on an offline device, idempotency keys, the farm that sent a command (the
-- command center filters a million rows by it), bulk batches, log bundles and debug mode.
-- CreateEnum
CREATE TYPE "LogBundleState" AS ENUM ('awaiting_upload', 'stored', 'failed');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "CommandStatus" ADD VALUE 'cancelled';
ALTER TYPE "CommandStatus" ADD VALUE 'expired';

-- AlterTable
ALTER TABLE "devices" ADD COLUMN     "debug_level" VARCHAR(16),
ADD COLUMN     "debug_until" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "diagnostics" ADD COLUMN     "suite" VARCHAR(16) NOT NULL DEFAULT 'full';

-- AlterTable
ALTER TABLE "commands" ADD COLUMN     "batch_id" INTEGER,
ADD COLUMN     "executing_at" TIMESTAMPTZ(3),
ADD COLUMN     "expires_at" TIMESTAMPTZ(3) NOT NULL DEFAULT (now() + '24:00:00'::interval),
ADD COLUMN     "farm_id" INTEGER,
ADD COLUMN     "idempotency_key" VARCHAR(300),
ADD COLUMN     "late" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "only_if_online" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "requested_by" VARCHAR(200);

-- CreateTable
CREATE TABLE "command_batches" (
    "id" SERIAL NOT NULL,
    "command_type" VARCHAR(64) NOT NULL,
    "parameters" JSONB NOT NULL DEFAULT '{}',
    "farm_id" INTEGER,
    "selection" JSONB NOT NULL DEFAULT '{}',
    "description" VARCHAR(300) NOT NULL,
    "total" INTEGER NOT NULL DEFAULT 0,
    "skipped" JSONB NOT NULL DEFAULT '{}',
    "requested_by_id" INTEGER,
    "requested_by" VARCHAR(200),
    "idempotency_key" VARCHAR(300),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "cancelled_at" TIMESTAMPTZ(3),

    CONSTRAINT "command_batches_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "device_log_bundles" (
    "id" SERIAL NOT NULL,
    "device_id" INTEGER NOT NULL,
    "command_id" INTEGER NOT NULL,
    "state" "LogBundleState" NOT NULL DEFAULT 'awaiting_upload',
    "log_types" TEXT[],
    "time_range_hours" INTEGER NOT NULL,
    "upload_token_hash" VARCHAR(64),
    "upload_expires_at" TIMESTAMPTZ(3),
    "storage_key" VARCHAR(300),
    "size_bytes" INTEGER,
    "sha256" VARCHAR(64),
    "line_count" INTEGER,
    "refused_uploads" INTEGER NOT NULL DEFAULT 0,
    "last_refusal" VARCHAR(300),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uploaded_at" TIMESTAMPTZ(3),

    CONSTRAINT "device_log_bundles_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "command_batches_idempotency_key_key" ON "command_batches"("idempotency_key");

-- CreateIndex
CREATE INDEX "command_batches_created_at_idx" ON "command_batches"("created_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "device_log_bundles_command_id_key" ON "device_log_bundles"("command_id");

-- CreateIndex
CREATE INDEX "device_log_bundles_device_id_created_at_idx" ON "device_log_bundles"("device_id", "created_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "commands_idempotency_key_key" ON "commands"("idempotency_key");

-- CreateIndex
CREATE INDEX "commands_created_at_id_idx" ON "commands"("created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "commands_farm_id_created_at_idx" ON "commands"("farm_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "commands_command_type_created_at_idx" ON "commands"("command_type", "created_at" DESC);

-- CreateIndex
CREATE INDEX "commands_requested_by_id_created_at_idx" ON "commands"("requested_by_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "commands_batch_id_status_idx" ON "commands"("batch_id", "status");

-- AddForeignKey
ALTER TABLE "commands" ADD CONSTRAINT "commands_batch_id_fkey" FOREIGN KEY ("batch_id") REFERENCES "command_batches"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "device_log_bundles" ADD CONSTRAINT "device_log_bundles_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "device_log_bundles" ADD CONSTRAINT "device_log_bundles_command_id_fkey" FOREIGN KEY ("command_id") REFERENCES "commands"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Commands sent before this release belong to their device's farm.
UPDATE "commands" AS c SET "farm_id" = d."farm_id" FROM "devices" AS d WHERE d."id" = c."device_id" AND c."farm_id" IS NULL;
