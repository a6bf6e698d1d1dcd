/**
 * The wizard's one state object and its rules per step. Checks use the server's own schema
 * (deviceCreateSchema), so a message in the browser is the message the server would send.
 */
import { DEVICE_ID_PATTERN, DEVICE_ID_PREFIX, type DeviceTypeName } from "@/lib/devices/device-id";
import { deviceCreateSchema } from "@/lib/devices/device-schemas";

export type WizardValues = {
  deviceType: DeviceTypeName | "";
  name: string;
  deviceId: string;
  farmId: string;
  manufacturer: string;
  model: string;
  serialNumber: string;
  macAddress: string;
  locationDescription: string;
  latitude: string;
  longitude: string;
};

export type FieldName = keyof WizardValues;
export type WizardErrors = Partial<Record<FieldName, string>>;

export const EMPTY_VALUES: WizardValues = {
  deviceType: "",
  name: "",
  deviceId: "",
  farmId: "",
  manufacturer: "",
  model: "",
  serialNumber: "",
  macAddress: "",
  locationDescription: "",
  latitude: "",
  longitude: "",
};

/** M92 task 3.1 getStepTitle, with the numbering of SCREENS.md. */
export const STEP_TITLES = ["Device type", "Device information", "Hardware", "Review", "Created"] as const;
export type StepNumber = 1 | 2 | 3 | 4 | 5;

/** The step each field is typed on: a refusal at create time sends the technician back there. */
export const FIELD_STEP: Record<FieldName, StepNumber> = {
  deviceType: 1,
  name: 2,
  deviceId: 2,
  farmId: 2,
  manufacturer: 3,
  model: 3,
  serialNumber: 3,
  macAddress: 3,
  locationDescription: 3,
  latitude: 3,
  longitude: 3,
};

const STEP_SCHEMAS = {
  1: deviceCreateSchema.pick({ deviceType: true }),
  2: deviceCreateSchema.pick({ name: true, deviceId: true, farmId: true }),
  3: deviceCreateSchema.pick({ manufacturer: true, model: true, serialNumber: true, macAddress: true, locationDescription: true, latitude: true, longitude: true }),
} as const;

function fieldsOf(step: 1 | 2 | 3) {
  return (Object.keys(FIELD_STEP) as FieldName[]).filter((field) => FIELD_STEP[field] === step);
}

/** The first message per field of one step; empty when the step may be left. */
export function validateStep(step: 1 | 2 | 3, values: WizardValues): WizardErrors {
  const input = Object.fromEntries(fieldsOf(step).map((field) => [field, values[field]]));
  const parsed = STEP_SCHEMAS[step].safeParse(input);
  if (parsed.success) return {};
  const errors: WizardErrors = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as FieldName | undefined;
    if (field && !errors[field]) errors[field] = issue.message;
  }
  if (step === 1 && errors.deviceType) errors.deviceType = "Pick the type of the device";
  return errors;
}

/** What the server sends back keyed by field → our fields, and the earliest step concerned. */
export function errorsFromServer(fieldErrors: Record<string, string[]> | undefined): { errors: WizardErrors; step: StepNumber | null } {
  const errors: WizardErrors = {};
  let step: StepNumber | null = null;
  for (const [key, messages] of Object.entries(fieldErrors ?? {})) {
    if (!(key in FIELD_STEP) || !messages[0]) continue;
    const field = key as FieldName;
    errors[field] = messages[0];
    step = step === null ? FIELD_STEP[field] : (Math.min(step, FIELD_STEP[field]) as StepNumber);
  }
  return { errors, step };
}

export const ID_FORMAT_MESSAGE = "Device ID format: two capital letters and 3–6 digits (e.g. MM001)";

/**
 * The live verdict on a device id while it is typed: "incomplete" is not an error yet (MM0 may
 * become MM001), "impossible" is (M1 can never become valid).
 */
export function deviceIdProgress(value: string): "empty" | "valid" | "incomplete" | "impossible" {
  if (!value) return "empty";
  if (DEVICE_ID_PATTERN.test(value)) return "valid";
  return /^[A-Z]{0,2}$|^[A-Z]{2}[0-9]{0,2}$/.test(value) ? "incomplete" : "impossible";
}

/** Typed ids are upper-cased and stripped of spaces as they are typed: labels print them in capitals. */
export function normaliseDeviceId(value: string): string {
  return value.toUpperCase().replace(/\s+/g, "");
}

/** M92 selectDeviceType: an empty id (or another type's bare prefix) starts with this type's prefix. */
export function idAfterTypeChange(deviceId: string, type: DeviceTypeName): string {
  const prefixes = Object.values(DEVICE_ID_PREFIX);
  if (deviceId === "" || prefixes.includes(deviceId)) return DEVICE_ID_PREFIX[type];
  return deviceId;
}

/** "AABBCCDDEEFF" or "aa-bb-…" → "AA:BB:CC:DD:EE:FF" once it has twelve hex digits; otherwise as typed. */
export function tidyMac(value: string): string {
  const hex = value.replace(/[^0-9a-f]/gi, "");
  if (hex.length === 12 && /^[0-9A-Fa-f:\-\s]+$/.test(value)) return hex.toUpperCase().match(/.{2}/g)!.join(":");
  return value.trim();
}
