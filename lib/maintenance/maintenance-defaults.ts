/**
 * The maintenance a device type usually needs, to prefill the plan form (the planner can change
 * any of it). Calibration rhythms follow lib/calibration/calibration-rules.ts so a plan made from
 * the defaults keeps a device's calibration from falling due. The README names this table.
 */
import type { DeviceTypeName } from "../devices/device-id";
import type { MaintenanceTypeName, RecurrenceUnitName } from "./maintenance-fields";

export type MaintenanceDefault = { maintenanceType: MaintenanceTypeName; everyCount: number; everyUnit: RecurrenceUnitName; durationMinutes: number; description: string };

export const MAINTENANCE_DEFAULTS: Record<DeviceTypeName, MaintenanceDefault[]> = {
  milk_meter: [
    { maintenanceType: "calibration", everyCount: 3, everyUnit: "months", durationMinutes: 30, description: "Calibrate against a reference volume (ICAR test procedure)" },
    { maintenanceType: "inspection", everyCount: 6, everyUnit: "months", durationMinutes: 20, description: "Check hoses, seals and the sensor cell for wear and milk residue" },
  ],
  environmental: [
    { maintenanceType: "calibration", everyCount: 6, everyUnit: "months", durationMinutes: 30, description: "Calibrate the gas and climate sensors against a reference" },
    { maintenanceType: "cleaning", everyCount: 3, everyUnit: "months", durationMinutes: 15, description: "Clean the sensor housing and dust filter" },
  ],
  temperature: [{ maintenanceType: "calibration", everyCount: 12, everyUnit: "months", durationMinutes: 20, description: "Check the probe against a reference thermometer" }],
  rfid_reader: [{ maintenanceType: "inspection", everyCount: 6, everyUnit: "months", durationMinutes: 15, description: "Check the antenna, cabling and read range" }],
  collar: [{ maintenanceType: "battery_replacement", everyCount: 12, everyUnit: "months", durationMinutes: 10, description: "Check the battery and replace it if below 30%" }],
  feeder: [
    { maintenanceType: "calibration", everyCount: 6, everyUnit: "months", durationMinutes: 30, description: "Calibrate the auger against a weighed portion" },
    { maintenanceType: "cleaning", everyCount: 1, everyUnit: "months", durationMinutes: 20, description: "Clean the hopper and auger" },
  ],
  gate: [{ maintenanceType: "inspection", everyCount: 6, everyUnit: "months", durationMinutes: 20, description: "Check hinges, actuator and the safety stop" }],
  waterer: [
    { maintenanceType: "calibration", everyCount: 12, everyUnit: "months", durationMinutes: 20, description: "Check the flow meter against a measured volume" },
    { maintenanceType: "cleaning", everyCount: 1, everyUnit: "months", durationMinutes: 15, description: "Clean the trough and valve" },
  ],
  gateway: [{ maintenanceType: "inspection", everyCount: 12, everyUnit: "months", durationMinutes: 30, description: "Check power supply, antennas and enclosure; apply pending firmware" }],
};

/** The type's default for one kind of work (to prefill the plan form when both are chosen). */
export function maintenanceDefault(deviceType: DeviceTypeName, maintenanceType?: MaintenanceTypeName): MaintenanceDefault | null {
  const list = MAINTENANCE_DEFAULTS[deviceType] ?? [];
  return (maintenanceType ? list.find((item) => item.maintenanceType === maintenanceType) : list[0]) ?? null;
}
