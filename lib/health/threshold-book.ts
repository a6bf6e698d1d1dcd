/**
 * Each device's health limits, found in memory: the farm and group layers' `health` parts
 * (lib/configuration/layer-book.ts) resolved once per place (device type, farm, group) — most of
 * a fleet shares a handful of places, so 100,000 devices cost a few hundred resolutions, not
 * 100,000. The sweep loads a book per run (four small reads); the ingest path, which judges a
 * window every few hundred milliseconds, keeps one in a `ThresholdCache` refreshed every
 * `maxAgeMs` or when told (a layer was written: NOTIFY sdm_config).
 *
 * `loosest()` is what SQL screens use: for every limit the value that lets the most devices
 * through among every value any device could resolve to — the M92 defaults, every profile a layer
 * names, every limit a layer sets — so a screen built on it misses no device; the exact per-device
 * rule then decides in Node.
 */
import { LayerBook, type DevicePlace } from "../configuration/layer-book";
import type { ConfigDeviceType } from "../configuration/config-schemas";
import type { Db } from "../db";
import type { Sql } from "../telemetry/sql";
import {
  DEFAULT_HEALTH_THRESHOLDS,
  HEALTH_PROFILE_DEFAULTS,
  healthThresholdsPatchSchema,
  resolveHealthThresholds,
  type HealthThresholds,
  type HealthThresholdsPatch,
} from "./health-thresholds";

/** For each limit, the most permissive value any device may have (see the module comment). */
export type LoosestLimits = {
  /** Highest "below" limits: a battery under it may be low somewhere. */
  batteryWarningBelowPct: number;
  signalPoorBelowDbm: number;
  /** Lowest "above" limits; null: no device judges it. */
  errorsWarningAbove: number;
  cpuWarningAbovePct: number | null;
  memoryWarningAbovePct: number | null;
  /** The shortest age after which any rule (late, offline, connection aging) may say something. */
  shortestAgeMs: number;
};

/** A device's place as the sweep and ingest read it from its row. */
export type HealthPlace = { deviceType: string; farmId: number | null; groupId: number | null };

export type ThresholdLookup = (place: HealthPlace) => HealthThresholds;

const minOrNull = (values: (number | null)[]) => {
  const known = values.filter((value): value is number => value !== null);
  return known.length ? Math.min(...known) : null;
};

export class ThresholdBook {
  private readonly memo = new Map<string, HealthThresholds>();
  private loosestLimits: LoosestLimits | null = null;
  /** Layers whose health part is not a valid patch (written around the layer service): ignored, counted. */
  readonly invalidLayers: number;

  private constructor(
    private readonly book: LayerBook | null,
    private readonly patches: readonly HealthThresholdsPatch[],
    invalidLayers: number,
  ) {
    this.invalidLayers = invalidLayers;
  }

  /** M92's limits for everyone: what a caller without layers judges by. */
  static readonly defaults = new ThresholdBook(null, [], 0);

  static async load(sql: Sql): Promise<ThresholdBook> {
    // One after the other: `sql` may be a single connection. (A layer written between the two
    // reads is caught by the next load, a sweep or a cache refresh later.)
    const book = await LayerBook.load(sql);
    const { rows } = await sql.query<{ health: unknown }>(`SELECT health FROM config_layers WHERE health <> '{}'::jsonb`);
    return ThresholdBook.from(book, rows.map((row) => row.health));
  }

  /** From a loaded layer book and every layer's health part (`SELECT health FROM config_layers`). */
  static from(book: LayerBook, healthParts: readonly unknown[]): ThresholdBook {
    const patches: HealthThresholdsPatch[] = [];
    let invalid = 0;
    for (const health of healthParts) {
      const parsed = healthThresholdsPatchSchema.safeParse(health);
      if (parsed.success) patches.push(parsed.data);
      else invalid += 1;
    }
    return new ThresholdBook(book, patches, invalid);
  }

  /** The device's limits: its layers' health parts resolved over its profile. Memoised per place. */
  thresholds(place: HealthPlace): HealthThresholds {
    if (!this.book || this.patches.length === 0) return DEFAULT_HEALTH_THRESHOLDS;
    const key = `${place.deviceType}:${place.farmId ?? ""}:${place.groupId ?? ""}`;
    let found = this.memo.get(key);
    if (!found) {
      const layers = place.farmId === null ? [] : this.book.healthLayers({ ...place, farmId: place.farmId, deviceType: place.deviceType as ConfigDeviceType } satisfies DevicePlace);
      found = resolveHealthThresholds(layers.map((layer) => {
        const parsed = healthThresholdsPatchSchema.safeParse(layer);
        return parsed.success ? parsed.data : {};
      }));
      this.memo.set(key, found);
    }
    return found;
  }

  /** `thresholds` as a function, for callers that take a lookup. */
  readonly lookup: ThresholdLookup = (place) => this.thresholds(place);

  loosest(): LoosestLimits {
    if (this.loosestLimits) return this.loosestLimits;
    // Every value a resolved limit can take comes from the default profile, a profile some layer
    // names, or a layer's own value.
    const candidates: HealthThresholdsPatch[] = [DEFAULT_HEALTH_THRESHOLDS, ...this.patches];
    for (const patch of this.patches) if (patch.profile) candidates.push(HEALTH_PROFILE_DEFAULTS[patch.profile]);
    const all = <K extends keyof HealthThresholds>(key: K) =>
      candidates.filter((patch) => patch[key] !== undefined).map((patch) => patch[key] as HealthThresholds[K]);
    const ages = [
      ...all("telemetry_age_warning_sec").filter((age): age is number => age !== null),
      ...all("telemetry_age_critical_sec"),
    ].map((sec) => sec * 1000);
    this.loosestLimits = {
      batteryWarningBelowPct: Math.max(...all("battery_warning_below_pct")),
      signalPoorBelowDbm: Math.max(...all("signal_poor_below_dbm")),
      errorsWarningAbove: Math.min(...all("errors_warning_above")),
      cpuWarningAbovePct: minOrNull([...all("cpu_warning_above_pct"), ...all("cpu_critical_above_pct")]),
      memoryWarningAbovePct: minOrNull([...all("memory_warning_above_pct"), ...all("memory_critical_above_pct")]),
      // Connection aging starts at I-013's 5 minutes whatever the limits (it is only ever stretched).
      shortestAgeMs: Math.min(5 * 60_000, ...ages),
    };
    return this.loosestLimits;
  }
}

/**
 * A ThresholdBook kept fresh for a long-running worker: `current()` returns the loaded book,
 * reloading it when older than `maxAgeMs` or after `invalidate()`; concurrent callers share one
 * load. A failed reload keeps the previous book (limits a minute old beat no telemetry stored).
 */
export class ThresholdCache {
  private book: ThresholdBook | null = null;
  private loadedAt = 0;
  private loading: Promise<ThresholdBook> | null = null;
  private stale = false;

  constructor(
    private readonly sql: Sql,
    private readonly maxAgeMs = 30_000,
    private readonly clock: () => number = Date.now,
  ) {}

  /** A layer changed: the next `current()` reloads. */
  invalidate() {
    this.stale = true;
  }

  async current(): Promise<ThresholdBook> {
    if (this.book && !this.stale && this.clock() - this.loadedAt < this.maxAgeMs) return this.book;
    if (!this.loading) {
      this.stale = false;
      const started = this.clock();
      this.loading = ThresholdBook.load(this.sql)
        .then((book) => {
          this.book = book;
          this.loadedAt = started;
          return book;
        })
        .catch((error: unknown) => {
          if (this.book) return this.book;
          throw error;
        })
        .finally(() => {
          this.loading = null;
        });
    }
    return this.loading;
  }
}

/**
 * One device's limits for a page (the health charts' reference lines): its farm's layer and its
 * groups' (outermost ancestor first) read in one statement, resolved. Unknown device: M92's.
 */
export async function deviceHealthThresholds(db: Db, deviceDbId: number): Promise<HealthThresholds> {
  const rows = await db.$queryRaw<{ health: unknown }[]>`
    WITH RECURSIVE device AS (
           SELECT device_type, farm_id, group_id FROM devices WHERE id = ${deviceDbId}),
         chain AS (
           SELECT g.id, g.parent_id, 0 AS depth FROM device_groups g JOIN device ON g.id = device.group_id
           UNION ALL
           SELECT g.id, g.parent_id, c.depth + 1 FROM device_groups g JOIN chain c ON g.id = c.parent_id WHERE c.depth < 64)
    SELECT l.health
      FROM config_layers l
      JOIN device ON l.device_type = device.device_type
      LEFT JOIN chain c ON l.scope = 'group' AND l.group_id = c.id
     WHERE (l.scope = 'farm' AND l.farm_id = device.farm_id) OR c.id IS NOT NULL
     -- outermost first: the farm, then the groups from the top of the tree down
     ORDER BY CASE WHEN l.scope = 'farm' THEN 2147483647 ELSE c.depth END DESC`;
  return resolveHealthThresholds(rows.map((row) => {
    const parsed = healthThresholdsPatchSchema.safeParse(row.health);
    return parsed.success ? parsed.data : {};
  }));
}
