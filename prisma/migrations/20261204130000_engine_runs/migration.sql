-- When each timed sweep of the worker last ran, across every worker process: a sweep that counts
-- (the configuration drift sweep adds an alert occurrence per run) must run once per period
-- however many workers tick (lib/worker/engine-tick.ts claimRun).
CREATE TABLE IF NOT EXISTS "engine_runs" (
    "name" VARCHAR(60) NOT NULL,
    "ran_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "engine_runs_pkey" PRIMARY KEY ("name")
);
