/**
 * Writes one calibration and moves the device's calibration state with it, in the caller's
 * transaction: the hand form, the completion of calibration work (lib/maintenance) and a
 * completed calibrate_* command all come through here, so a device's last and next calibration
 * and its status are set in one place. A failed calibration makes the device due that same day (and
 * overdue from the next, by the sweep's one rule): it still needs calibrating.
 */
import type { Prisma } from "@prisma/client";
import { recordAudit } from "../audit/record";
import type { Actor } from "../auth/permissions";
import { InvalidError } from "../errors";
import { calibrationIntervalDays, calibrationStatusOn, nextCalibrationDate } from "./calibration-rules";
import type { CalibrationInput } from "./calibration-schemas";

type Tx = Prisma.TransactionClient;

export type CalibratedDevice = { id: number; deviceId: string; farmId: number; deviceType: string; calibrationIntervalDays: number | null; state: string };

export const CALIBRATED_DEVICE_SELECT = { id: true, deviceId: true, farmId: true, deviceType: true, calibrationIntervalDays: true, state: true } as const;

export async function recordCalibrationIn(
  tx: Tx,
  args: {
    device: CalibratedDevice;
    input: CalibrationInput;
    actor: Pick<Actor, "kind" | "id" | "label"> | "worker";
    method?: "manual" | "command";
    maintenanceId?: number | null;
    commandId?: string | null;
    now?: Date;
  },
) {
  const { device, input } = args;
  if (device.state === "decommissioned") throw new InvalidError(`${device.deviceId} is retired: it is not calibrated any more.`);
  const now = args.now ?? new Date();
  const performedAt = input.performedAt ?? now;
  const interval = calibrationIntervalDays(device);
  const nextDueOn = !input.passed ? nextCalibrationDate(performedAt, 0) : (input.nextDueOn ?? (interval === null ? null : nextCalibrationDate(performedAt, interval)));
  const performedById = args.actor !== "worker" && args.actor.kind === "user" ? args.actor.id : null;

  const calibration = await tx.calibration.create({
    data: {
      deviceId: device.id,
      farmId: device.farmId,
      maintenanceId: args.maintenanceId ?? null,
      method: args.method ?? "manual",
      commandId: args.commandId ?? null,
      reference: input.reference ?? null,
      referenceValue: input.referenceValue ?? null,
      beforeValue: input.beforeValue ?? null,
      afterValue: input.afterValue ?? null,
      beforeOffset: input.beforeOffset ?? null,
      afterOffset: input.afterOffset ?? null,
      unit: input.unit ?? null,
      tolerance: input.tolerance ?? null,
      passed: input.passed,
      notes: input.notes ?? null,
      performedAt,
      performedById,
      nextDueOn,
    },
  });

  // Only the newest calibration sets the device: one entered late for last month changes history, not today.
  const newer = await tx.calibration.count({ where: { deviceId: device.id, performedAt: { gt: performedAt }, id: { not: calibration.id } } });
  if (newer === 0) {
    const status = calibrationStatusOn(nextDueOn, interval, now);
    await tx.device.update({
      where: { id: device.id },
      data: { lastCalibration: performedAt, nextCalibrationDue: nextDueOn, calibrationStatus: status },
    });
  }
  await recordAudit(tx, args.actor, {
    entityType: "device",
    entityId: device.deviceId,
    action: "calibration.recorded",
    after: { calibrationId: calibration.id, passed: input.passed, method: args.method ?? "manual", nextDueOn: nextDueOn?.toISOString().slice(0, 10) ?? null },
  });
  return calibration;
}
