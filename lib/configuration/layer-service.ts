/**
 * A farm's or a group's configuration layer for one device type: the settings its devices inherit
 * (on top of the type's defaults, under their own overrides) and the health limits they are judged
 * by. Changing one checks that every configuration it reaches stays valid (the layer's own place
 * every group layer below it, every device with values of its own below it), uses the layer's version a person started from (stale → 409),
 * and writes only the layer, its audit line and a NOTIFY: the worker's sweep turns the change into
 * new versions of the devices it reaches (source `layer`), in bulk.
 */
import { Prisma } from "@prisma/client";
import { recordAudit } from "../audit/record";
import { farmScope, permissionRefusal, type Actor } from "../auth/permissions";
import type { Db } from "../db";
import { ConflictError, ForbiddenError, InvalidError, NotFoundError } from "../errors";
import { groupVisible, groupWriteRefusal } from "../groups/group-rules";
import { healthThresholdsPatchSchema, resolveHealthThresholds, resolvedHealthThresholdsSchema, type HealthThresholds, type HealthThresholdsPatch } from "../health/health-thresholds";
import { prismaSql } from "../ota/job-stops";
import type { Sql } from "../telemetry/sql";
import { changeSummary, configDiff, type ConfigDiff } from "./config-diff";
import { invalidConfig } from "./config-errors";
import { canonicalJson } from "./config-hash";
import { effectiveConfig, type EffectiveConfig } from "./config-layers";
import { notifyConfigChanged } from "./config-notify";
import { CONFIG_PATCH_SCHEMAS, CONFIG_SCHEMAS, configJsonSchema, type ConfigDeviceType, type ConfigObject } from "./config-schemas";
import { LayerBook, scopeKey, type DevicePlace, type LayerRow } from "./layer-book";

export const LAYER_SCOPES = ["farm", "group"] as const;
export type LayerScope = (typeof LAYER_SCOPES)[number];

type Tx = Prisma.TransactionClient;

/** A cross-farm group's devices inherit no farm layer of one farm: the place of "no farm". */
const NO_FARM = -1;

type Target = {
  scope: LayerScope;
  id: number;
  name: string;
  /** The farm (a group's farm; null for a cross-farm group). */
  farmId: number | null;
  parentId: number | null;
  deviceTypeFilter: string | null;
};

export type LayerView = {
  scope: LayerScope;
  scopeId: number;
  scopeName: string;
  farmId: number | null;
  deviceType: ConfigDeviceType;
  /** false: no layer yet (version 0); a PUT with `version: 0` creates it. */
  exists: boolean;
  values: ConfigObject;
  health: HealthThresholdsPatch;
  version: number;
  reason: string | null;
  updatedBy: string | null;
  updatedAt: Date | null;
  /** What the layer sits on: defaults, then (for a group) its farm's and parent groups' layers. */
  inherited: EffectiveConfig;
  /** The configuration of a device here without overrides of its own. */
  effective: EffectiveConfig;
  inheritedHealth: HealthThresholds;
  effectiveHealth: HealthThresholds;
  /** Devices of the type this layer reaches (retired ones left out). */
  devices: number;
  schema: ReturnType<typeof configJsonSchema>;
};

export type LayerInput = { values?: unknown; health?: unknown; version: number; reason?: string | null };
export type LayerPreview = { devices: number; diff: ConfigDiff; changeSummary: string; healthBefore: HealthThresholds; healthAfter: HealthThresholds };

const WRITE_TX = { timeout: 20_000, maxWait: 10_000 };

// ---------------------------------------------------------------- the farm or group

function assertMayManage(actor: Actor) {
  const refusal = permissionRefusal(actor, "config.manage");
  if (refusal) throw new ForbiddenError(refusal);
}

async function findTarget(db: Pick<Tx, "farm" | "deviceGroup">, actor: Actor, scope: LayerScope, id: number, forWrite: boolean): Promise<Target> {
  const actorFarm = farmScope(actor);
  if (scope === "farm") {
    const farm = await db.farm.findUnique({ where: { id }, select: { id: true, name: true } });
    if (!farm || (actorFarm !== null && actorFarm !== id)) throw new NotFoundError(`Farm ${id} not found.`);
    return { scope, id, name: farm.name, farmId: id, parentId: null, deviceTypeFilter: null };
  }
  const group = await db.deviceGroup.findUnique({ where: { id }, select: { id: true, name: true, farmId: true, parentId: true, deviceTypeFilter: true } });
  if (!group || !groupVisible(actorFarm, group.farmId)) throw new NotFoundError(`Group ${id} not found.`);
  if (forWrite) {
    const refusal = groupWriteRefusal(actorFarm, group.farmId);
    if (refusal) throw new ForbiddenError(refusal);
  }
  return { scope, id, name: group.name, farmId: group.farmId, parentId: group.parentId, deviceTypeFilter: group.deviceTypeFilter };
}

// ---------------------------------------------------------------- the layers, with one replaced

type Book = { book: LayerBook; layers: LayerRow[]; groups: Map<number, { name: string; parentId: number | null; farmId: number | null }>; farms: Map<number, string> };

/** LayerBook.load's rows, kept so a proposed change can be tried on a copy. */
async function loadBook(sql: Sql): Promise<Book> {
  const layers = (await sql.query<LayerRow>(`SELECT id, scope, farm_id, group_id, device_type::text AS device_type, values, health, version FROM config_layers`)).rows;
  const groupRows = (await sql.query<{ id: number; name: string; parent_id: number | null; farm_id: number | null }>(`SELECT id, name, parent_id, farm_id FROM device_groups`)).rows;
  const farmRows = (await sql.query<{ id: number; name: string }>(`SELECT id, name FROM farms`)).rows;
  const groups = new Map(groupRows.map((g) => [g.id, { name: g.name, parentId: g.parent_id, farmId: g.farm_id }]));
  const farms = new Map(farmRows.map((f) => [f.id, f.name]));
  return { book: new LayerBook(layers, groups, farms), layers, groups, farms };
}

const keyOf = (layer: Pick<LayerRow, "scope" | "farm_id" | "group_id" | "device_type">) => scopeKey(layer.scope, (layer.scope === "farm" ? layer.farm_id : layer.group_id)!, layer.device_type);

/** The same book with this target's layer replaced (or removed: `next` null). */
function withLayer(base: Book, target: Target, type: ConfigDeviceType, next: { values: ConfigObject; health: ConfigObject } | null): LayerBook {
  const key = scopeKey(target.scope, target.id, type);
  const layers = base.layers.filter((layer) => keyOf(layer) !== key);
  if (next) layers.push({ id: 0, scope: target.scope, farm_id: target.scope === "farm" ? target.id : null, group_id: target.scope === "group" ? target.id : null, device_type: type, values: next.values, health: next.health, version: 0 });
  return new LayerBook(layers, base.groups, base.farms);
}

/** The place of a device that inherits exactly this layer (no group of its own below it). */
function placeOf(target: Target, type: ConfigDeviceType, farmId: number | null = target.farmId): DevicePlace {
  return { deviceType: type, farmId: farmId ?? NO_FARM, groupId: target.scope === "group" ? target.id : null };
}

/** The groups under the target (itself included for a group): where a change of it reaches. */
function reachedGroups(base: Book, target: Target): number[] {
  const ids: number[] = [];
  for (const [id, group] of base.groups) {
    if (target.scope === "farm" ? group.farmId === target.id : base.book.groupChain(id).includes(target.id)) ids.push(id);
  }
  return ids;
}

/**
 * Every configuration the change reaches must stay valid: a device right under the layer, and one
 * under each group layer of the type below it (their values sit on this one).
 */
function checkReach(base: Book, proposed: LayerBook, target: Target, type: ConfigDeviceType) {
  const places: { place: DevicePlace; where: string | null }[] = [];
  const farms = target.farmId !== null ? [target.farmId] : [NO_FARM, ...base.layers.filter((l) => l.scope === "farm" && l.device_type === type).map((l) => l.farm_id!)];
  for (const farmId of farms) places.push({ place: placeOf(target, type, farmId), where: farmId === target.farmId || farmId === NO_FARM ? null : `devices of farm ${base.farms.get(farmId) ?? farmId}` });
  const below = new Set(reachedGroups(base, target).filter((id) => !(target.scope === "group" && id === target.id) && base.book.layer("group", id, type)));
  for (const groupId of below) {
    const group = base.groups.get(groupId)!;
    places.push({ place: { deviceType: type, farmId: group.farmId ?? target.farmId ?? NO_FARM, groupId }, where: `group ${group.name}, whose own settings sit on these` });
  }
  for (const { place, where } of places) {
    const config = CONFIG_SCHEMAS[type].safeParse(proposed.inherited(place).config);
    if (!config.success) throw invalidConfig(where ? `With this change the configuration of ${where} is not valid` : "With this change the configuration is not valid", config.error);
    const health = resolvedHealthThresholdsSchema.safeParse(resolveHealthThresholds(proposed.healthLayers(place) as HealthThresholdsPatch[]));
    if (!health.success) throw invalidConfig(where ? `With this change the health limits of ${where} do not make sense` : "With this change the health limits do not make sense", health.error, "health");
  }
}

/**
 * Devices with values of their own under the layer must stay valid too (an own ammonia_critical
 * below the farm's new ammonia_high): checked once per distinct place and set of own values, so a
 * farm of many devices with the same few overrides costs a few checks.
 */
async function checkOwnValues(sql: Sql, base: Book, proposed: LayerBook, target: Target, type: ConfigDeviceType) {
  const groups = target.scope === "group" ? reachedGroups(base, target) : [];
  const { rows } = await sql.query<{ device_id: string; devices: number; farm_id: number; group_id: number | null; overrides: ConfigObject }>(
    `SELECT min(d.device_id) AS device_id, count(*)::int AS devices, d.farm_id, d.group_id, s.overrides
       FROM device_states s JOIN devices d ON d.id = s.device_id
      WHERE d.device_type = $1::"DeviceType" AND d.state <> 'decommissioned' AND s.overrides <> '{}'::jsonb
        AND ${target.scope === "farm" ? "d.farm_id = $2" : "d.group_id = ANY($2::int[])"}
      GROUP BY d.farm_id, d.group_id, s.overrides
      ORDER BY 1
      LIMIT 10000`,
    [type, target.scope === "farm" ? target.id : groups],
  );
  for (const row of rows) {
    const config = CONFIG_SCHEMAS[type].safeParse(proposed.effective({ deviceType: type, farmId: row.farm_id, groupId: row.group_id }, row.overrides).config);
    if (!config.success) {
      const who = row.devices > 1 ? `${row.device_id} and ${row.devices - 1} more devices with the same own values` : row.device_id;
      throw invalidConfig(`With this change the configuration of ${who} is not valid: change or remove their own values first`, config.error);
    }
  }
}

// ---------------------------------------------------------------- reading

async function countDevices(db: Pick<Tx, "device">, base: Book, target: Target, type: ConfigDeviceType): Promise<number> {
  const where: Prisma.DeviceWhereInput = { deviceType: type, state: { not: "decommissioned" } };
  return db.device.count({ where: target.scope === "farm" ? { ...where, farmId: target.id } : { ...where, groupId: { in: reachedGroups(base, target) } } });
}

function inheritedOf(book: LayerBook, target: Target, type: ConfigDeviceType): { config: EffectiveConfig; health: HealthThresholdsPatch[] } {
  if (target.scope === "farm") return { config: effectiveConfig(book.inheritedLayers({ deviceType: type, farmId: NO_FARM, groupId: null })), health: [] };
  const parentPlace = { deviceType: type, farmId: target.farmId ?? NO_FARM, groupId: target.parentId };
  return { config: book.inherited(parentPlace), health: book.healthLayers(parentPlace) as HealthThresholdsPatch[] };
}

export async function getLayer(db: Db, actor: Actor, scope: LayerScope, id: number, type: ConfigDeviceType): Promise<LayerView> {
  const target = await findTarget(db, actor, scope, id, false);
  const base = await loadBook(prismaSql(db));
  const row = await db.configLayer.findUnique({ where: { scopeKey: scopeKey(scope, id, type) }, select: { values: true, health: true, version: true, reason: true, updatedAt: true, updatedBy: { select: { name: true } } } });
  const inherited = inheritedOf(base.book, target, type);
  const place = placeOf(target, type);
  const values = (row?.values ?? {}) as ConfigObject;
  const health = (row?.health ?? {}) as HealthThresholdsPatch;
  return {
    scope,
    scopeId: id,
    scopeName: target.name,
    farmId: target.farmId,
    deviceType: type,
    exists: row !== null,
    values,
    health,
    version: row?.version ?? 0,
    reason: row?.reason ?? null,
    updatedBy: row?.updatedBy?.name ?? null,
    updatedAt: row?.updatedAt ?? null,
    inherited: inherited.config,
    effective: base.book.inherited(place),
    inheritedHealth: resolveHealthThresholds(inherited.health),
    effectiveHealth: resolveHealthThresholds([...inherited.health, health]),
    devices: await countDevices(db, base, target, type),
    schema: configJsonSchema(type),
  };
}

// ---------------------------------------------------------------- changing

function parseInput(type: ConfigDeviceType, input: Pick<LayerInput, "values" | "health">): { values: ConfigObject; health: ConfigObject } {
  const values = CONFIG_PATCH_SCHEMAS[type].safeParse(input.values ?? {});
  if (!values.success) throw invalidConfig(`These are not valid ${type} settings`, values.error);
  const health = healthThresholdsPatchSchema.safeParse(input.health ?? {});
  if (!health.success) throw invalidConfig("These are not valid health limits", health.error, "health");
  return { values: values.data, health: health.data as ConfigObject };
}

function assertTypeFits(target: Target, type: ConfigDeviceType) {
  if (target.deviceTypeFilter && target.deviceTypeFilter !== type) {
    throw new InvalidError(`Group ${target.name} holds ${target.deviceTypeFilter} devices only: ${type} settings would reach none.`, { deviceType: [`Only ${target.deviceTypeFilter}`] });
  }
}

type LockedLayer = { id: number; version: number; values: ConfigObject; health: ConfigObject };

async function lockLayer(sql: Sql, key: string): Promise<LockedLayer | null> {
  const { rows } = await sql.query<LockedLayer>(`SELECT id, version, values, health FROM config_layers WHERE scope_key = $1 FOR UPDATE`, [key]);
  return rows[0] ?? null;
}

function staleLayer(target: Target, type: ConfigDeviceType, current: number, base: number) {
  const what = `The ${type} settings of ${target.scope} ${target.name}`;
  return new ConflictError(
    current === 0 ? `${what} were removed since you opened them (you started from version ${base}). Reload and make your change again.` : `${what} changed since you opened them: they are at version ${current} now, you started from version ${base}. Reload and make your change again.`,
    { version: [current === 0 ? "No layer any more" : `Version ${current} is the latest`] },
  );
}

/** What a change of the layer would do, without making it: devices reached and the configuration before/after. */
export async function previewLayerChange(db: Db, actor: Actor, scope: LayerScope, id: number, type: ConfigDeviceType, input: Pick<LayerInput, "values" | "health">): Promise<LayerPreview> {
  const target = await findTarget(db, actor, scope, id, false);
  const next = parseInput(type, input);
  const base = await loadBook(prismaSql(db));
  const proposed = withLayer(base, target, type, next);
  checkReach(base, proposed, target, type);
  await checkOwnValues(prismaSql(db), base, proposed, target, type);
  const place = placeOf(target, type);
  const before = base.book.inherited(place).config;
  const after = proposed.inherited(place).config;
  return {
    devices: await countDevices(db, base, target, type),
    diff: configDiff(before, after),
    changeSummary: changeSummary(before, after),
    healthBefore: resolveHealthThresholds(base.book.healthLayers(place) as HealthThresholdsPatch[]),
    healthAfter: resolveHealthThresholds(proposed.healthLayers(place) as HealthThresholdsPatch[]),
  };
}

const isUniqueViolation = (error: unknown) => error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";

/**
 * Creates (`version: 0`) or replaces the layer's values and health limits (the whole layer: what
 * is left out is inherited again). The worker's sweep makes the devices' new versions.
 */
export async function putLayer(db: Db, actor: Actor, scope: LayerScope, id: number, type: ConfigDeviceType, input: LayerInput): Promise<LayerView> {
  assertMayManage(actor);
  try {
    await db.$transaction(async (tx) => {
      const target = await findTarget(tx, actor, scope, id, true);
      assertTypeFits(target, type);
      const next = parseInput(type, input);
      const sql = prismaSql(tx);
      const key = scopeKey(scope, id, type);
      const current = await lockLayer(sql, key);
      if ((current?.version ?? 0) !== input.version) throw staleLayer(target, type, current?.version ?? 0, input.version);
      const base = await loadBook(sql);
      const proposed = withLayer(base, target, type, next);
      checkReach(base, proposed, target, type);
      await checkOwnValues(sql, base, proposed, target, type);
      if (current && canonicalJson(current.values) === canonicalJson(next.values) && canonicalJson(current.health) === canonicalJson(next.health)) {
        throw new InvalidError(`Nothing changed: the ${type} settings of ${scope} ${target.name} already are these (version ${current.version}).`, { values: ["Same as now"] });
      }
      const data = { values: next.values as Prisma.InputJsonValue, health: next.health as Prisma.InputJsonValue, reason: input.reason ?? null, updatedById: actor.kind === "user" ? actor.id : null, updatedAt: new Date() };
      const saved = current
        ? await tx.configLayer.update({ where: { id: current.id }, data: { ...data, version: { increment: 1 } }, select: { version: true } })
        : await tx.configLayer.create({ data: { ...data, scope, scopeKey: key, farmId: scope === "farm" ? id : null, groupId: scope === "group" ? id : null, deviceType: type, version: 1 }, select: { version: true } });
      await recordAudit(tx, actor, {
        entityType: scope,
        entityId: String(id),
        action: current ? "config_layer_changed" : "config_layer_created",
        before: current ? ({ deviceType: type, version: current.version, values: current.values, health: current.health } as Prisma.InputJsonValue) : undefined,
        after: { deviceType: type, version: saved.version, values: next.values, health: next.health, ...(input.reason ? { reason: input.reason } : {}) } as Prisma.InputJsonValue,
      });
    }, WRITE_TX);
  } catch (error) {
    // Two people creating the same layer at once: the second insert lost the race on the key.
    if (isUniqueViolation(error)) throw new ConflictError(`Someone created the ${type} settings of this ${scope} meanwhile. Reload and make your change again.`, { version: ["The layer exists now"] });
    throw error;
  }
  await notifyConfigChanged(db);
  return getLayer(db, actor, scope, id, type);
}

/** Removes the layer: its devices inherit from above again (after the worker's sweep). */
export async function deleteLayer(db: Db, actor: Actor, scope: LayerScope, id: number, type: ConfigDeviceType, input: { version: number; reason?: string | null }): Promise<{ deleted: true; devices: number }> {
  assertMayManage(actor);
  const devices = await db.$transaction(async (tx) => {
    const target = await findTarget(tx, actor, scope, id, true);
    const sql = prismaSql(tx);
    const current = await lockLayer(sql, scopeKey(scope, id, type));
    if (!current) throw new NotFoundError(`${scope === "farm" ? "Farm" : "Group"} ${target.name} has no ${type} settings of its own.`);
    if (current.version !== input.version) throw staleLayer(target, type, current.version, input.version);
    const base = await loadBook(sql);
    const proposed = withLayer(base, target, type, null);
    checkReach(base, proposed, target, type);
    await checkOwnValues(sql, base, proposed, target, type);
    await tx.configLayer.delete({ where: { id: current.id } });
    await recordAudit(tx, actor, {
      entityType: scope,
      entityId: String(id),
      action: "config_layer_removed",
      before: { deviceType: type, version: current.version, values: current.values, health: current.health } as Prisma.InputJsonValue,
      ...(input.reason ? { after: { reason: input.reason } } : {}),
    });
    return countDevices(tx, base, target, type);
  }, WRITE_TX);
  await notifyConfigChanged(db);
  return { deleted: true, devices };
}
