/**
 * The dashboard's asset numbers: calibrations due and overdue, maintenance overdue, and the
 * warranties that end within 30 days. Counts only, each on an index (next_calibration_due,
 * maintenances (status, scheduled_date), warranty_end), so the live dashboard stays fast.
 */
import { farmScope, type Actor } from "../auth/permissions";
import { calibrationStatusWhere } from "../calibration/calibration-filters";
import type { Db } from "../db";
import { utcDay, WARRANTY_EXPIRING_DAYS } from "../warranty/warranty-status";
import { expiringWarranties } from "../warranty/warranty-coverage";

export const EXPIRING_DIGEST_SIZE = 5;

export async function assetSummary(db: Db, actor: Actor, selectedFarm: number | null, today = new Date()) {
  const farmId = farmScope(actor) ?? selectedFarm;
  const onFarm = farmId !== null ? { farmId } : {};
  const day = new Date(utcDay(today));
  const [calibrationDue, calibrationOverdue, maintenanceOverdue, expiring] = await Promise.all([
    db.device.count({ where: { ...onFarm, ...calibrationStatusWhere("due", today) } }),
    db.device.count({ where: { ...onFarm, ...calibrationStatusWhere("overdue", today) } }),
    // The maintenance list's overdue: open work not started whose day has passed (the sweep marks it).
    db.maintenance.count({ where: { ...onFarm, status: { in: ["scheduled", "overdue"] }, scheduledDate: { lt: day } } }),
    expiringWarranties(db, actor, { farmId, days: WARRANTY_EXPIRING_DAYS, take: EXPIRING_DIGEST_SIZE }, today),
  ]);
  return { calibrationDue, calibrationOverdue, maintenanceOverdue, expiring };
}

export type AssetSummary = Awaited<ReturnType<typeof assetSummary>>;
