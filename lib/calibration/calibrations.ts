/**
 * A device's calibrations as people and the API read them, and the hand-entered record (the device
 * page's form, POST /api/v1/devices/{id}/calibrations). Every write goes through recordCalibrationIn.
 */
import { z } from "zod";
import type { Actor } from "../auth/permissions";
import type { Db } from "../db";
import { findScopedDevice, type DeviceRef } from "../devices/find-device";
import { calibrationIntervalDays, calibrationStatusOn } from "./calibration-rules";
import type { CalibrationInput } from "./calibration-schemas";
import { CALIBRATED_DEVICE_SELECT, recordCalibrationIn } from "./record-calibration";

export const CALIBRATION_HISTORY_LIMIT = 50;

/** GET /api/v1/devices/{id}/calibrations?limit= */
export const calibrationListQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(CALIBRATION_HISTORY_LIMIT).describe("How many calibrations, newest first") }).strict();

const ROW_SELECT = {
  id: true,
  method: true,
  commandId: true,
  maintenanceId: true,
  reference: true,
  referenceValue: true,
  beforeValue: true,
  afterValue: true,
  beforeOffset: true,
  afterOffset: true,
  unit: true,
  tolerance: true,
  passed: true,
  notes: true,
  performedAt: true,
  performedById: true,
  nextDueOn: true,
} as const;

export type CalibrationRow = {
  id: number;
  method: "manual" | "command";
  commandId: string | null;
  maintenanceId: number | null;
  reference: string | null;
  referenceValue: number | null;
  beforeValue: number | null;
  afterValue: number | null;
  beforeOffset: number | null;
  afterOffset: number | null;
  unit: string | null;
  tolerance: number | null;
  passed: boolean;
  notes: string | null;
  performedAt: Date;
  /** The person's name; null for the worker (a command) or someone since removed. */
  performedBy: string | null;
  nextDueOn: Date | null;
};

export type DeviceCalibrations = {
  deviceId: string;
  deviceType: string;
  /** Computed for today from the next due date (calibrationStatusOn), not the stored status of the last sweep. */
  status: "not_required" | "ok" | "due" | "overdue";
  lastCalibration: Date | null;
  nextCalibrationDue: Date | null;
  intervalDays: number | null;
  /** The interval is the type's default (no interval of the device's own). */
  intervalIsDefault: boolean;
  total: number;
  data: CalibrationRow[];
};

export async function deviceCalibrations(db: Db, actor: Pick<Actor, "farmId" | "role">, ref: DeviceRef, limit = CALIBRATION_HISTORY_LIMIT, today = new Date()): Promise<DeviceCalibrations> {
  const device = await findScopedDevice(db, actor, ref, { id: true, deviceId: true, deviceType: true, calibrationIntervalDays: true, lastCalibration: true, nextCalibrationDue: true });
  const [rows, total] = await Promise.all([
    db.calibration.findMany({ where: { deviceId: device.id }, orderBy: [{ performedAt: "desc" }, { id: "desc" }], take: limit, select: ROW_SELECT }),
    db.calibration.count({ where: { deviceId: device.id } }),
  ]);
  const peopleIds = [...new Set(rows.map((row) => row.performedById).filter((id): id is number => id !== null))];
  const people = peopleIds.length ? await db.user.findMany({ where: { id: { in: peopleIds } }, select: { id: true, name: true } }) : [];
  const names = new Map(people.map((person) => [person.id, person.name]));
  const interval = calibrationIntervalDays(device);
  return {
    deviceId: device.deviceId,
    deviceType: device.deviceType,
    status: calibrationStatusOn(device.nextCalibrationDue, interval, today),
    lastCalibration: device.lastCalibration,
    nextCalibrationDue: device.nextCalibrationDue,
    intervalDays: interval,
    intervalIsDefault: device.calibrationIntervalDays === null,
    total,
    data: rows.map(({ performedById, ...row }) => ({ ...row, performedBy: performedById === null ? null : (names.get(performedById) ?? null) })),
  };
}

/** A calibration entered by hand (or through the API): farm-scoped, audited, moves the device. */
export async function recordCalibration(db: Db, actor: Actor, ref: DeviceRef, input: CalibrationInput) {
  return db.$transaction(async (tx) => {
    const device = await findScopedDevice(tx, actor, ref, CALIBRATED_DEVICE_SELECT);
    const calibration = await recordCalibrationIn(tx, { device, input, actor, method: "manual" });
    return { id: calibration.id, deviceId: device.deviceId, passed: calibration.passed, performedAt: calibration.performedAt, nextDueOn: calibration.nextDueOn };
  });
}

/** The JSON the API answers with: dates as ISO text, due dates as YYYY-MM-DD. */
export function calibrationJson(row: CalibrationRow) {
  return { ...row, performedAt: row.performedAt.toISOString(), nextDueOn: row.nextDueOn ? row.nextDueOn.toISOString().slice(0, 10) : null };
}

export function deviceCalibrationsJson(view: DeviceCalibrations) {
  return {
    ...view,
    lastCalibration: view.lastCalibration?.toISOString() ?? null,
    nextCalibrationDue: view.nextCalibrationDue ? view.nextCalibrationDue.toISOString().slice(0, 10) : null,
    data: view.data.map(calibrationJson),
  };
}

/** Due and overdue devices of a farm (or every farm the actor sees), for the dashboard. */
export { calibrationStatusWhere } from "./calibration-filters";
