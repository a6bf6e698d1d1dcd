/**
 * What a configuration campaign changes, as its update job stores it (update_jobs.config_change):
 * the device type, the partial configuration merged into each device's own overrides, and the
 * person's reason. Read back by the engine (campaign-kind.ts) and the job views; pure, so a client
 * component may show the summary too.
 */
import { z } from "zod";
import { flattenConfig } from "./config-layers";
import { CONFIG_DEVICE_TYPES, type ConfigDeviceType, type ConfigObject } from "./config-schemas";

export type CampaignChange = { deviceType: ConfigDeviceType; changes: ConfigObject; reason: string };

const storedChange = z.object({
  deviceType: z.enum(CONFIG_DEVICE_TYPES),
  changes: z.record(z.string(), z.unknown()),
  reason: z.string(),
});

/** The stored change, or null when the job has none (a firmware job) or it is unreadable. */
export function campaignChangeOf(stored: unknown): CampaignChange | null {
  const parsed = storedChange.safeParse(stored);
  return parsed.success ? { deviceType: parsed.data.deviceType, changes: parsed.data.changes as ConfigObject, reason: parsed.data.reason } : null;
}

const show = (value: unknown) => (value === null ? "null" : typeof value === "string" ? `"${value}"` : String(value));

/** "thresholds.ammonia_ppm.alarm = 30; telemetry.update_interval_sec = 60" (five settings, then "… and N more"). */
export function campaignChangeSummary(changes: ConfigObject, max = 5): string {
  const settings = Object.entries(flattenConfig(changes)).map(([path, value]) => `${path} = ${show(value)}`);
  if (settings.length === 0) return "no settings";
  return settings.slice(0, max).join("; ") + (settings.length > max ? ` … and ${settings.length - max} more` : "");
}
