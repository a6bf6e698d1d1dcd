/**
 * The asset record's defaults (I-013 §9.1 `create_asset_record`). Shared by the asset record
 * form, the inventory report's book value and the cost reports' purchase amortisation, so the
 * fleet is written down the same way everywhere. The README names these.
 */
import type { DeviceTypeName } from "../devices/device-id";

/**
 * Months over which a device's purchase cost is written down (straight line) when its record
 * names none. Fixed infrastructure lasts longest (gates, feeders, waterers, gateways: 5–7 years);
 * parlour and climate sensors about 5; collars, worn by the cow, knocked about and battery-bound,
 * about 3.
 */
export const DEFAULT_DEPRECIATION_MONTHS: Record<DeviceTypeName, number> = {
  milk_meter: 60,
  temperature: 48,
  environmental: 48,
  collar: 36,
  feeder: 84,
  gate: 84,
  waterer: 84,
  rfid_reader: 60,
  gateway: 60,
};

/** The bounds of an asset record's depreciation period: a month to twenty years. */
export const DEPRECIATION_MONTHS_MIN = 1;
export const DEPRECIATION_MONTHS_MAX = 240;

/** The seed's `create_asset_record`: warranty_end = purchase_date + timedelta(days=365*2). */
export const DEFAULT_WARRANTY_DAYS = 365 * 2;

/** The seed's warranty_terms when none are given. */
export const DEFAULT_WARRANTY_TERMS = "Standard 2-year manufacturer warranty";

/** The months a device's cost is written down over: its own, else its type's default. */
export function depreciationMonthsOf(device: { deviceType: string; depreciationMonths: number | null }): number {
  return device.depreciationMonths ?? (DEFAULT_DEPRECIATION_MONTHS as Record<string, number>)[device.deviceType] ?? 60;
}
