-- What the OTA engine needs to remember between ticks (and across a worker restart): why a job
-- stopped, when its rollback began, who approved a phase, and which devices were told to go back.
ALTER TABLE "update_jobs" ADD COLUMN "state_reason" TEXT,
ADD COLUMN "rollback_started_at" TIMESTAMPTZ(3);

ALTER TABLE "update_phases" ADD COLUMN "approved_at" TIMESTAMPTZ(3),
ADD COLUMN "approved_by_id" INTEGER;

ALTER TABLE "update_logs" ADD COLUMN "rollback_sent_at" TIMESTAMPTZ(3);
