/**
 * The cost reports' purchase amortisation reads the asset record's own table of periods
 * (lib/inventory/asset-defaults.ts), so the inventory's book value and the monthly amortisation
 * write a device down over the same months.
 */
import type { DeviceType } from "@prisma/client";
import { DEFAULT_DEPRECIATION_MONTHS } from "../inventory/asset-defaults";

export { DEFAULT_DEPRECIATION_MONTHS };

export function depreciationMonthsFor(deviceType: DeviceType, own: number | null | undefined): number {
  return own && own > 0 ? own : DEFAULT_DEPRECIATION_MONTHS[deviceType];
}
