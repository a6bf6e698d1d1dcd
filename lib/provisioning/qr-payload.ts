/**
 * What a device label's QR code says, read and written in one place. Pure: the wizard's camera
 * scanner, its manual entry and the printable label all go through these functions.
 *
 * Accepted (M92 task 3.2 `_parseQRCode`, I-013 §2.3.2 `generate_qr_code_data`):
 *   SMARTDAIRY:MM001:milk_meter:SN-4471      the label format (serial optional)
 *   {"device_id":"MM001","type":"milk_meter"} JSON
 *   MM001                                    a plain device id (type from its prefix)
 *   smartdairy://claim?d=MM001&t=TOKEN       a claim link
 * Anything else is refused with a reason a technician in a barn can act on.
 */
import { DEVICE_ID_PATTERN, DEVICE_ID_PREFIX, DEVICE_TYPE_LABEL, DEVICE_TYPES, type DeviceTypeName } from "../devices/device-id";

export type LabelFormat = "smartdairy" | "json" | "device_id" | "claim_url";

export type ParsedLabel =
  | { ok: true; format: LabelFormat; deviceId?: string; deviceType?: DeviceTypeName; serialNumber?: string; claimToken?: string }
  | { ok: false; reason: string };

/** A label QR holds a few dozen characters; anything much longer is not one of ours. */
export const MAX_LABEL_LENGTH = 512;
/** deviceCreateSchema's serial number column. */
export const MAX_SERIAL_LENGTH = 50;

const ID_FORMAT = "two capital letters and 3–6 digits (e.g. MM001)";
const EXPECTED = "Expected SMARTDAIRY:id:type:serial, a JSON label, a device id such as MM001, or a smartdairy://claim link.";
/** Claim tokens are URL-safe (base64url / hex); I-013 puts at most 32 characters in the QR. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{8,128}$/;
const PREFIX_TO_TYPE = new Map(Object.entries(DEVICE_ID_PREFIX).map(([type, prefix]) => [prefix, type as DeviceTypeName]));

/** M92 `_inferDeviceType`, for every type of the registry; null for a prefix no type uses. */
export function inferDeviceType(deviceId: string): DeviceTypeName | null {
  return PREFIX_TO_TYPE.get(deviceId.slice(0, 2).toUpperCase()) ?? null;
}

/** "milk_meter", "Milk-Meter", "milk meter" and "Milk Meter" all name the same type. */
function readDeviceType(raw: string): DeviceTypeName | null {
  const key = raw.trim().toLowerCase().replace(/[\s-]+/g, "_");
  if ((DEVICE_TYPES as readonly string[]).includes(key)) return key as DeviceTypeName;
  const byLabel = DEVICE_TYPES.find((type) => DEVICE_TYPE_LABEL[type].toLowerCase().replace(/\s+/g, "_") === key);
  return byLabel ?? null;
}

function unknownType(raw: string): { ok: false; reason: string } {
  const shown = raw.length > 30 ? `${raw.slice(0, 30)}…` : raw;
  return { ok: false, reason: `Unknown device type "${shown}" on the label. Known types: ${DEVICE_TYPES.join(", ")}.` };
}

/** The id upper-cased (labels and typing are not always in capitals), or a reason. */
function readDeviceId(raw: string): { ok: true; deviceId: string } | { ok: false; reason: string } {
  const deviceId = raw.trim().toUpperCase();
  if (!deviceId) return { ok: false, reason: "The label has no device id." };
  if (!DEVICE_ID_PATTERN.test(deviceId)) {
    const shown = deviceId.length > 20 ? `${deviceId.slice(0, 20)}…` : deviceId;
    return { ok: false, reason: `"${shown}" is not a valid device id: ${ID_FORMAT}.` };
  }
  return { ok: true, deviceId };
}

function readSerial(raw: string | undefined): { ok: true; serialNumber?: string } | { ok: false; reason: string } {
  const serialNumber = raw?.trim();
  if (!serialNumber) return { ok: true };
  if (serialNumber.length > MAX_SERIAL_LENGTH) return { ok: false, reason: `The serial number on the label is longer than ${MAX_SERIAL_LENGTH} characters.` };
  return { ok: true, serialNumber };
}

/** The type the label states, or else the one its id prefix implies (none for an unknown prefix). */
function resolveType(deviceId: string, stated: string | undefined) {
  if (stated === undefined || stated.trim() === "") return { ok: true as const, deviceType: inferDeviceType(deviceId) ?? undefined };
  const deviceType = readDeviceType(stated);
  return deviceType ? { ok: true as const, deviceType } : unknownType(stated);
}

function parseSmartDairy(text: string): ParsedLabel {
  // M92: SMARTDAIRY:device_id:device_type:serial_number. A serial may itself hold colons.
  const [, rawId = "", rawType, ...serialParts] = text.split(":");
  if (rawType === undefined) return { ok: false, reason: "The SMARTDAIRY label is incomplete: expected SMARTDAIRY:id:type:serial." };
  const id = readDeviceId(rawId);
  if (!id.ok) return id;
  const type = resolveType(id.deviceId, rawType);
  if (!type.ok) return type;
  const serial = readSerial(serialParts.length ? serialParts.join(":") : undefined);
  if (!serial.ok) return serial;
  return { ok: true, format: "smartdairy", deviceId: id.deviceId, ...(type.deviceType ? { deviceType: type.deviceType } : {}), ...(serial.serialNumber ? { serialNumber: serial.serialNumber } : {}) };
}

/** The first key present, as a string; numbers are accepted (a serial printed as a number). */
function pick(object: Record<string, unknown>, keys: string[]): { value?: string; bad?: string } {
  for (const key of keys) {
    const value = object[key];
    if (value === undefined || value === null) continue;
    if (typeof value === "string") return { value };
    if (typeof value === "number" && Number.isFinite(value)) return { value: String(value) };
    return { bad: key };
  }
  return {};
}

function parseJson(text: string): ParsedLabel {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: "The label looks like JSON but is not valid JSON (damaged or cut off?). Scan it again or type the device id." };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, reason: "The JSON label must be one object such as {\"device_id\": \"MM001\", \"type\": \"milk_meter\"}." };
  const object = value as Record<string, unknown>;
  const id = pick(object, ["device_id", "deviceId", "id"]);
  const type = pick(object, ["device_type", "deviceType", "type"]);
  const serial = pick(object, ["serial_number", "serialNumber", "serial"]);
  const token = pick(object, ["claim_token", "claimToken", "token"]);
  const bad = id.bad ?? type.bad ?? serial.bad ?? token.bad;
  if (bad) return { ok: false, reason: `The JSON label's "${bad}" must be text.` };
  if (!id.value) return { ok: false, reason: "The JSON label has no device_id." };
  const deviceId = readDeviceId(id.value);
  if (!deviceId.ok) return deviceId;
  const deviceType = resolveType(deviceId.deviceId, type.value);
  if (!deviceType.ok) return deviceType;
  const serialNumber = readSerial(serial.value);
  if (!serialNumber.ok) return serialNumber;
  if (token.value !== undefined && !TOKEN_PATTERN.test(token.value)) return { ok: false, reason: "The claim token on the JSON label is damaged (unexpected characters or length)." };
  return {
    ok: true,
    format: "json",
    deviceId: deviceId.deviceId,
    ...(deviceType.deviceType ? { deviceType: deviceType.deviceType } : {}),
    ...(serialNumber.serialNumber ? { serialNumber: serialNumber.serialNumber } : {}),
    ...(token.value ? { claimToken: token.value } : {}),
  };
}

function parseClaimUrl(text: string): ParsedLabel {
  // I-013 §2.3.2: smartdairy://claim?d={device_id}&t={token}
  const match = /^smartdairy:\/\/([^/?#]*)\/?(?:\?([^#]*))?(?:#.*)?$/i.exec(text);
  if (!match || match[1]?.toLowerCase() !== "claim") return { ok: false, reason: "This smartdairy:// link is not a claim link (expected smartdairy://claim?d=MM001&t=…)." };
  const params = new URLSearchParams(match[2] ?? "");
  const rawId = params.get("d");
  if (!rawId) return { ok: false, reason: "The claim link has no device id (d=…)." };
  const id = readDeviceId(rawId);
  if (!id.ok) return id;
  const token = params.get("t");
  if (!token) return { ok: false, reason: "The claim link has no claim token (t=…)." };
  if (!TOKEN_PATTERN.test(token)) return { ok: false, reason: "The claim token in the link is damaged (unexpected characters or length)." };
  const deviceType = inferDeviceType(id.deviceId);
  return { ok: true, format: "claim_url", deviceId: id.deviceId, ...(deviceType ? { deviceType } : {}), claimToken: token };
}

/** Reads a scanned or typed label. Never throws. */
export function parseLabel(input: string): ParsedLabel {
  if (typeof input !== "string") return { ok: false, reason: "Nothing was read from the label." };
  const text = input.trim();
  if (!text) return { ok: false, reason: "The label is empty: nothing was read." };
  if (text.length > MAX_LABEL_LENGTH) return { ok: false, reason: `Too long for a device label (${text.length} characters, at most ${MAX_LABEL_LENGTH}). This is not a Smart Dairy QR code.` };
  // Control characters (other than line breaks and tabs inside JSON) mean a misread or a binary code.
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) return { ok: false, reason: "The code holds unreadable characters: it is not a Smart Dairy label." };

  if (/^smartdairy:\/\//i.test(text)) return parseClaimUrl(text);
  if (/^smartdairy:/i.test(text)) return parseSmartDairy(text);
  if (text.startsWith("{")) return parseJson(text);
  if (/^[A-Za-z]{2}[0-9]{3,6}$/.test(text)) {
    const deviceId = text.toUpperCase();
    const deviceType = inferDeviceType(deviceId);
    return { ok: true, format: "device_id", deviceId, ...(deviceType ? { deviceType } : {}) };
  }
  if (/^[A-Za-z]{1,4}[-_ ]?[0-9]+$/.test(text)) return { ok: false, reason: `"${text}" is not a valid device id: ${ID_FORMAT}.` };
  if (/^https?:\/\//i.test(text)) return { ok: false, reason: `This QR code is a web link, not a Smart Dairy device label. ${EXPECTED}` };
  return { ok: false, reason: `Not a Smart Dairy device label. ${EXPECTED}` };
}

/** What the printed label's QR code says: `SMARTDAIRY:id:type:serial` (M92 task 3.2). */
export function labelPayload(device: { deviceId: string; deviceType: DeviceTypeName; serialNumber?: string | null }): string {
  if (!DEVICE_ID_PATTERN.test(device.deviceId)) throw new Error(`Not a device id: ${device.deviceId}`);
  const serial = device.serialNumber?.trim();
  return serial ? `SMARTDAIRY:${device.deviceId}:${device.deviceType}:${serial}` : `SMARTDAIRY:${device.deviceId}:${device.deviceType}`;
}

/** I-013 §2.3.2 `generate_qr_code_data`: the claim link a device's label may carry. */
export function claimPayload(deviceId: string, claimToken: string): string {
  if (!DEVICE_ID_PATTERN.test(deviceId)) throw new Error(`Not a device id: ${deviceId}`);
  return `smartdairy://claim?d=${encodeURIComponent(deviceId)}&t=${encodeURIComponent(claimToken)}`;
}
