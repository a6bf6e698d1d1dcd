/**
 * Straight-line amortisation periods per device type, used when a device's own
 * `depreciationMonths` is empty. A device's purchase (`unitCost`) is spread evenly over that many
 * calendar months, starting with the month of its purchase date.
 *
 * The inventory area may define the same table (lib/inventory/asset-defaults.ts); until the two are
 * reconciled this one is what the cost reports use.
 */
import type { DeviceType } from "@prisma/client";

export const DEFAULT_DEPRECIATION_MONTHS: Record<DeviceType, number> = {
  milk_meter: 60,
  temperature: 36,
  environmental: 48,
  collar: 36,
  feeder: 84,
  gate: 84,
  waterer: 60,
  rfid_reader: 60,
  gateway: 60,
};

export function depreciationMonthsFor(deviceType: DeviceType, own: number | null | undefined): number {
  return own && own > 0 ? own : DEFAULT_DEPRECIATION_MONTHS[deviceType];
}
