-- Issue 20: 5-minute and hourly rollups of telemetry_samples per device (lib/telemetry/rollups.ts),
-- and the watermark of the job that keeps them (lib/jobs/telemetry-rollup.ts).

CREATE TABLE "telemetry_rollup_5m" (
    "device_id" INTEGER NOT NULL,
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "samples" INTEGER NOT NULL,
    "first_ts" TIMESTAMPTZ(3) NOT NULL,
    "last_ts" TIMESTAMPTZ(3) NOT NULL,
    "battery_min" DOUBLE PRECISION,
    "battery_max" DOUBLE PRECISION,
    "battery_sum" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "battery_count" INTEGER NOT NULL DEFAULT 0,
    "battery_last" DOUBLE PRECISION,
    "signal_min" DOUBLE PRECISION,
    "signal_max" DOUBLE PRECISION,
    "signal_sum" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "signal_count" INTEGER NOT NULL DEFAULT 0,
    "signal_last" DOUBLE PRECISION,
    "errors_min" DOUBLE PRECISION,
    "errors_max" DOUBLE PRECISION,
    "errors_sum" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "errors_count" INTEGER NOT NULL DEFAULT 0,
    "errors_last" DOUBLE PRECISION,
    "score_min" DOUBLE PRECISION,
    "score_max" DOUBLE PRECISION,
    "score_sum" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "score_count" INTEGER NOT NULL DEFAULT 0,
    "score_last" DOUBLE PRECISION,
    "cpu_min" DOUBLE PRECISION,
    "cpu_max" DOUBLE PRECISION,
    "cpu_sum" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "cpu_count" INTEGER NOT NULL DEFAULT 0,
    "cpu_last" DOUBLE PRECISION,
    "memory_min" DOUBLE PRECISION,
    "memory_max" DOUBLE PRECISION,
    "memory_sum" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "memory_count" INTEGER NOT NULL DEFAULT 0,
    "memory_last" DOUBLE PRECISION,
    CONSTRAINT "telemetry_rollup_5m_pkey" PRIMARY KEY ("device_id","bucket")
);
CREATE INDEX "telemetry_rollup_5m_bucket_idx" ON "telemetry_rollup_5m"("bucket");
ALTER TABLE "telemetry_rollup_5m" ADD CONSTRAINT "telemetry_rollup_5m_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "telemetry_rollup_1h" (
    "device_id" INTEGER NOT NULL,
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "samples" INTEGER NOT NULL,
    "first_ts" TIMESTAMPTZ(3) NOT NULL,
    "last_ts" TIMESTAMPTZ(3) NOT NULL,
    "battery_min" DOUBLE PRECISION,
    "battery_max" DOUBLE PRECISION,
    "battery_sum" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "battery_count" INTEGER NOT NULL DEFAULT 0,
    "battery_last" DOUBLE PRECISION,
    "signal_min" DOUBLE PRECISION,
    "signal_max" DOUBLE PRECISION,
    "signal_sum" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "signal_count" INTEGER NOT NULL DEFAULT 0,
    "signal_last" DOUBLE PRECISION,
    "errors_min" DOUBLE PRECISION,
    "errors_max" DOUBLE PRECISION,
    "errors_sum" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "errors_count" INTEGER NOT NULL DEFAULT 0,
    "errors_last" DOUBLE PRECISION,
    "score_min" DOUBLE PRECISION,
    "score_max" DOUBLE PRECISION,
    "score_sum" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "score_count" INTEGER NOT NULL DEFAULT 0,
    "score_last" DOUBLE PRECISION,
    "cpu_min" DOUBLE PRECISION,
    "cpu_max" DOUBLE PRECISION,
    "cpu_sum" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "cpu_count" INTEGER NOT NULL DEFAULT 0,
    "cpu_last" DOUBLE PRECISION,
    "memory_min" DOUBLE PRECISION,
    "memory_max" DOUBLE PRECISION,
    "memory_sum" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "memory_count" INTEGER NOT NULL DEFAULT 0,
    "memory_last" DOUBLE PRECISION,
    CONSTRAINT "telemetry_rollup_1h_pkey" PRIMARY KEY ("device_id","bucket")
);
CREATE INDEX "telemetry_rollup_1h_bucket_idx" ON "telemetry_rollup_1h"("bucket");
ALTER TABLE "telemetry_rollup_1h" ADD CONSTRAINT "telemetry_rollup_1h_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "telemetry_rollup_watermarks" (
    "name" VARCHAR(40) NOT NULL,
    "watermark" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "telemetry_rollup_watermarks_pkey" PRIMARY KEY ("name")
);

-- Samples stored before this release are rolled up too: the job starts from the oldest one and
-- catches up in bounded chunks (with no samples, it starts from now).
INSERT INTO "telemetry_rollup_watermarks" ("name", "watermark")
SELECT 'samples', COALESCE((SELECT min("received_at") FROM "telemetry_samples"), CURRENT_TIMESTAMP);
