import { z } from "zod";

/** M92 task 3.1 `validateStep2`: two capital letters and 3–6 digits, e.g. MM001. */
export const DEVICE_ID_PATTERN = /^[A-Z]{2}[0-9]{3,6}$/;

export const deviceIdSchema = z
  .string()
  .trim()
  .regex(DEVICE_ID_PATTERN, "Device ID format: two capital letters and 3–6 digits (e.g. MM001)");

export const DEVICE_TYPES = [
  "milk_meter",
  "temperature",
  "environmental",
  "collar",
  "feeder",
  "gate",
  "waterer",
  "rfid_reader",
  "gateway",
] as const;

export type DeviceTypeName = (typeof DEVICE_TYPES)[number];

/** The id prefixes of M92 `selectDeviceType` / `_inferDeviceType`, extended to every type. */
export const DEVICE_ID_PREFIX: Record<DeviceTypeName, string> = {
  milk_meter: "MM",
  temperature: "TS",
  environmental: "ES",
  collar: "AC",
  feeder: "FD",
  gate: "GT",
  waterer: "WD",
  rfid_reader: "RF",
  gateway: "GW",
};

export const DEVICE_TYPE_LABEL: Record<DeviceTypeName, string> = {
  milk_meter: "Milk Meter",
  temperature: "Temperature Sensor",
  environmental: "Environmental Sensor",
  collar: "Activity Collar",
  feeder: "Feed Dispenser",
  gate: "Automated Gate",
  waterer: "Water Dispenser",
  rfid_reader: "RFID Reader",
  gateway: "Gateway",
};
