-- The I-013 monitoring profile's checks (lib/alerts/alert-rules.ts): CPU and memory above their
-- limits, and telemetry older than the warning age. Raised only for devices whose health
-- thresholds name those limits (a farm or group layer), never under the M92 defaults.
ALTER TYPE "AlertType" ADD VALUE IF NOT EXISTS 'high_cpu';
ALTER TYPE "AlertType" ADD VALUE IF NOT EXISTS 'high_memory';
ALTER TYPE "AlertType" ADD VALUE IF NOT EXISTS 'telemetry_late';
