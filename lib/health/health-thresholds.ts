/**
 * The limits the health rules judge a device by, as settings a farm can tune per device type (and
 * a group within it) instead of constants in code: stored in the `health` part of a farm's or
 * group's configuration layer (lib/configuration), never sent to devices.
 *
 * Two profiles: Milestone 92's (today's rules: battery 20/10 %, signal −90/−70 dBm, errors 5/10,
 * offline after 10 minutes; CPU and memory not judged) is the default; I-013 §6.1.1's
 * HealthMonitoringService (CPU 70/90 %, memory 80/95 %, battery 30/15 %, telemetry age 300/600 s)
 * is the alternative a farm can choose. Individual limits override the chosen profile.
 *
 * Safe in client components.
 */
import { z } from "zod";

export const HEALTH_PROFILES = ["m92", "i013"] as const;
export type HealthProfile = (typeof HEALTH_PROFILES)[number];
export const HEALTH_PROFILE_LABEL: Record<HealthProfile, string> = {
  m92: "Milestone 92 (battery 20/10 %, errors 5/10, offline after 10 min)",
  i013: "I-013 monitoring (CPU 70/90 %, memory 80/95 %, battery 30/15 %, telemetry age 300/600 s)",
};

const pct = (title: string) => z.number().min(0).max(100).meta({ title, unit: "%" });
const dbm = (title: string) => z.number().int().min(-150).max(0).meta({ title, unit: "dBm" });
const count = (title: string) => z.number().int().min(0).max(1_000_000).meta({ title });

/** Every limit, resolved. `null` for CPU and memory: not judged (the M92 profile). */
export const healthThresholdsSchema = z.strictObject({
  profile: z.enum(HEALTH_PROFILES).meta({ title: "Profile" }),
  battery_warning_below_pct: pct("Battery warning below"),
  battery_critical_below_pct: pct("Battery critical below"),
  signal_poor_below_dbm: dbm("Signal poor below"),
  signal_weak_below_dbm: dbm("Signal weak below"),
  errors_warning_above: count("Errors: warning above"),
  errors_critical_above: count("Errors: critical above"),
  /** Telemetry older than this makes a device degraded/warning (M92: none but offline). */
  telemetry_age_warning_sec: z.number().int().min(30).max(86_400).nullable().meta({ title: "Telemetry age warning after", unit: "s" }),
  /** Telemetry older than this: offline, critical (M92's 10 minutes). */
  telemetry_age_critical_sec: z.number().int().min(60).max(7 * 86_400).meta({ title: "Offline (critical) after", unit: "s" }),
  cpu_warning_above_pct: pct("CPU warning above").nullable(),
  cpu_critical_above_pct: pct("CPU critical above").nullable(),
  memory_warning_above_pct: pct("Memory warning above").nullable(),
  memory_critical_above_pct: pct("Memory critical above").nullable(),
});
export type HealthThresholds = z.infer<typeof healthThresholdsSchema>;

export const HEALTH_PROFILE_DEFAULTS: Record<HealthProfile, HealthThresholds> = {
  m92: {
    profile: "m92",
    battery_warning_below_pct: 20,
    battery_critical_below_pct: 10,
    signal_poor_below_dbm: -90,
    signal_weak_below_dbm: -70,
    errors_warning_above: 5,
    errors_critical_above: 10,
    telemetry_age_warning_sec: null,
    telemetry_age_critical_sec: 600,
    cpu_warning_above_pct: null,
    cpu_critical_above_pct: null,
    memory_warning_above_pct: null,
    memory_critical_above_pct: null,
  },
  i013: {
    profile: "i013",
    battery_warning_below_pct: 30,
    battery_critical_below_pct: 15,
    signal_poor_below_dbm: -90,
    signal_weak_below_dbm: -70,
    errors_warning_above: 5,
    errors_critical_above: 10,
    telemetry_age_warning_sec: 300,
    telemetry_age_critical_sec: 600,
    cpu_warning_above_pct: 70,
    cpu_critical_above_pct: 90,
    memory_warning_above_pct: 80,
    memory_critical_above_pct: 95,
  },
};

export const DEFAULT_HEALTH_THRESHOLDS = HEALTH_PROFILE_DEFAULTS.m92;

/** What a layer stores: any subset, unknown keys refused; the cross-field rules apply to the resolved whole. */
export const healthThresholdsPatchSchema = healthThresholdsSchema.partial();
export type HealthThresholdsPatch = z.infer<typeof healthThresholdsPatchSchema>;

/** The resolved whole must make sense: a critical limit beyond its warning one. */
export const resolvedHealthThresholdsSchema = healthThresholdsSchema.superRefine((t, ctx) => {
  const pair = (warning: number | null, critical: number | null, path: keyof HealthThresholds, direction: "below" | "above") => {
    if (warning === null || critical === null) return;
    if (direction === "below" ? critical > warning : critical < warning) {
      ctx.addIssue({ code: "custom", path: [path], message: `the critical limit must be ${direction === "below" ? "at or below" : "at or above"} the warning limit` });
    }
  };
  pair(t.battery_warning_below_pct, t.battery_critical_below_pct, "battery_critical_below_pct", "below");
  pair(t.signal_weak_below_dbm, t.signal_poor_below_dbm, "signal_poor_below_dbm", "below");
  pair(t.errors_warning_above, t.errors_critical_above, "errors_critical_above", "above");
  pair(t.telemetry_age_warning_sec, t.telemetry_age_critical_sec, "telemetry_age_critical_sec", "above");
  pair(t.cpu_warning_above_pct, t.cpu_critical_above_pct, "cpu_critical_above_pct", "above");
  pair(t.memory_warning_above_pct, t.memory_critical_above_pct, "memory_critical_above_pct", "above");
});

/**
 * The limits of a device from its layers' health parts, outermost first (farm, then groups): the
 * innermost layer that names a profile picks it; each named limit then overrides the profile's.
 */
export function resolveHealthThresholds(layers: readonly HealthThresholdsPatch[]): HealthThresholds {
  let profile: HealthProfile = "m92";
  for (const layer of layers) if (layer.profile) profile = layer.profile;
  const out: HealthThresholds = { ...HEALTH_PROFILE_DEFAULTS[profile] };
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) if (key !== "profile" && value !== undefined) (out as Record<string, unknown>)[key] = value;
  }
  return out;
}
