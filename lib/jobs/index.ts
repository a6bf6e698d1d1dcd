/** Every job the IoT worker runs. */
import type { RegisteredJob } from "./define-job";
import { healthSweepJob } from "./health-sweep";
import { maintenanceSweepJob } from "./maintenance-sweep";
import { telemetryRetentionJob } from "./telemetry-retention";
import { usageSnapshotJob } from "./usage-snapshot";

export const WORKER_JOBS: ReadonlyArray<RegisteredJob> = [healthSweepJob, telemetryRetentionJob, maintenanceSweepJob, usageSnapshotJob];

/** Jobs of earlier releases whose cron schedule must not keep filling a queue nobody works. */
export const RETIRED_SCHEDULES: ReadonlyArray<string> = ["connection-sweep"];
