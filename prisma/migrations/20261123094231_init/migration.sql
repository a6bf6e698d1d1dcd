-- CreateEnum
CREATE TYPE "Role" AS ENUM ('admin', 'manager', 'technician', 'viewer');

-- CreateEnum
CREATE TYPE "DeviceType" AS ENUM ('milk_meter', 'temperature', 'environmental', 'collar', 'feeder', 'gate', 'waterer', 'rfid_reader', 'gateway');

-- CreateEnum
CREATE TYPE "DeviceState" AS ENUM ('manufactured', 'provisioned', 'registered', 'active', 'suspended', 'maintenance', 'decommissioned');

-- CreateEnum
CREATE TYPE "ConnectionStatus" AS ENUM ('unknown', 'online', 'degraded', 'offline', 'connecting', 'error');

-- CreateEnum
CREATE TYPE "FirmwareUpdateStatus" AS ENUM ('none', 'scheduled', 'downloading', 'installing', 'completed', 'failed', 'rolled_back');

-- CreateEnum
CREATE TYPE "HealthStatus" AS ENUM ('healthy', 'warning', 'critical', 'unknown');

-- CreateEnum
CREATE TYPE "PowerSource" AS ENUM ('battery', 'mains', 'solar', 'poe');

-- CreateEnum
CREATE TYPE "SignalQuality" AS ENUM ('excellent', 'good', 'fair', 'poor', 'none');

-- CreateEnum
CREATE TYPE "ConnectionType" AS ENUM ('wifi', 'ethernet', 'lora', 'cellular', 'bluetooth');

-- CreateEnum
CREATE TYPE "ProvisioningMethod" AS ENUM ('manual', 'qr_code', 'nfc', 'csv_import', 'api');

-- CreateEnum
CREATE TYPE "CalibrationStatus" AS ENUM ('not_required', 'ok', 'due', 'overdue');

-- CreateEnum
CREATE TYPE "FirmwareState" AS ENUM ('draft', 'testing', 'stable', 'deprecated');

-- CreateEnum
CREATE TYPE "UpdateJobState" AS ENUM ('draft', 'scheduled', 'in_progress', 'paused', 'completed', 'cancelled', 'failed');

-- CreateEnum
CREATE TYPE "RolloutStrategy" AS ENUM ('all_at_once', 'canary', 'phased', 'emergency');

-- CreateEnum
CREATE TYPE "UpdatePhaseState" AS ENUM ('pending', 'in_progress', 'awaiting_approval', 'succeeded', 'failed', 'cancelled');

-- CreateEnum
CREATE TYPE "UpdateLogState" AS ENUM ('pending', 'downloading', 'installing', 'verifying', 'completed', 'failed', 'rolled_back');

-- CreateEnum
CREATE TYPE "AlertType" AS ENUM ('offline', 'low_battery', 'poor_signal', 'high_errors', 'elevated_errors', 'calibration_overdue', 'firmware_failed', 'group_offline', 'custom');

-- CreateEnum
CREATE TYPE "AlertSeverity" AS ENUM ('low', 'warning', 'critical');

-- CreateEnum
CREATE TYPE "AlertState" AS ENUM ('active', 'acknowledged', 'resolved');

-- CreateEnum
CREATE TYPE "ImportMode" AS ENUM ('create', 'update', 'create_update');

-- CreateEnum
CREATE TYPE "ImportBatchState" AS ENUM ('previewed', 'importing', 'done', 'failed');

-- CreateEnum
CREATE TYPE "CommandStatus" AS ENUM ('queued', 'sent', 'executing', 'completed', 'failed', 'timeout');

-- CreateEnum
CREATE TYPE "ConfigApplyStatus" AS ENUM ('pending', 'in_progress', 'applied', 'failed', 'rolled_back');

-- CreateEnum
CREATE TYPE "MaintenanceStatus" AS ENUM ('scheduled', 'due', 'overdue', 'completed');

-- CreateEnum
CREATE TYPE "MaintenanceType" AS ENUM ('preventive', 'corrective', 'calibration', 'inspection', 'battery_replacement', 'firmware');

-- CreateEnum
CREATE TYPE "DiagnosticState" AS ENUM ('pending', 'running', 'completed', 'failed');

-- CreateEnum
CREATE TYPE "WarrantyStatus" AS ENUM ('active', 'expiring', 'expired');

-- CreateTable
CREATE TABLE "farms" (
    "id" SERIAL NOT NULL,
    "code" VARCHAR(20) NOT NULL,
    "name" VARCHAR(120) NOT NULL,
    "timezone" VARCHAR(64) NOT NULL DEFAULT 'UTC',
    "latitude" DOUBLE PRECISION,
    "longitude" DOUBLE PRECISION,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "farms_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "users" (
    "id" SERIAL NOT NULL,
    "email" VARCHAR(254) NOT NULL,
    "name" VARCHAR(120) NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'viewer',
    "farm_id" INTEGER,
    "password_hash" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "last_login_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "login_attempts" (
    "id" BIGSERIAL NOT NULL,
    "email" VARCHAR(254) NOT NULL,
    "ip" VARCHAR(64) NOT NULL,
    "success" BOOLEAN NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "login_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" SERIAL NOT NULL,
    "name" VARCHAR(120) NOT NULL,
    "prefix" VARCHAR(16) NOT NULL,
    "key_hash" VARCHAR(64) NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'viewer',
    "farm_id" INTEGER,
    "created_by_id" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "devices" (
    "id" SERIAL NOT NULL,
    "device_id" VARCHAR(50) NOT NULL,
    "name" VARCHAR(120) NOT NULL,
    "device_type" "DeviceType" NOT NULL,
    "state" "DeviceState" NOT NULL DEFAULT 'registered',
    "farm_id" INTEGER NOT NULL,
    "manufacturer" VARCHAR(120),
    "model" VARCHAR(120),
    "serial_number" VARCHAR(50),
    "mac_address" VARCHAR(17),
    "hardware_version" VARCHAR(20),
    "location_description" VARCHAR(200),
    "latitude" DOUBLE PRECISION,
    "longitude" DOUBLE PRECISION,
    "location_updated_at" TIMESTAMPTZ(3),
    "firmware_version" VARCHAR(50),
    "firmware_id" INTEGER,
    "target_firmware_id" INTEGER,
    "firmware_update_status" "FirmwareUpdateStatus" NOT NULL DEFAULT 'none',
    "firmware_update_scheduled" TIMESTAMPTZ(3),
    "firmware_update_completed" TIMESTAMPTZ(3),
    "firmware_update_error" TEXT,
    "group_id" INTEGER,
    "health_status" "HealthStatus" NOT NULL DEFAULT 'unknown',
    "health_score" DOUBLE PRECISION NOT NULL DEFAULT 100,
    "last_health_check" TIMESTAMPTZ(3),
    "health_check_interval" INTEGER NOT NULL DEFAULT 60,
    "needs_attention" BOOLEAN NOT NULL DEFAULT false,
    "calibration_status" "CalibrationStatus" NOT NULL DEFAULT 'ok',
    "last_calibration" TIMESTAMPTZ(3),
    "battery_level" DOUBLE PRECISION,
    "battery_voltage" DOUBLE PRECISION,
    "power_source" "PowerSource" NOT NULL DEFAULT 'battery',
    "low_battery_threshold" DOUBLE PRECISION NOT NULL DEFAULT 20,
    "signal_strength" INTEGER,
    "signal_quality" "SignalQuality" NOT NULL DEFAULT 'none',
    "connection_type" "ConnectionType",
    "connection_status" "ConnectionStatus" NOT NULL DEFAULT 'unknown',
    "ssid" VARCHAR(64),
    "last_seen" TIMESTAMPTZ(3),
    "error_count" INTEGER NOT NULL DEFAULT 0,
    "provisioning_date" TIMESTAMPTZ(3),
    "provisioned_by_id" INTEGER,
    "provisioning_method" "ProvisioningMethod",
    "provisioning_token_hash" VARCHAR(64),
    "provisioning_token_expiry" TIMESTAMPTZ(3),
    "last_diagnostic" TIMESTAMPTZ(3),
    "diagnostic_report" JSONB,
    "uptime_seconds" INTEGER,
    "total_uptime_seconds" BIGINT NOT NULL DEFAULT 0,
    "restart_count" INTEGER NOT NULL DEFAULT 0,
    "last_restart" TIMESTAMPTZ(3),
    "data_transmitted_bytes" BIGINT NOT NULL DEFAULT 0,
    "cpu_percent" DOUBLE PRECISION,
    "memory_percent" DOUBLE PRECISION,
    "storage_percent" DOUBLE PRECISION,
    "maintenance_mode" BOOLEAN NOT NULL DEFAULT false,
    "maintenance_notes" TEXT,
    "next_maintenance_date" DATE,
    "purchase_date" DATE,
    "warranty_end" DATE,
    "warranty_status" "WarrantyStatus",
    "unit_cost" DECIMAL(10,2),
    "retired_at" TIMESTAMPTZ(3),
    "retirement_reason" TEXT,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "devices_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "device_credentials" (
    "id" SERIAL NOT NULL,
    "device_id" INTEGER NOT NULL,
    "username" VARCHAR(80) NOT NULL,
    "password_hash" VARCHAR(200) NOT NULL,
    "client_id" VARCHAR(80) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "device_credentials_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "device_groups" (
    "id" SERIAL NOT NULL,
    "name" VARCHAR(120) NOT NULL,
    "code" VARCHAR(50) NOT NULL,
    "sequence" INTEGER NOT NULL DEFAULT 10,
    "description" TEXT,
    "farm_id" INTEGER,
    "device_type_filter" "DeviceType",
    "parent_id" INTEGER,
    "color" INTEGER NOT NULL DEFAULT 0,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "health_check_interval" INTEGER NOT NULL DEFAULT 60,
    "offline_alert_threshold" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "device_groups_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "device_tags" (
    "id" SERIAL NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "color" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "device_tags_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "device_tag_links" (
    "device_id" INTEGER NOT NULL,
    "tag_id" INTEGER NOT NULL,

    CONSTRAINT "device_tag_links_pkey" PRIMARY KEY ("device_id","tag_id")
);

-- CreateTable
CREATE TABLE "firmware_versions" (
    "id" SERIAL NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "version" VARCHAR(50) NOT NULL,
    "device_type" "DeviceType" NOT NULL,
    "manufacturer" VARCHAR(120),
    "compatible_models" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "file_name" VARCHAR(255),
    "storage_key" VARCHAR(255),
    "size_bytes" BIGINT NOT NULL DEFAULT 0,
    "sha256" VARCHAR(64),
    "signature" TEXT,
    "release_date" DATE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "release_notes" TEXT,
    "changelog" TEXT,
    "state" "FirmwareState" NOT NULL DEFAULT 'draft',
    "is_mandatory" BOOLEAN NOT NULL DEFAULT false,
    "min_previous_version" VARCHAR(50),
    "successful_updates" INTEGER NOT NULL DEFAULT 0,
    "failed_updates" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "firmware_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "update_jobs" (
    "id" SERIAL NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "firmware_id" INTEGER NOT NULL,
    "state" "UpdateJobState" NOT NULL DEFAULT 'draft',
    "strategy" "RolloutStrategy" NOT NULL DEFAULT 'all_at_once',
    "target_spec" JSONB NOT NULL DEFAULT '{}',
    "strategy_config" JSONB NOT NULL DEFAULT '{}',
    "scheduled_at" TIMESTAMPTZ(3) NOT NULL,
    "started_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),
    "maintenance_window" JSONB,
    "force_update" BOOLEAN NOT NULL DEFAULT false,
    "rollback_on_failure" BOOLEAN NOT NULL DEFAULT true,
    "notify_on_complete" BOOLEAN NOT NULL DEFAULT true,
    "device_count" INTEGER NOT NULL DEFAULT 0,
    "success_count" INTEGER NOT NULL DEFAULT 0,
    "failed_count" INTEGER NOT NULL DEFAULT 0,
    "created_by_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "update_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "update_phases" (
    "id" SERIAL NOT NULL,
    "job_id" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "target_percentage" DOUBLE PRECISION NOT NULL,
    "state" "UpdatePhaseState" NOT NULL DEFAULT 'pending',
    "success_threshold" DOUBLE PRECISION NOT NULL DEFAULT 80,
    "error_threshold" DOUBLE PRECISION NOT NULL DEFAULT 20,
    "min_devices" INTEGER NOT NULL DEFAULT 10,
    "requires_approval" BOOLEAN NOT NULL DEFAULT false,
    "soak_minutes" INTEGER NOT NULL DEFAULT 0,
    "started_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "update_phases_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "update_logs" (
    "id" SERIAL NOT NULL,
    "job_id" INTEGER,
    "phase_id" INTEGER,
    "device_id" INTEGER NOT NULL,
    "previous_version" VARCHAR(50),
    "target_version" VARCHAR(50),
    "state" "UpdateLogState" NOT NULL DEFAULT 'pending',
    "progress" INTEGER NOT NULL DEFAULT 0,
    "timestamp" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "duration_seconds" INTEGER,
    "error_message" TEXT,
    "log_details" JSONB NOT NULL DEFAULT '[]',

    CONSTRAINT "update_logs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alerts" (
    "id" SERIAL NOT NULL,
    "device_id" INTEGER,
    "group_id" INTEGER,
    "alert_type" "AlertType" NOT NULL,
    "severity" "AlertSeverity" NOT NULL,
    "state" "AlertState" NOT NULL DEFAULT 'active',
    "message" TEXT,
    "occurrence_count" INTEGER NOT NULL DEFAULT 1,
    "first_occurrence" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_occurrence" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acknowledged_by_id" INTEGER,
    "acknowledged_at" TIMESTAMPTZ(3),
    "acknowledge_notes" TEXT,
    "resolved_by_id" INTEGER,
    "resolved_at" TIMESTAMPTZ(3),
    "resolution_notes" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alerts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "maintenances" (
    "id" SERIAL NOT NULL,
    "device_id" INTEGER NOT NULL,
    "maintenance_type" "MaintenanceType" NOT NULL,
    "status" "MaintenanceStatus" NOT NULL DEFAULT 'scheduled',
    "scheduled_date" DATE,
    "performed_at" TIMESTAMPTZ(3),
    "performed_by_id" INTEGER,
    "description" TEXT,
    "notes" TEXT,
    "cost" DECIMAL(10,2),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "maintenances_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "diagnostics" (
    "id" SERIAL NOT NULL,
    "device_id" INTEGER NOT NULL,
    "state" "DiagnosticState" NOT NULL DEFAULT 'pending',
    "requested_by_id" INTEGER,
    "command_id" VARCHAR(64),
    "report" JSONB,
    "passed" BOOLEAN,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "diagnostics_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "commands" (
    "id" SERIAL NOT NULL,
    "command_id" VARCHAR(64) NOT NULL,
    "device_id" INTEGER NOT NULL,
    "command_type" VARCHAR(64) NOT NULL,
    "parameters" JSONB NOT NULL DEFAULT '{}',
    "status" "CommandStatus" NOT NULL DEFAULT 'queued',
    "result" JSONB,
    "error_message" TEXT,
    "timeout_seconds" INTEGER NOT NULL DEFAULT 60,
    "requested_by_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "commands_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "device_configs" (
    "id" SERIAL NOT NULL,
    "device_id" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "desired" JSONB NOT NULL DEFAULT '{}',
    "reported" JSONB,
    "status" "ConfigApplyStatus" NOT NULL DEFAULT 'pending',
    "created_by_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "applied_at" TIMESTAMPTZ(3),

    CONSTRAINT "device_configs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "telemetry_samples" (
    "id" BIGSERIAL NOT NULL,
    "device_id" INTEGER NOT NULL,
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "battery_level" DOUBLE PRECISION,
    "battery_voltage" DOUBLE PRECISION,
    "signal_strength" INTEGER,
    "error_count" INTEGER,
    "health_score" DOUBLE PRECISION,
    "cpu_percent" DOUBLE PRECISION,
    "memory_percent" DOUBLE PRECISION,
    "readings" JSONB,

    CONSTRAINT "telemetry_samples_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" BIGSERIAL NOT NULL,
    "entity_type" VARCHAR(40) NOT NULL,
    "entity_id" VARCHAR(64) NOT NULL,
    "action" VARCHAR(60) NOT NULL,
    "actor_id" INTEGER,
    "actor_label" VARCHAR(254) NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "import_batches" (
    "id" SERIAL NOT NULL,
    "file_name" VARCHAR(255) NOT NULL,
    "mode" "ImportMode" NOT NULL,
    "skip_errors" BOOLEAN NOT NULL DEFAULT false,
    "default_farm_id" INTEGER,
    "state" "ImportBatchState" NOT NULL DEFAULT 'previewed',
    "total_rows" INTEGER NOT NULL DEFAULT 0,
    "created_count" INTEGER NOT NULL DEFAULT 0,
    "updated_count" INTEGER NOT NULL DEFAULT 0,
    "skipped_count" INTEGER NOT NULL DEFAULT 0,
    "error_count" INTEGER NOT NULL DEFAULT 0,
    "error_report" JSONB NOT NULL DEFAULT '[]',
    "created_by_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "import_batches_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "farms_code_key" ON "farms"("code");

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE INDEX "login_attempts_email_created_at_idx" ON "login_attempts"("email", "created_at");

-- CreateIndex
CREATE INDEX "login_attempts_ip_created_at_idx" ON "login_attempts"("ip", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys"("key_hash");

-- CreateIndex
CREATE UNIQUE INDEX "devices_device_id_key" ON "devices"("device_id");

-- CreateIndex
CREATE INDEX "devices_farm_id_device_type_idx" ON "devices"("farm_id", "device_type");

-- CreateIndex
CREATE INDEX "devices_state_idx" ON "devices"("state");

-- CreateIndex
CREATE INDEX "devices_health_status_idx" ON "devices"("health_status");

-- CreateIndex
CREATE INDEX "devices_connection_status_idx" ON "devices"("connection_status");

-- CreateIndex
CREATE INDEX "devices_group_id_idx" ON "devices"("group_id");

-- CreateIndex
CREATE INDEX "devices_firmware_id_idx" ON "devices"("firmware_id");

-- CreateIndex
CREATE INDEX "devices_needs_attention_idx" ON "devices"("needs_attention");

-- CreateIndex
CREATE INDEX "devices_maintenance_mode_idx" ON "devices"("maintenance_mode");

-- CreateIndex
CREATE INDEX "devices_last_seen_idx" ON "devices"("last_seen");

-- CreateIndex
CREATE INDEX "devices_serial_number_idx" ON "devices"("serial_number");

-- CreateIndex
CREATE INDEX "devices_mac_address_idx" ON "devices"("mac_address");

-- CreateIndex
CREATE UNIQUE INDEX "device_credentials_username_key" ON "device_credentials"("username");

-- CreateIndex
CREATE INDEX "device_credentials_device_id_idx" ON "device_credentials"("device_id");

-- CreateIndex
CREATE UNIQUE INDEX "device_groups_code_key" ON "device_groups"("code");

-- CreateIndex
CREATE INDEX "device_groups_parent_id_idx" ON "device_groups"("parent_id");

-- CreateIndex
CREATE INDEX "device_groups_farm_id_idx" ON "device_groups"("farm_id");

-- CreateIndex
CREATE UNIQUE INDEX "device_tags_name_key" ON "device_tags"("name");

-- CreateIndex
CREATE INDEX "device_tag_links_tag_id_idx" ON "device_tag_links"("tag_id");

-- CreateIndex
CREATE UNIQUE INDEX "firmware_versions_version_device_type_key" ON "firmware_versions"("version", "device_type");

-- CreateIndex
CREATE INDEX "update_jobs_state_scheduled_at_idx" ON "update_jobs"("state", "scheduled_at");

-- CreateIndex
CREATE UNIQUE INDEX "update_phases_job_id_position_key" ON "update_phases"("job_id", "position");

-- CreateIndex
CREATE INDEX "update_logs_device_id_timestamp_idx" ON "update_logs"("device_id", "timestamp" DESC);

-- CreateIndex
CREATE INDEX "update_logs_job_id_state_idx" ON "update_logs"("job_id", "state");

-- CreateIndex
CREATE UNIQUE INDEX "update_logs_job_id_device_id_key" ON "update_logs"("job_id", "device_id");

-- CreateIndex
CREATE INDEX "alerts_device_id_alert_type_state_idx" ON "alerts"("device_id", "alert_type", "state");

-- CreateIndex
CREATE INDEX "alerts_state_severity_idx" ON "alerts"("state", "severity");

-- CreateIndex
CREATE INDEX "alerts_group_id_state_idx" ON "alerts"("group_id", "state");

-- CreateIndex
CREATE INDEX "alerts_created_at_idx" ON "alerts"("created_at" DESC);

-- CreateIndex
CREATE INDEX "maintenances_device_id_scheduled_date_idx" ON "maintenances"("device_id", "scheduled_date");

-- CreateIndex
CREATE INDEX "maintenances_status_scheduled_date_idx" ON "maintenances"("status", "scheduled_date");

-- CreateIndex
CREATE INDEX "diagnostics_device_id_started_at_idx" ON "diagnostics"("device_id", "started_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "commands_command_id_key" ON "commands"("command_id");

-- CreateIndex
CREATE INDEX "commands_device_id_created_at_idx" ON "commands"("device_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "commands_status_created_at_idx" ON "commands"("status", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "device_configs_device_id_version_key" ON "device_configs"("device_id", "version");

-- CreateIndex
CREATE INDEX "telemetry_samples_device_id_ts_idx" ON "telemetry_samples"("device_id", "ts" DESC);

-- CreateIndex
CREATE INDEX "telemetry_samples_received_at_idx" ON "telemetry_samples"("received_at");

-- CreateIndex
CREATE INDEX "audit_events_entity_type_entity_id_created_at_idx" ON "audit_events"("entity_type", "entity_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "audit_events_created_at_idx" ON "audit_events"("created_at" DESC);

-- CreateIndex
CREATE INDEX "import_batches_created_at_idx" ON "import_batches"("created_at" DESC);

-- AddForeignKey
ALTER TABLE "users" ADD CONSTRAINT "users_farm_id_fkey" FOREIGN KEY ("farm_id") REFERENCES "farms"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "devices" ADD CONSTRAINT "devices_farm_id_fkey" FOREIGN KEY ("farm_id") REFERENCES "farms"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "devices" ADD CONSTRAINT "devices_firmware_id_fkey" FOREIGN KEY ("firmware_id") REFERENCES "firmware_versions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "devices" ADD CONSTRAINT "devices_target_firmware_id_fkey" FOREIGN KEY ("target_firmware_id") REFERENCES "firmware_versions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "devices" ADD CONSTRAINT "devices_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "device_groups"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "device_credentials" ADD CONSTRAINT "device_credentials_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "device_groups" ADD CONSTRAINT "device_groups_farm_id_fkey" FOREIGN KEY ("farm_id") REFERENCES "farms"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "device_groups" ADD CONSTRAINT "device_groups_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "device_groups"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "device_tag_links" ADD CONSTRAINT "device_tag_links_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "device_tag_links" ADD CONSTRAINT "device_tag_links_tag_id_fkey" FOREIGN KEY ("tag_id") REFERENCES "device_tags"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "update_jobs" ADD CONSTRAINT "update_jobs_firmware_id_fkey" FOREIGN KEY ("firmware_id") REFERENCES "firmware_versions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "update_phases" ADD CONSTRAINT "update_phases_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "update_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "update_logs" ADD CONSTRAINT "update_logs_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "update_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "update_logs" ADD CONSTRAINT "update_logs_phase_id_fkey" FOREIGN KEY ("phase_id") REFERENCES "update_phases"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "update_logs" ADD CONSTRAINT "update_logs_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "maintenances" ADD CONSTRAINT "maintenances_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "diagnostics" ADD CONSTRAINT "diagnostics_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "commands" ADD CONSTRAINT "commands_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "device_configs" ADD CONSTRAINT "device_configs_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "telemetry_samples" ADD CONSTRAINT "telemetry_samples_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE CASCADE ON UPDATE CASCADE;
