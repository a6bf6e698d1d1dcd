/**
 * Every farm and group override layer, loaded once (they are few: one per farm or group and device
 * type) with the group tree, so a device's layers are found in memory: the web page of one device,
 * the sweep over 100,000 and the campaign engine all resolve them the same way. A device's chain
 * is its farm's layer, then its group's ancestors from the outermost down to its own group.
 */
import type { Sql } from "../telemetry/sql";
import { defaultConfig, type ConfigDeviceType, type ConfigObject } from "./config-schemas";
import { effectiveConfig, type ConfigLayerInput, type EffectiveConfig } from "./config-layers";

export type LayerRow = {
  id: number;
  scope: "farm" | "group";
  farm_id: number | null;
  group_id: number | null;
  device_type: ConfigDeviceType;
  values: ConfigObject;
  health: ConfigObject;
  version: number;
};

export type DevicePlace = { deviceType: ConfigDeviceType; farmId: number; groupId: number | null };

export const TYPE_DEFAULTS_LABEL = "Type defaults";

export function scopeKey(scope: "farm" | "group", scopeId: number, deviceType: ConfigDeviceType) {
  return `${scope}:${scopeId}:${deviceType}`;
}

export class LayerBook {
  private readonly byKey = new Map<string, LayerRow>();
  private readonly chains = new Map<number, number[]>();
  private readonly memo = new Map<string, EffectiveConfig>();

  constructor(
    layers: readonly LayerRow[],
    private readonly groups: ReadonlyMap<number, { name: string; parentId: number | null }>,
    private readonly farms: ReadonlyMap<number, string>,
  ) {
    for (const layer of layers) this.byKey.set(scopeKey(layer.scope, (layer.scope === "farm" ? layer.farm_id : layer.group_id)!, layer.device_type), layer);
  }

  static async load(sql: Sql): Promise<LayerBook> {
    // One after the other: `sql` may be a single connection (a transaction), which runs one query at a time.
    const layers = await sql.query<LayerRow>(`SELECT id, scope, farm_id, group_id, device_type::text AS device_type, values, health, version FROM config_layers`);
    const groups = await sql.query<{ id: number; name: string; parent_id: number | null }>(`SELECT id, name, parent_id FROM device_groups`);
    const farms = await sql.query<{ id: number; name: string }>(`SELECT id, name FROM farms`);
    return new LayerBook(
      layers.rows,
      new Map(groups.rows.map((group) => [group.id, { name: group.name, parentId: group.parent_id }])),
      new Map(farms.rows.map((farm) => [farm.id, farm.name])),
    );
  }

  /** The group and its ancestors, outermost first (a cycle, which the groups module forbids, stops the walk). */
  groupChain(groupId: number | null): number[] {
    if (groupId === null) return [];
    const known = this.chains.get(groupId);
    if (known) return known;
    const chain: number[] = [];
    for (let id: number | null = groupId; id !== null && !chain.includes(id); id = this.groups.get(id)?.parentId ?? null) chain.unshift(id);
    this.chains.set(groupId, chain);
    return chain;
  }

  layer(scope: "farm" | "group", scopeId: number, deviceType: ConfigDeviceType): LayerRow | undefined {
    return this.byKey.get(scopeKey(scope, scopeId, deviceType));
  }

  /** Defaults, farm, groups (outermost first): every layer above the device's own. */
  inheritedLayers(place: DevicePlace): ConfigLayerInput[] {
    const layers: ConfigLayerInput[] = [{ kind: "defaults", label: TYPE_DEFAULTS_LABEL, values: defaultConfig(place.deviceType) }];
    const farm = this.layer("farm", place.farmId, place.deviceType);
    if (farm) layers.push({ kind: "farm", label: `Farm ${this.farms.get(place.farmId) ?? place.farmId}`, id: place.farmId, values: farm.values });
    for (const groupId of this.groupChain(place.groupId)) {
      const group = this.layer("group", groupId, place.deviceType);
      if (group) layers.push({ kind: "group", label: `Group ${this.groups.get(groupId)?.name ?? groupId}`, id: groupId, values: group.values });
    }
    return layers;
  }

  /** What the device inherits (no overrides of its own). Memoised per place: most devices share one. */
  inherited(place: DevicePlace): EffectiveConfig {
    const key = `${place.deviceType}:${place.farmId}:${place.groupId ?? ""}`;
    let found = this.memo.get(key);
    if (!found) {
      found = effectiveConfig(this.inheritedLayers(place));
      this.memo.set(key, found);
    }
    return found;
  }

  /** The effective configuration with the device's own overrides on top. */
  effective(place: DevicePlace, overrides: ConfigObject): EffectiveConfig {
    if (Object.keys(overrides).length === 0) return this.inherited(place);
    return effectiveConfig([...this.inheritedLayers(place), { kind: "device", label: "This device", values: overrides }]);
  }

  /** The partial health thresholds of the device's layers, outermost first (lib/health reads them). */
  healthLayers(place: DevicePlace): ConfigObject[] {
    const out: ConfigObject[] = [];
    const farm = this.layer("farm", place.farmId, place.deviceType);
    if (farm && Object.keys(farm.health).length) out.push(farm.health);
    for (const groupId of this.groupChain(place.groupId)) {
      const group = this.layer("group", groupId, place.deviceType);
      if (group && Object.keys(group.health).length) out.push(group.health);
    }
    return out;
  }
}
