/** Every job the IoT worker runs. */
import { connectionSweepJob } from "./connection-sweep";
import type { RegisteredJob } from "./define-job";
import { telemetryRetentionJob } from "./telemetry-retention";

export const WORKER_JOBS: ReadonlyArray<RegisteredJob> = [connectionSweepJob, telemetryRetentionJob];
