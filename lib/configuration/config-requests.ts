/**
 * The bodies and queries of the configuration API (I-013 appendix A: `config`, `base_version`,
 * `reason`), parsed by the route handlers and described by the OpenAPI document from these same
 * schemas. The configuration itself is checked by the domain with the type's schema, so a 400
 * names the setting's path (`telemetry.measurement_interval_sec`), not `config.…`.
 */
import { z } from "zod";
import { NotFoundError } from "../errors";
import { CONFIG_DEVICE_TYPES, isConfigDeviceType, type ConfigDeviceType } from "./config-schemas";

const version = z.number().int().min(0);
const reason = z.string().trim().max(500).optional().describe("Why: kept with the version and in the change history");
const partialConfig = z.record(z.string(), z.unknown());

export const configEditRequest = z.strictObject({
  config: partialConfig.default({}).describe("Only the settings that change, nested by section (a partial configuration of the device's type: see the ConfigOf… schemas)"),
  remove: z.array(z.string().min(1).max(200)).max(200).optional().describe("Dotted paths of the device's own values to drop: they are inherited from its group, farm or the type's defaults again"),
  base_version: version.describe("The configuration version the change was made from (GET …/config `version`; 0 when the device has none yet). Another version now → 409"),
  reason,
});
export type ConfigEditRequest = z.infer<typeof configEditRequest>;

export const configRollbackRequest = z.strictObject({
  version: version.describe("The version whose configuration the device gets again (0: the type's factory defaults)"),
  base_version: version.describe("The device's current version as the caller knows it; another version now → 409"),
  reason,
});

export const layerPutRequest = z.strictObject({
  values: partialConfig.default({}).describe("The settings this farm or group sets for the type (a partial configuration); what is left out is inherited"),
  health: partialConfig.default({}).describe("Health limits for these devices (a partial HealthThresholds: profile m92 or i013, then single limits)"),
  version: version.describe("The layer's version the change was made from (0 to create it); another version now → 409"),
  reason,
});

export const layerDeleteQuery = z.object({
  version: z.coerce.number().int().min(1).describe("The layer's version being removed; another version now → 409"),
  reason: z.string().trim().max(500).optional(),
});

export const versionListQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20).describe("Versions per page, at most 100"),
});

export const versionDiffQuery = z.object({
  from: z.coerce.number().int().min(0).describe("A version (0: the factory defaults)"),
  to: z.coerce.number().int().min(0).describe("Another version"),
});

export function versionFromPath(raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new NotFoundError("No such configuration version.");
  return value;
}

export function deviceTypeFromPath(raw: string): ConfigDeviceType {
  if (!isConfigDeviceType(raw)) throw new NotFoundError(`No device type “${raw}” (one of ${CONFIG_DEVICE_TYPES.join(", ")}).`);
  return raw;
}

export function scopeIdFromPath(raw: string, what: "farm" | "group"): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new NotFoundError(`${what === "farm" ? "Farm" : "Group"} ${raw} not found.`);
  return value;
}

export function queryOf(request: Request) {
  return Object.fromEntries(new URL(request.url).searchParams);
}
