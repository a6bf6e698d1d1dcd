/**
 * When a device needs calibrating, and what its calibration status is on a given day. Plain
 * functions (no database), shared by the calibration record, the maintenance sweep that moves
 * devices into due/overdue, the list filters and the demo data.
 */
import type { DeviceTypeName } from "../devices/device-id";
import { utcDay } from "../warranty/warranty-status";

/**
 * Days between calibrations per device type; null: the type is not calibrated (its status is
 * "not_required"). Milk meters quarterly (ICAR asks for a yearly test; parlours calibrate every
 * quarter to keep yield records honest), gas and climate sensors and feeders twice a year, temperature
 * probes and waterers yearly. The README names these.
 */
export const CALIBRATION_INTERVAL_DAYS: Record<DeviceTypeName, number | null> = {
  milk_meter: 90,
  environmental: 180,
  temperature: 365,
  rfid_reader: null,
  collar: null,
  feeder: 180,
  gate: null,
  waterer: 365,
  gateway: null,
};

/** Calibration shows as "due" this many days before its date. */
export const CALIBRATION_DUE_SOON_DAYS = 14;

const DAY = 86_400_000;

export function calibrationIntervalDays(device: { deviceType: string; calibrationIntervalDays: number | null }): number | null {
  if (device.calibrationIntervalDays !== null) return device.calibrationIntervalDays;
  return (CALIBRATION_INTERVAL_DAYS as Record<string, number | null>)[device.deviceType] ?? null;
}

/** The date the next calibration falls due after one performed at `performedAt`. */
export function nextCalibrationDate(performedAt: Date, intervalDays: number): Date {
  return new Date(utcDay(performedAt) + intervalDays * DAY);
}

export type CalibrationStatusName = "not_required" | "ok" | "due" | "overdue";

/**
 * The status a device has on `today`: overdue after its due date, due within
 * CALIBRATION_DUE_SOON_DAYS of it, ok before; not_required without a due date and without an
 * interval for its type.
 */
export function calibrationStatusOn(nextDue: Date | null, intervalDays: number | null, today: Date = new Date()): CalibrationStatusName {
  if (!nextDue) return intervalDays === null ? "not_required" : "due";
  const left = Math.round((utcDay(nextDue) - utcDay(today)) / DAY);
  if (left < 0) return "overdue";
  if (left <= CALIBRATION_DUE_SOON_DAYS) return "due";
  return "ok";
}
