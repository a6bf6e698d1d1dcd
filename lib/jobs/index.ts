/** Every job the IoT worker runs. */
import { auditRetentionJob } from "./audit-retention";
import type { RegisteredJob } from "./define-job";
import { healthSweepJob } from "./health-sweep";
import { maintenanceSweepJob } from "./maintenance-sweep";
import { notificationRetentionJob } from "./notification-retention";
import { rollupRetentionJob } from "./rollup-retention";
import { telemetryPartitionsJob } from "./telemetry-partitions";
import { telemetryRetentionJob } from "./telemetry-retention";
import { telemetryRollupJob } from "./telemetry-rollup";
import { usageSnapshotJob } from "./usage-snapshot";

export const WORKER_JOBS: ReadonlyArray<RegisteredJob> = [healthSweepJob, telemetryRetentionJob, maintenanceSweepJob, usageSnapshotJob, auditRetentionJob, notificationRetentionJob, telemetryPartitionsJob, telemetryRollupJob, rollupRetentionJob];

/** Jobs of earlier releases whose cron schedule must not keep filling a queue nobody works. */
export const RETIRED_SCHEDULES: ReadonlyArray<string> = ["connection-sweep"];
