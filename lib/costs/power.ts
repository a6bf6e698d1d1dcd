/**
 * What powering a device costs. Mains and PoE devices draw a typical number of watts all the time
 * they are in service (priced per kWh); battery devices cost their battery replacements; solar
 * devices draw nothing from the grid. The figures are typical values for each kind of device, named
 * in the README, not measurements: the devices report no power draw.
 */
import type { DeviceType, PowerSource } from "@prisma/client";

/** Typical continuous draw in watts of a mains- or PoE-powered device of each type. */
export const TYPICAL_WATTS: Record<DeviceType, number> = {
  milk_meter: 6,
  temperature: 1,
  environmental: 2,
  collar: 0.5,
  feeder: 25,
  gate: 15,
  waterer: 8,
  rfid_reader: 4,
  gateway: 10,
};

/** Power sources whose energy is bought per kWh. */
export const GRID_POWER: ReadonlySet<PowerSource> = new Set(["mains", "poe"]);

/** Energy cost of `hours` of a device's draw: watts × hours / 1000 × price per kWh. */
export function energyCost(deviceType: DeviceType, hours: number, pricePerKwh: number): number {
  return ((TYPICAL_WATTS[deviceType] * hours) / 1000) * pricePerKwh;
}
