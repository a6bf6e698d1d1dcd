/**
 * Scheduling an update job (M92 `schedule_update`, I-013 §4.1 campaigns): the target resolved to
 * devices, compatibility checked (refused devices listed, "force" for the forceable ones), the
 * devices cut into the strategy's phases, and one pending UpdateLog per device — all in one
 * transaction, set-based, so 10,000 devices take one INSERT, not 10,000.
 */
import { createHash } from "node:crypto";
import type { Prisma } from "@prisma/client";
import { can, type Actor } from "../auth/permissions";
import { recordAudit } from "../audit/record";
import type { Db } from "../db";
import { targetDevices } from "../devices/device-bulk";
import { ConflictError, ForbiddenError, InvalidError, NotFoundError, fieldErrorsFromIssues } from "../errors";
import { compatibilityRefusals } from "./compatibility";
import { assignToPhases, planPhases, type PhasePlan, type RolloutConfig } from "./rollout-plan";
import { scheduleUpdateSchema } from "./update-job-schemas";

export type ScheduledJob = { jobId: number; deviceCount: number; phases: { position: number; deviceCount: number }[]; skipped: { deviceId: string; reason: string }[] };

const ACTIVE_JOB_STATES = ["scheduled", "in_progress", "paused"] as const;

const listOf = (items: string[], max = 10) => (items.length > max ? [...items.slice(0, max), `… and ${items.length - max} more`] : items);

/**
 * A stable but well-mixed order: the canary is a spread of the fleet (not the ten oldest milk
 * meters of one barn), and the same job always cuts the same way.
 */
export function rolloutOrder<T extends { deviceId: string }>(devices: T[], seed: string): T[] {
  const key = (device: T) => createHash("sha1").update(`${seed}:${device.deviceId}`).digest("hex");
  return devices.map((device) => ({ device, key: key(device) })).sort((a, b) => (a.key < b.key ? -1 : 1)).map(({ device }) => device);
}

type RolloutTx = Pick<Prisma.TransactionClient, "updatePhase" | "$executeRaw">;

/**
 * The phases of a new job and one pending log per device, cut in `rolloutOrder`: the same step for
 * a firmware update and a configuration campaign (the engine runs both). A configuration campaign
 * has no firmware versions: its logs carry none.
 */
export async function createPhasesAndLogs<T extends { id: number; deviceId: string }>(
  tx: RolloutTx,
  { jobId, rollout, devices, now, targetVersion = null, previousVersion = () => null }: { jobId: number; rollout: RolloutConfig; devices: T[]; now: Date; targetVersion?: string | null; previousVersion?: (device: T) => string | null },
): Promise<PhasePlan[]> {
  const plans = planPhases(rollout, devices.length);
  const slices = assignToPhases(rolloutOrder(devices, String(jobId)), plans);
  const phaseIds: number[] = [];
  for (const plan of plans) {
    const phase = { position: plan.position, targetPercentage: plan.targetPercentage, soakMinutes: plan.soakMinutes, requiresApproval: plan.requiresApproval, successThreshold: plan.successThreshold, errorThreshold: plan.errorThreshold, minDevices: plan.minDevices };
    phaseIds.push((await tx.updatePhase.create({ data: { jobId, ...phase }, select: { id: true } })).id);
  }
  const rows = slices.flatMap((slice, index) => slice.map((device) => ({ device, phaseId: phaseIds[index]! })));
  await tx.$executeRaw`
    INSERT INTO update_logs (job_id, phase_id, device_id, previous_version, target_version, state, timestamp, log_details)
    SELECT ${jobId}::int, l.phase_id, l.device_id, l.previous_version, ${targetVersion}::text, 'pending'::"UpdateLogState", ${now}::timestamptz,
           jsonb_build_array(jsonb_build_object('state', 'pending', 'at', ${now.toISOString()}::text))
      FROM unnest(${rows.map((row) => row.phaseId)}::int[], ${rows.map((row) => row.device.id)}::int[], ${rows.map((row) => previousVersion(row.device))}::text[])
        AS l(phase_id, device_id, previous_version)`;
  return plans;
}

export type ScheduleOptions = {
  /** A rollback may go back to a deprecated version (going back is the repair). */
  allowAnyState?: boolean;
};

export async function scheduleUpdate(db: Db, actor: Actor, raw: unknown, now = new Date(), options: ScheduleOptions = {}): Promise<ScheduledJob> {
  if (!can(actor.role, "ota.schedule")) throw new ForbiddenError(`Your role (${actor.role}) does not allow ota.schedule.`);
  const parsed = scheduleUpdateSchema.safeParse(raw);
  if (!parsed.success) throw new InvalidError("Check the highlighted fields.", fieldErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;

  const scheduled = await db.$transaction(
    async (tx) => {
      const firmware = await tx.firmwareVersion.findUnique({
        where: { id: input.firmwareId },
        select: { id: true, version: true, deviceType: true, compatibleModels: true, minPreviousVersion: true, state: true, storageKey: true },
      });
      if (!firmware) throw new NotFoundError("No such firmware version.");
      if (firmware.state !== "testing" && firmware.state !== "stable" && !(options.allowAnyState && firmware.state === "deprecated")) {
        throw new ConflictError(`Only testing or stable firmware can be rolled out; ${firmware.version} is ${firmware.state}.`, { firmwareId: ["Pick a testing or stable version"] });
      }
      if (!firmware.storageKey) throw new ConflictError(`Firmware ${firmware.version} has no binary to send.`, { firmwareId: ["This version has no binary"] });

      const devices = await targetDevices(tx, actor, input.target);
      if (devices.length === 0) throw new InvalidError("No device matches the target.", { target: ["No device matches"] });

      const refusals = compatibilityRefusals(devices, firmware);
      const alreadyThere = new Set(refusals.filter((refusal) => refusal.reason.startsWith("already runs")).map((refusal) => refusal.deviceId));
      const blocking = refusals.filter((refusal) => !alreadyThere.has(refusal.deviceId) && (!refusal.forceable || !input.force));
      if (blocking.length) {
        const forceable = blocking.every((refusal) => refusal.forceable);
        throw new InvalidError(
          `${blocking.length} of the ${devices.length} devices cannot take ${firmware.version}${forceable ? " (tick “force” to include them anyway)" : ""}; nothing was scheduled.`,
          { target: listOf(blocking.map((refusal) => `${refusal.deviceId} ${refusal.reason}`)) },
        );
      }
      // A device already on the version is left out unless forced (re-flashing is a repair).
      const included = devices.filter((device) => input.force || !alreadyThere.has(device.deviceId));
      if (included.length === 0) throw new InvalidError(`Every targeted device already runs ${firmware.version}.`, { target: ["Every device already runs this version"] });

      // Two schedules made at the same moment must not both find a device free: its row stays
      // locked (in id order, as ingest locks) until this transaction commits, and the other one's
      // check below, waiting for the lock, then sees this one's logs.
      await tx.$executeRaw`SELECT 1 FROM devices WHERE id = ANY(${included.map((device) => device.id)}::int[]) ORDER BY id FOR NO KEY UPDATE`;
      const busy = await tx.updateLog.findMany({
        where: { deviceId: { in: included.map((device) => device.id) }, state: { in: ["pending", "downloading", "installing", "verifying"] }, job: { kind: "firmware", state: { in: [...ACTIVE_JOB_STATES] } } },
        select: { device: { select: { deviceId: true } }, jobId: true },
      });
      if (busy.length) {
        throw new ConflictError(`${busy.length} of the devices ${busy.length === 1 ? "is" : "are"} already in a running update; finish or cancel it first.`, {
          target: listOf(busy.map((row) => `${row.device.deviceId} (job ${row.jobId})`)),
        });
      }

      const scheduledAt = input.scheduledAt ? new Date(input.scheduledAt) : now;
      const job = await tx.updateJob.create({
        data: {
          name: input.name ?? `${firmware.version} to ${included.length} device${included.length === 1 ? "" : "s"}`,
          firmwareId: firmware.id,
          state: "scheduled",
          strategy: input.rollout.strategy,
          targetSpec: input.target as Prisma.InputJsonObject,
          strategyConfig: input.rollout,
          scheduledAt,
          maintenanceWindow: input.maintenanceWindow ?? undefined,
          forceUpdate: input.force ?? false,
          rollbackOnFailure: input.rollbackOnFailure ?? true,
          notifyOnComplete: input.notifyOnComplete ?? true,
          deviceCount: included.length,
          createdById: actor.kind === "user" ? actor.id : null,
        },
        select: { id: true },
      });

      const plans = await createPhasesAndLogs(tx, { jobId: job.id, rollout: input.rollout, devices: included, now, targetVersion: firmware.version, previousVersion: (device) => device.firmwareVersion });
      await tx.device.updateMany({
        where: { id: { in: included.map((device) => device.id) } },
        data: { targetFirmwareId: firmware.id, firmwareUpdateStatus: "scheduled", firmwareUpdateScheduled: scheduledAt, firmwareUpdateError: null },
      });
      await recordAudit(tx, actor, {
        entityType: "update_job",
        entityId: String(job.id),
        action: "scheduled",
        after: { firmware: firmware.version, deviceType: firmware.deviceType, devices: included.length, strategy: input.rollout.strategy, scheduledAt: scheduledAt.toISOString(), force: input.force ?? false },
      });
      return {
        jobId: job.id,
        deviceCount: included.length,
        phases: plans.map((plan) => ({ position: plan.position, deviceCount: plan.deviceCount })),
        skipped: devices.filter((device) => !included.includes(device)).map((device) => ({ deviceId: device.deviceId, reason: `already runs ${firmware.version}` })),
      };
    },
    { timeout: 120_000, maxWait: 10_000 },
  );
  // A big job has just added thousands of logs that the planner has no statistics for yet
  // (autovacuum takes a minute or so): without them it read the whole table for every status report
  // of the first seconds (1–3 s per batch of 100, measured by bench:ota), exactly when devices answer.
  if (scheduled.deviceCount >= ANALYZE_AFTER_DEVICES) await db.$executeRawUnsafe("ANALYZE update_logs");
  return scheduled;
}

export const ANALYZE_AFTER_DEVICES = 1_000;
