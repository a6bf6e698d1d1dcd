/**
 * A calibration status as a query, for the dashboard's counts and the devices list's
 * `?calibration=` filter: calibrationStatusOn (calibration-rules.ts) written as a Prisma
 * `where` on the indexed next_calibration_due, so the counts are right the moment a date passes,
 * before the daily sweep moves the stored status. Retired devices and spares in stock are never due.
 */
import type { Prisma } from "@prisma/client";
import type { DeviceTypeName } from "../devices/device-id";
import { stockWhere } from "../inventory/stock";
import { utcDay } from "../warranty/warranty-status";
import { CALIBRATION_DUE_SOON_DAYS, CALIBRATION_INTERVAL_DAYS, type CalibrationStatusName } from "./calibration-rules";

const DAY = 86_400_000;

export const CALIBRATION_FILTERS = ["due", "overdue"] as const;
export type CalibrationFilter = (typeof CALIBRATION_FILTERS)[number];

/** Types that are calibrated by default (a device of another type only with its own interval). */
export const CALIBRATED_TYPES = (Object.keys(CALIBRATION_INTERVAL_DAYS) as DeviceTypeName[]).filter((type) => CALIBRATION_INTERVAL_DAYS[type] !== null);

/** One status of calibrationStatusOn as a filter; due and overdue leave retired devices and spares out. */
export function calibrationStatusWhere(status: CalibrationStatusName, today: Date = new Date()): Prisma.DeviceWhereInput {
  const day = new Date(utcDay(today));
  const soon = new Date(utcDay(today) + CALIBRATION_DUE_SOON_DAYS * DAY);
  // A spare on the shelf is calibrated when it is put in use, not counted as due meanwhile.
  const inUse: Prisma.DeviceWhereInput = { state: { not: "decommissioned" }, NOT: stockWhere(true) };
  switch (status) {
    case "overdue":
      return { ...inUse, nextCalibrationDue: { lt: day } };
    case "due":
      return {
        ...inUse,
        OR: [
          { nextCalibrationDue: { gte: day, lte: soon } },
          // Never calibrated although its type (or its own interval) asks for it: due now.
          { nextCalibrationDue: null, OR: [{ calibrationIntervalDays: { not: null } }, { deviceType: { in: CALIBRATED_TYPES } }] },
        ],
      };
    case "ok":
      return { nextCalibrationDue: { gt: soon } };
    case "not_required":
      return { nextCalibrationDue: null, calibrationIntervalDays: null, deviceType: { notIn: CALIBRATED_TYPES } };
  }
}
