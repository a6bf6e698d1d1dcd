-- Asset management (issue 17): maintenance plans and their occurrences with status, assignee, parts,
-- cost and attachments, calibration records, warranty dates, void mark, claims and extensions, asset
-- fields and storage location of devices in stock, farm transfers, farm unit prices and the monthly
-- usage counters the cost reports read. The warranty status is computed from dates from now on, so
-- its stored column goes.
-- CreateEnum
CREATE TYPE "MaintenanceScope" AS ENUM ('device', 'group', 'device_type');

-- CreateEnum
CREATE TYPE "RecurrenceUnit" AS ENUM ('days', 'weeks', 'months');

-- CreateEnum
CREATE TYPE "CalibrationMethod" AS ENUM ('manual', 'command');

-- CreateEnum
CREATE TYPE "WarrantyClaimStatus" AS ENUM ('open', 'submitted', 'approved', 'rejected', 'closed');

-- AlterEnum
ALTER TYPE "AlertType" ADD VALUE 'maintenance_overdue';

-- AlterEnum: due was a view of the date (now computed), completed is now done.
CREATE TYPE "MaintenanceStatus_new" AS ENUM ('scheduled', 'in_progress', 'done', 'cancelled', 'overdue');
ALTER TABLE "maintenances" ALTER COLUMN "status" DROP DEFAULT;
ALTER TABLE "maintenances" ALTER COLUMN "status" TYPE "MaintenanceStatus_new" USING (
  CASE "status"::text WHEN 'completed' THEN 'done' WHEN 'due' THEN 'scheduled' ELSE "status"::text END
)::"MaintenanceStatus_new";
ALTER TYPE "MaintenanceStatus" RENAME TO "MaintenanceStatus_old";
ALTER TYPE "MaintenanceStatus_new" RENAME TO "MaintenanceStatus";
DROP TYPE "MaintenanceStatus_old";
ALTER TABLE "maintenances" ALTER COLUMN "status" SET DEFAULT 'scheduled';

-- AlterEnum
ALTER TYPE "MaintenanceType" ADD VALUE 'cleaning';
ALTER TYPE "MaintenanceType" ADD VALUE 'part_replacement';

-- AlterTable
ALTER TABLE "devices" DROP COLUMN "warranty_status",
ADD COLUMN     "calibration_interval_days" INTEGER,
ADD COLUMN     "depreciation_months" INTEGER,
ADD COLUMN     "next_calibration_due" DATE,
ADD COLUMN     "purchase_order" VARCHAR(60),
ADD COLUMN     "storage_location" VARCHAR(120),
ADD COLUMN     "supplier" VARCHAR(120),
ADD COLUMN     "warranty_start" DATE,
ADD COLUMN     "warranty_terms" VARCHAR(200),
ADD COLUMN     "warranty_void_reason" VARCHAR(200),
ADD COLUMN     "warranty_voided_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "maintenances" ADD COLUMN     "assignee_id" INTEGER,
ADD COLUMN     "cancel_reason" VARCHAR(200),
ADD COLUMN     "cancelled_at" TIMESTAMPTZ(3),
ADD COLUMN     "cancelled_by_id" INTEGER,
ADD COLUMN     "created_by_id" INTEGER,
ADD COLUMN     "duration_minutes" INTEGER,
ADD COLUMN     "farm_id" INTEGER,
ADD COLUMN     "labor_cost" DECIMAL(10,2),
ADD COLUMN     "mode_set_by_work" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "parts" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "plan_id" INTEGER,
ADD COLUMN     "started_at" TIMESTAMPTZ(3),
ADD COLUMN     "started_by_id" INTEGER,
ADD COLUMN     "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "use_maintenance_mode" BOOLEAN NOT NULL DEFAULT true;

-- Earlier rows: the farm is the device's, the date the one it was done on or made.
UPDATE "maintenances" AS m SET "farm_id" = d."farm_id",
       "scheduled_date" = COALESCE(m."scheduled_date", m."performed_at"::date, m."created_at"::date)
  FROM "devices" AS d WHERE d."id" = m."device_id";
ALTER TABLE "maintenances" ALTER COLUMN "farm_id" SET NOT NULL, ALTER COLUMN "scheduled_date" SET NOT NULL;
ALTER TABLE "maintenances" ADD CONSTRAINT "maintenances_costs_check"
  CHECK (COALESCE("cost", 0) >= 0 AND COALESCE("labor_cost", 0) >= 0 AND COALESCE("duration_minutes", 0) >= 0);

-- DropEnum
DROP TYPE "WarrantyStatus";

-- CreateTable
CREATE TABLE "maintenance_plans" (
    "id" SERIAL NOT NULL,
    "farm_id" INTEGER NOT NULL,
    "name" VARCHAR(120) NOT NULL,
    "maintenance_type" "MaintenanceType" NOT NULL,
    "scope" "MaintenanceScope" NOT NULL,
    "device_id" INTEGER,
    "group_id" INTEGER,
    "device_type" "DeviceType",
    "every_count" INTEGER,
    "every_unit" "RecurrenceUnit",
    "starts_on" DATE NOT NULL,
    "ends_on" DATE,
    "next_on" DATE,
    "assignee_id" INTEGER,
    "description" TEXT,
    "duration_minutes" INTEGER,
    "use_maintenance_mode" BOOLEAN NOT NULL DEFAULT true,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_by_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "maintenance_plans_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "maintenance_attachments" (
    "id" SERIAL NOT NULL,
    "maintenance_id" INTEGER NOT NULL,
    "file_name" VARCHAR(255) NOT NULL,
    "content_type" VARCHAR(120) NOT NULL,
    "size_bytes" INTEGER NOT NULL,
    "storage_key" VARCHAR(300) NOT NULL,
    "uploaded_by_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "maintenance_attachments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "calibrations" (
    "id" SERIAL NOT NULL,
    "device_id" INTEGER NOT NULL,
    "farm_id" INTEGER NOT NULL,
    "maintenance_id" INTEGER,
    "method" "CalibrationMethod" NOT NULL DEFAULT 'manual',
    "command_id" VARCHAR(64),
    "reference" VARCHAR(200),
    "reference_value" DOUBLE PRECISION,
    "before_value" DOUBLE PRECISION,
    "after_value" DOUBLE PRECISION,
    "before_offset" DOUBLE PRECISION,
    "after_offset" DOUBLE PRECISION,
    "unit" VARCHAR(20),
    "tolerance" DOUBLE PRECISION,
    "passed" BOOLEAN NOT NULL,
    "notes" TEXT,
    "performed_at" TIMESTAMPTZ(3) NOT NULL,
    "performed_by_id" INTEGER,
    "next_due_on" DATE,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "calibrations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "warranty_claims" (
    "id" SERIAL NOT NULL,
    "claim_number" VARCHAR(20) NOT NULL,
    "device_id" INTEGER NOT NULL,
    "farm_id" INTEGER NOT NULL,
    "maintenance_id" INTEGER,
    "issue_type" VARCHAR(40) NOT NULL,
    "issue_description" TEXT NOT NULL,
    "status" "WarrantyClaimStatus" NOT NULL DEFAULT 'open',
    "rma_number" VARCHAR(60),
    "resolution" VARCHAR(20),
    "resolution_notes" TEXT,
    "cost_covered" DECIMAL(10,2),
    "filed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "filed_by_id" INTEGER,
    "submitted_at" TIMESTAMPTZ(3),
    "closed_at" TIMESTAMPTZ(3),
    "closed_by_id" INTEGER,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "warranty_claims_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "warranty_extensions" (
    "id" SERIAL NOT NULL,
    "device_id" INTEGER NOT NULL,
    "farm_id" INTEGER NOT NULL,
    "previous_end" DATE,
    "new_end" DATE NOT NULL,
    "months" INTEGER NOT NULL,
    "cost" DECIMAL(10,2) NOT NULL,
    "provider" VARCHAR(120),
    "created_by_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "warranty_extensions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "device_transfers" (
    "id" SERIAL NOT NULL,
    "device_id" INTEGER NOT NULL,
    "from_farm_id" INTEGER NOT NULL,
    "to_farm_id" INTEGER NOT NULL,
    "from_group_id" INTEGER,
    "to_group_id" INTEGER,
    "from_location" VARCHAR(200),
    "to_location" VARCHAR(200),
    "reason" VARCHAR(200),
    "transferred_by_id" INTEGER,
    "transferred_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "device_transfers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "farm_cost_rates" (
    "farm_id" INTEGER NOT NULL,
    "currency" VARCHAR(3) NOT NULL DEFAULT 'EUR',
    "data_per_mb" DECIMAL(10,4) NOT NULL,
    "electricity_per_kwh" DECIMAL(10,4) NOT NULL,
    "battery_replacement" DECIMAL(10,2) NOT NULL,
    "labor_per_hour" DECIMAL(10,2) NOT NULL,
    "maintenance_visit" DECIMAL(10,2) NOT NULL,
    "updated_by_id" INTEGER,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "farm_cost_rates_pkey" PRIMARY KEY ("farm_id")
);

-- CreateTable
CREATE TABLE "device_usage_months" (
    "device_id" INTEGER NOT NULL,
    "month" DATE NOT NULL,
    "farm_id" INTEGER NOT NULL,
    "bytes_start" BIGINT NOT NULL,
    "bytes_end" BIGINT NOT NULL,
    "battery_start" DOUBLE PRECISION,
    "battery_end" DOUBLE PRECISION,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "device_usage_months_pkey" PRIMARY KEY ("device_id","month")
);

-- CreateIndex
CREATE INDEX "maintenance_plans_farm_id_active_idx" ON "maintenance_plans"("farm_id", "active");

-- CreateIndex
CREATE INDEX "maintenance_plans_active_next_on_idx" ON "maintenance_plans"("active", "next_on");

-- CreateIndex
CREATE INDEX "maintenance_attachments_maintenance_id_idx" ON "maintenance_attachments"("maintenance_id");

-- CreateIndex
CREATE UNIQUE INDEX "calibrations_command_id_key" ON "calibrations"("command_id");

-- CreateIndex
CREATE INDEX "calibrations_device_id_performed_at_idx" ON "calibrations"("device_id", "performed_at" DESC);

-- CreateIndex
CREATE INDEX "calibrations_farm_id_performed_at_idx" ON "calibrations"("farm_id", "performed_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "warranty_claims_claim_number_key" ON "warranty_claims"("claim_number");

-- CreateIndex
CREATE INDEX "warranty_claims_device_id_filed_at_idx" ON "warranty_claims"("device_id", "filed_at" DESC);

-- CreateIndex
CREATE INDEX "warranty_claims_farm_id_status_idx" ON "warranty_claims"("farm_id", "status");

-- CreateIndex
CREATE INDEX "warranty_extensions_device_id_idx" ON "warranty_extensions"("device_id");

-- CreateIndex
CREATE INDEX "warranty_extensions_farm_id_created_at_idx" ON "warranty_extensions"("farm_id", "created_at");

-- CreateIndex
CREATE INDEX "device_transfers_device_id_transferred_at_idx" ON "device_transfers"("device_id", "transferred_at" DESC);

-- CreateIndex
CREATE INDEX "device_transfers_to_farm_id_transferred_at_idx" ON "device_transfers"("to_farm_id", "transferred_at" DESC);

-- CreateIndex
CREATE INDEX "device_transfers_from_farm_id_transferred_at_idx" ON "device_transfers"("from_farm_id", "transferred_at" DESC);

-- CreateIndex
CREATE INDEX "device_usage_months_farm_id_month_idx" ON "device_usage_months"("farm_id", "month");

-- CreateIndex
CREATE INDEX "devices_next_calibration_due_idx" ON "devices"("next_calibration_due");

-- CreateIndex
CREATE INDEX "devices_warranty_end_idx" ON "devices"("warranty_end");

-- CreateIndex
CREATE INDEX "maintenances_farm_id_scheduled_date_idx" ON "maintenances"("farm_id", "scheduled_date");

-- CreateIndex
CREATE INDEX "maintenances_assignee_id_scheduled_date_idx" ON "maintenances"("assignee_id", "scheduled_date");

-- CreateIndex
CREATE UNIQUE INDEX "maintenances_plan_id_device_id_scheduled_date_key" ON "maintenances"("plan_id", "device_id", "scheduled_date");

-- AddForeignKey
ALTER TABLE "maintenances" ADD CONSTRAINT "maintenances_farm_id_fkey" FOREIGN KEY ("farm_id") REFERENCES "farms"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "maintenances" ADD CONSTRAINT "maintenances_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "maintenance_plans"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "maintenances" ADD CONSTRAINT "maintenances_assignee_id_fkey" FOREIGN KEY ("assignee_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "maintenance_plans" ADD CONSTRAINT "maintenance_plans_farm_id_fkey" FOREIGN KEY ("farm_id") REFERENCES "farms"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "maintenance_plans" ADD CONSTRAINT "maintenance_plans_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "maintenance_plans" ADD CONSTRAINT "maintenance_plans_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "device_groups"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "maintenance_plans" ADD CONSTRAINT "maintenance_plans_assignee_id_fkey" FOREIGN KEY ("assignee_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "maintenance_attachments" ADD CONSTRAINT "maintenance_attachments_maintenance_id_fkey" FOREIGN KEY ("maintenance_id") REFERENCES "maintenances"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "calibrations" ADD CONSTRAINT "calibrations_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "calibrations" ADD CONSTRAINT "calibrations_maintenance_id_fkey" FOREIGN KEY ("maintenance_id") REFERENCES "maintenances"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "warranty_claims" ADD CONSTRAINT "warranty_claims_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "warranty_claims" ADD CONSTRAINT "warranty_claims_maintenance_id_fkey" FOREIGN KEY ("maintenance_id") REFERENCES "maintenances"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "warranty_extensions" ADD CONSTRAINT "warranty_extensions_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "device_transfers" ADD CONSTRAINT "device_transfers_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "farm_cost_rates" ADD CONSTRAINT "farm_cost_rates_farm_id_fkey" FOREIGN KEY ("farm_id") REFERENCES "farms"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "device_usage_months" ADD CONSTRAINT "device_usage_months_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- A plan names exactly what its scope says, and recurs with both an interval and a unit or neither.
ALTER TABLE "maintenance_plans" ADD CONSTRAINT "maintenance_plans_scope_check" CHECK (
  ("scope" = 'device' AND "device_id" IS NOT NULL AND "group_id" IS NULL AND "device_type" IS NULL)
  OR ("scope" = 'group' AND "group_id" IS NOT NULL AND "device_id" IS NULL)
  OR ("scope" = 'device_type' AND "device_type" IS NOT NULL AND "device_id" IS NULL AND "group_id" IS NULL));
ALTER TABLE "maintenance_plans" ADD CONSTRAINT "maintenance_plans_recurrence_check" CHECK (
  ("every_count" IS NULL AND "every_unit" IS NULL) OR ("every_count" >= 1 AND "every_unit" IS NOT NULL));
ALTER TABLE "maintenance_plans" ADD CONSTRAINT "maintenance_plans_dates_check" CHECK ("ends_on" IS NULL OR "ends_on" >= "starts_on");
ALTER TABLE "warranty_claims" ADD CONSTRAINT "warranty_claims_cost_check" CHECK (COALESCE("cost_covered", 0) >= 0);
ALTER TABLE "warranty_extensions" ADD CONSTRAINT "warranty_extensions_check" CHECK ("months" >= 1 AND "cost" >= 0);
ALTER TABLE "farm_cost_rates" ADD CONSTRAINT "farm_cost_rates_check" CHECK ("data_per_mb" >= 0 AND "electricity_per_kwh" >= 0
  AND "battery_replacement" >= 0 AND "labor_per_hour" >= 0 AND "maintenance_visit" >= 0);

-- The lists of open work: what is not done or cancelled, by date (the overdue sweep, My work today).
CREATE INDEX "maintenances_open_scheduled_date_idx" ON "maintenances"("scheduled_date")
  WHERE "status" IN ('scheduled', 'in_progress', 'overdue');
