/**
 * One device's configuration as people and the API see and change it (I-013 §5.1–5.2): the
 * effective configuration with the layer every value comes from, the device's own overrides, its
 * shadow (desired versus reported, and a sync status), the version history with diffs, an edit
 * (a partial change validated per type, merged, the whole validated again) and a rollback to any
 * version. Every change is a new immutable version written by `writeVersions` in one transaction
 * that first checks the version the person started from (stale → 409); the worker delivers it.
 */
import type { Prisma } from "@prisma/client";
import { recordAudit } from "../audit/record";
import { permissionRefusal, type Actor } from "../auth/permissions";
import { findScopedDevice, type DeviceRef } from "../devices/find-device";
import type { Db } from "../db";
import { ConflictError, ForbiddenError, InvalidError, NotFoundError } from "../errors";
import { prismaSql } from "../ota/job-stops";
import type { Sql } from "../telemetry/sql";
import { resolveHealthThresholds, type HealthThresholds, type HealthThresholdsPatch } from "../health/health-thresholds";
import { changeSummary, configDiff, type ConfigDiff } from "./config-diff";
import { invalidConfig } from "./config-errors";
import { canonicalJson, configHash } from "./config-hash";
import { flattenConfig, withoutPaths, type LayerSource } from "./config-layers";
import { notifyConfigChanged } from "./config-notify";
import { CONFIG_PATCH_SCHEMAS, CONFIG_SCHEMAS, configJsonSchema, defaultConfig, isConfigDeviceType, type ConfigDeviceType, type ConfigObject } from "./config-schemas";
import { mergeOverrides, overridesToReach, writeVersions, type VersionSource } from "./config-versions";
import { LayerBook, type DevicePlace } from "./layer-book";
import { syncStatus, type SyncStatus } from "./sync-status";

type Tx = Prisma.TransactionClient;
export type { DeviceRef };

export type ConfigDevice = { pk: number; deviceId: string; name: string; deviceType: ConfigDeviceType; farmId: number; groupId: number | null; state: string };

export type ShadowView = {
  desiredVersion: number;
  desiredHash: string | null;
  desiredAt: Date | null;
  sentVersion: number | null;
  sentAt: Date | null;
  sendAttempts: number;
  reportedVersion: number | null;
  reportedHash: string | null;
  reportedAt: Date | null;
  status: string;
  statusReason: string | null;
  driftSince: Date | null;
  drifted: boolean;
  syncStatus: SyncStatus;
};

export type DeviceConfiguration = {
  device: ConfigDevice;
  /** The effective configuration now: defaults ← farm ← groups ← the device's own overrides. */
  configuration: ConfigObject;
  /** The desired version (0: none yet — the type's factory defaults). */
  version: number;
  hash: string | null;
  /** Dotted path → the layer its value comes from. */
  sources: Record<string, LayerSource>;
  /** The device's own layer. */
  overrides: ConfigObject;
  /** What the device would run without overrides of its own (a "back to inherited" shows this value). */
  inherited: ConfigObject;
  /**
   * A farm or group layer changed since the desired version was made: the worker's sweep is about
   * to make a new version (source `layer`) with `configuration`.
   */
  layerChangePending: boolean;
  shadow: ShadowView;
  syncStatus: SyncStatus;
  /** The health limits the health rules judge this device by (from its farm's and groups' layers). */
  healthThresholds: HealthThresholds;
  /** JSON Schema of the type's configuration (titles, units, ranges): the form is generated from it. */
  schema: ReturnType<typeof configJsonSchema>;
};

export type VersionSummary = {
  version: number;
  hash: string;
  changeSummary: string | null;
  reason: string | null;
  source: string;
  rollbackOf: number | null;
  jobId: number | null;
  status: string;
  statusReason: string | null;
  author: string | null;
  createdAt: Date;
  sentAt: Date | null;
  appliedAt: Date | null;
  /** The device's desired version now. */
  current: boolean;
};
export type VersionDetail = VersionSummary & { configuration: ConfigObject; overrides: ConfigObject; reported: unknown };

export type ChangeOutcome = { deviceId: string; version: number; previousVersion: number; status: "pending" | "applied"; changeSummary: string; hash: string };

const WRITE_TX = { timeout: 20_000, maxWait: 10_000 };

// ---------------------------------------------------------------- finding the device

const DEVICE_SELECT = { id: true, deviceId: true, name: true, deviceType: true, farmId: true, groupId: true, state: true } as const;

/** Another farm's device is "not found", as a missing one. */
async function findDevice(db: Pick<Tx, "device">, actor: Actor, ref: DeviceRef): Promise<ConfigDevice> {
  const row = await findScopedDevice(db, actor, ref, DEVICE_SELECT);
  if (!isConfigDeviceType(row.deviceType)) throw new NotFoundError(`No device ${String(ref)}.`);
  return { pk: row.id, deviceId: row.deviceId, name: row.name, deviceType: row.deviceType, farmId: row.farmId, groupId: row.groupId, state: row.state };
}

function assertMay(actor: Actor) {
  const refusal = permissionRefusal(actor, "config.write");
  if (refusal) throw new ForbiddenError(refusal);
}

const placeOf = (device: ConfigDevice): DevicePlace => ({ deviceType: device.deviceType, farmId: device.farmId, groupId: device.groupId });
const isEmpty = (config: ConfigObject) => Object.keys(config).length === 0;

// ---------------------------------------------------------------- reading

const SHADOW_SELECT = {
  overrides: true,
  desiredVersion: true,
  desiredHash: true,
  desiredAt: true,
  sentVersion: true,
  sentAt: true,
  sendAttempts: true,
  reportedVersion: true,
  reportedHash: true,
  reportedAt: true,
  status: true,
  statusReason: true,
  driftSince: true,
  drifted: true,
} as const;

type ShadowRow = Prisma.DeviceShadowGetPayload<{ select: typeof SHADOW_SELECT }>;

function shadowView(row: ShadowRow | null): ShadowView {
  const shadow = row ?? { desiredVersion: 0, desiredHash: null, desiredAt: null, sentVersion: null, sentAt: null, sendAttempts: 0, reportedVersion: null, reportedHash: null, reportedAt: null, status: "pending", statusReason: null, driftSince: null, drifted: false };
  return {
    desiredVersion: shadow.desiredVersion,
    desiredHash: shadow.desiredHash,
    desiredAt: shadow.desiredAt,
    sentVersion: shadow.sentVersion,
    sentAt: shadow.sentAt,
    sendAttempts: shadow.sendAttempts,
    reportedVersion: shadow.reportedVersion,
    reportedHash: shadow.reportedHash,
    reportedAt: shadow.reportedAt,
    status: shadow.status,
    statusReason: shadow.statusReason,
    driftSince: shadow.driftSince,
    drifted: shadow.drifted,
    syncStatus: syncStatus(shadow),
  };
}

export async function getDeviceConfiguration(db: Db, actor: Actor, ref: DeviceRef): Promise<DeviceConfiguration> {
  const device = await findDevice(db, actor, ref);
  const shadowRow = await db.deviceShadow.findUnique({ where: { deviceId: device.pk }, select: SHADOW_SELECT });
  const book = await LayerBook.load(prismaSql(db));
  const place = placeOf(device);
  const overrides = (shadowRow?.overrides ?? {}) as ConfigObject;
  const effective = book.effective(place, overrides);
  const shadow = shadowView(shadowRow);
  return {
    device,
    configuration: effective.config,
    version: shadow.desiredVersion,
    hash: shadow.desiredHash,
    sources: effective.sources,
    overrides,
    inherited: book.inherited(place).config,
    layerChangePending: shadow.desiredVersion > 0 && configHash(effective.config) !== shadow.desiredHash,
    shadow,
    syncStatus: shadow.syncStatus,
    healthThresholds: resolveHealthThresholds(book.healthLayers(place) as HealthThresholdsPatch[]),
    schema: configJsonSchema(device.deviceType),
  };
}

/**
 * I-013 B.2's device state: what the app wants the device to run (desired) and what it last said
 * it runs (reported), with the configuration of each when known.
 */
export async function getDeviceShadow(db: Db, actor: Actor, ref: DeviceRef) {
  const device = await findDevice(db, actor, ref);
  const row = await db.deviceShadow.findUnique({ where: { deviceId: device.pk }, select: SHADOW_SELECT });
  const shadow = shadowView(row);
  const versions = [shadow.desiredVersion, shadow.reportedVersion].filter((v): v is number => v !== null && v > 0);
  const rows = versions.length ? await db.deviceConfig.findMany({ where: { deviceId: device.pk, version: { in: versions } }, select: { version: true, desired: true, hash: true } }) : [];
  const configOf = (version: number | null, hash: string | null): ConfigObject | null => {
    if (version === null) return null;
    if (version === 0) return configHash(defaultConfig(device.deviceType)) === hash || hash === null ? defaultConfig(device.deviceType) : null;
    const found = rows.find((r) => r.version === version);
    // A report of a known version with another hash: the device does not run that version's values.
    return found && (hash === null || found.hash === hash) ? (found.desired as ConfigObject) : null;
  };
  return {
    device,
    desired: { version: shadow.desiredVersion, hash: shadow.desiredHash, at: shadow.desiredAt, configuration: shadow.desiredVersion > 0 ? configOf(shadow.desiredVersion, shadow.desiredHash) : null },
    reported: { version: shadow.reportedVersion, hash: shadow.reportedHash, at: shadow.reportedAt, configuration: configOf(shadow.reportedVersion, shadow.reportedHash) },
    delivery: { sentVersion: shadow.sentVersion, sentAt: shadow.sentAt, sendAttempts: shadow.sendAttempts, status: shadow.status, statusReason: shadow.statusReason },
    drift: { drifted: shadow.drifted, since: shadow.driftSince },
    syncStatus: shadow.syncStatus,
  };
}

const VERSION_SELECT = {
  version: true,
  hash: true,
  changeSummary: true,
  reason: true,
  source: true,
  rollbackOf: true,
  jobId: true,
  status: true,
  statusReason: true,
  createdAt: true,
  sentAt: true,
  appliedAt: true,
  createdBy: { select: { name: true, email: true } },
} as const;
type VersionRow = Prisma.DeviceConfigGetPayload<{ select: typeof VERSION_SELECT }>;

const SOURCE_AUTHOR: Partial<Record<VersionSource, string>> = { initial: "System (first version)", layer: "Farm or group settings", campaign: "Configuration campaign" };

function versionSummary(row: VersionRow, current: number): VersionSummary {
  const { createdBy, ...rest } = row;
  return { ...rest, status: String(row.status), author: createdBy?.name ?? SOURCE_AUTHOR[row.source as VersionSource] ?? null, current: row.version === current };
}

export type VersionPage = { data: VersionSummary[]; total: number; page: number; pageSize: number; pages: number; currentVersion: number };

/** Newest first, a page at a time. */
export async function listVersions(db: Db, actor: Actor, ref: DeviceRef, options: { page?: number; pageSize?: number } = {}): Promise<VersionPage> {
  const device = await findDevice(db, actor, ref);
  const pageSize = Math.min(100, Math.max(1, options.pageSize ?? 20));
  const page = Math.max(1, options.page ?? 1);
  const [rows, total, shadow] = await Promise.all([
    db.deviceConfig.findMany({ where: { deviceId: device.pk }, orderBy: { version: "desc" }, skip: (page - 1) * pageSize, take: pageSize, select: VERSION_SELECT }),
    db.deviceConfig.count({ where: { deviceId: device.pk } }),
    db.deviceShadow.findUnique({ where: { deviceId: device.pk }, select: { desiredVersion: true } }),
  ]);
  const current = shadow?.desiredVersion ?? 0;
  return { data: rows.map((row) => versionSummary(row, current)), total, page, pageSize, pages: Math.max(1, Math.ceil(total / pageSize)), currentVersion: current };
}

async function loadVersion(db: Pick<Tx, "deviceConfig">, device: ConfigDevice, version: number, current: number): Promise<VersionDetail> {
  if (version === 0) return factoryVersion(device, current);
  const row = await db.deviceConfig.findUnique({ where: { deviceId_version: { deviceId: device.pk, version } }, select: { ...VERSION_SELECT, desired: true, overrides: true, reported: true } });
  if (!row) throw new NotFoundError(`Device ${device.deviceId} has no configuration version ${version}.`);
  const { desired, overrides, reported, ...summary } = row;
  return { ...versionSummary(summary, current), configuration: desired as ConfigObject, overrides: overrides as ConfigObject, reported };
}

/** Version 0: the type's defaults as the factory ships them (what a device reports after a reset). */
function factoryVersion(device: ConfigDevice, current: number): VersionDetail {
  const configuration = defaultConfig(device.deviceType);
  return {
    version: 0,
    hash: configHash(configuration),
    changeSummary: null,
    reason: "The type's factory defaults",
    source: "initial",
    rollbackOf: null,
    jobId: null,
    status: "applied",
    statusReason: null,
    author: null,
    createdAt: new Date(0),
    sentAt: null,
    appliedAt: null,
    current: current === 0,
    configuration,
    overrides: {},
    reported: null,
  };
}

async function currentVersionOf(db: Pick<Tx, "deviceShadow">, device: ConfigDevice) {
  return (await db.deviceShadow.findUnique({ where: { deviceId: device.pk }, select: { desiredVersion: true } }))?.desiredVersion ?? 0;
}

export async function getVersion(db: Db, actor: Actor, ref: DeviceRef, version: number): Promise<VersionDetail> {
  const device = await findDevice(db, actor, ref);
  return loadVersion(db, device, version, await currentVersionOf(db, device));
}

export type VersionDiff = { deviceId: string; from: VersionSummary; to: VersionSummary; diff: ConfigDiff; changeSummary: string };

/** The seed's `get_config_diff` between any two versions (0 = factory defaults). */
export async function diffVersions(db: Db, actor: Actor, ref: DeviceRef, from: number, to: number): Promise<VersionDiff> {
  const device = await findDevice(db, actor, ref);
  const current = await currentVersionOf(db, device);
  const a = await loadVersion(db, device, from, current);
  const b = await loadVersion(db, device, to, current);
  const strip = (detail: VersionDetail): VersionSummary => {
    const summary: Partial<VersionDetail> = { ...detail };
    delete summary.configuration;
    delete summary.overrides;
    delete summary.reported;
    return summary as VersionSummary;
  };
  return { deviceId: device.deviceId, from: strip(a), to: strip(b), diff: configDiff(a.configuration, b.configuration), changeSummary: changeSummary(a.configuration, b.configuration) };
}

// ---------------------------------------------------------------- changing

export type ConfigEdit = {
  /** A partial configuration: only the settings that change (the type's patch schema). */
  changes: unknown;
  /** Dotted paths of the device's own values to drop, so they are inherited again. */
  remove?: readonly string[];
  /** The version the person started from. */
  baseVersion: number;
  reason?: string | null;
};

type LockedShadow = { desired_version: number; desired_hash: string | null; overrides: ConfigObject };

/** The device's shadow, locked for this transaction (made if the device has none yet). */
async function lockShadow(sql: Sql, devicePk: number): Promise<LockedShadow> {
  await sql.query(`INSERT INTO device_states (device_id) VALUES ($1) ON CONFLICT (device_id) DO NOTHING`, [devicePk]);
  const { rows } = await sql.query<LockedShadow>(`SELECT desired_version, desired_hash, overrides FROM device_states WHERE device_id = $1 FOR UPDATE`, [devicePk]);
  return rows[0]!;
}

async function assertBase(tx: Tx, device: ConfigDevice, shadow: LockedShadow, baseVersion: number) {
  if (shadow.desired_version === baseVersion) return;
  const latest = shadow.desired_version > 0 ? await tx.deviceConfig.findUnique({ where: { deviceId_version: { deviceId: device.pk, version: shadow.desired_version } }, select: { changeSummary: true, source: true, createdBy: { select: { name: true } } } }) : null;
  const who = latest?.createdBy?.name ?? (latest ? SOURCE_AUTHOR[latest.source as VersionSource] : null);
  throw new ConflictError(
    `The configuration of ${device.deviceId} changed since you opened it: it is at version ${shadow.desired_version} now${who ? ` (${who}${latest?.changeSummary ? `: ${latest.changeSummary}` : ""})` : ""}, you started from version ${baseVersion}. Reload it and make your change again.`,
    { base_version: [`Version ${shadow.desired_version} is the latest`] },
  );
}

function assertChangeable(device: ConfigDevice) {
  if (device.state === "decommissioned") throw new ConflictError(`${device.deviceId} is retired: its configuration can no longer change.`);
}

/** The configuration the desired version holds (version 0: the factory defaults). */
async function desiredOf(tx: Tx, device: ConfigDevice, version: number): Promise<ConfigObject> {
  if (version === 0) return defaultConfig(device.deviceType);
  const row = await tx.deviceConfig.findUnique({ where: { deviceId_version: { deviceId: device.pk, version } }, select: { desired: true } });
  return (row?.desired as ConfigObject | undefined) ?? defaultConfig(device.deviceType);
}

function validRemovals(type: ConfigDeviceType, paths: readonly string[]) {
  const known = Object.keys(flattenConfig(defaultConfig(type)));
  const unknown = paths.filter((path) => !known.some((leaf) => leaf === path || leaf.startsWith(`${path}.`)));
  if (unknown.length) throw new InvalidError(`${unknown.join(", ")}: no such setting for ${type} devices.`, Object.fromEntries(unknown.map((path) => [path, ["Unknown setting"]])));
}

/**
 * The seed's `update_device_config`: the change merges into the device's own layer, the whole is
 * validated, and a new version carries the summary of what changed. Nothing changes on a refusal.
 */
export async function updateDeviceConfig(db: Db, actor: Actor, ref: DeviceRef, edit: ConfigEdit, now = new Date()): Promise<ChangeOutcome> {
  assertMay(actor);
  const outcome = await db.$transaction(async (tx) => {
    const device = await findDevice(tx, actor, ref);
    assertChangeable(device);
    const parsed = CONFIG_PATCH_SCHEMAS[device.deviceType].safeParse(edit.changes ?? {});
    if (!parsed.success) throw invalidConfig(`This is not a valid change of a ${device.deviceType} configuration`, parsed.error);
    const changes = parsed.data;
    const remove = edit.remove ?? [];
    validRemovals(device.deviceType, remove);
    const clash = Object.keys(flattenConfig(changes)).filter((path) => remove.some((r) => path === r || path.startsWith(`${r}.`)));
    if (clash.length) throw new InvalidError(`${clash.join(", ")}: both changed and taken back to the inherited value; choose one.`, Object.fromEntries(clash.map((path) => [path, ["Both changed and removed"]])));
    if (isEmpty(changes) && remove.length === 0) throw new InvalidError("Nothing to change: name at least one setting.", { config: ["No setting given"] });

    const sql = prismaSql(tx);
    const shadow = await lockShadow(sql, device.pk);
    await assertBase(tx, device, shadow, edit.baseVersion);
    const book = await LayerBook.load(sql);
    const overrides = mergeOverrides(withoutPaths(shadow.overrides ?? {}, remove), changes);
    const config = book.effective(placeOf(device), overrides).config;
    const whole = CONFIG_SCHEMAS[device.deviceType].safeParse(config);
    if (!whole.success) throw invalidConfig("With this change the configuration is not valid", whole.error);

    const hash = configHash(config);
    const before = await desiredOf(tx, device, shadow.desired_version);
    const summary = changeSummary(before, config);
    const overridesChanged = canonicalJson(overrides) !== canonicalJson(shadow.overrides ?? {});
    if (!summary && !overridesChanged && shadow.desired_hash === hash) {
      throw new InvalidError(`Nothing changed: ${device.deviceId} already has these values (version ${shadow.desired_version}). No new version was made.`, { config: ["Same values as the current version"] });
    }
    // Pinning a value equal to the inherited one changes no value today, but keeps it when the group changes.
    const text = summary || `Own values: ${changeSummary(shadow.overrides ?? {}, overrides)}`;
    return writeChange(tx, actor, device, shadow, { overrides, config, hash, source: "edit", summary: text, reason: edit.reason ?? null }, now);
  }, WRITE_TX);
  await notifyConfigChanged(db);
  return outcome;
}

export type ConfigRollback = { version: number; baseVersion: number; reason?: string | null };

/**
 * The seed's `rollback_config`, to any version (0: the factory defaults): a new version whose
 * configuration is that version's again, reached with the device's own values on top of what it
 * inherits now (so a group change since then does not leak in).
 */
export async function rollbackDeviceConfig(db: Db, actor: Actor, ref: DeviceRef, input: ConfigRollback, now = new Date()): Promise<ChangeOutcome> {
  assertMay(actor);
  const outcome = await db.$transaction(async (tx) => {
    const device = await findDevice(tx, actor, ref);
    assertChangeable(device);
    const sql = prismaSql(tx);
    const shadow = await lockShadow(sql, device.pk);
    await assertBase(tx, device, shadow, input.baseVersion);
    if (input.version > shadow.desired_version) throw new InvalidError(`Device ${device.deviceId} has no configuration version ${input.version} (the latest is ${shadow.desired_version}).`, { version: ["No such version"] });
    const target = (await loadVersion(tx, device, input.version, shadow.desired_version)).configuration;
    const book = await LayerBook.load(sql);
    const place = placeOf(device);
    const overrides = overridesToReach(book.inherited(place).config, target);
    const config = book.effective(place, overrides).config;
    const whole = CONFIG_SCHEMAS[device.deviceType].safeParse(config);
    if (!whole.success) throw invalidConfig(`Version ${input.version} is no longer a valid ${device.deviceType} configuration`, whole.error);
    const hash = configHash(config);
    if (hash === shadow.desired_hash) throw new InvalidError(`Nothing to roll back: version ${input.version}'s configuration is what ${device.deviceId} has now (version ${shadow.desired_version}).`, { version: ["Same configuration as the current version"] });
    const before = await desiredOf(tx, device, shadow.desired_version);
    const changes = changeSummary(before, config);
    const summary = `Rollback to version ${input.version}${changes ? `: ${changes}` : ""}`;
    return writeChange(tx, actor, device, shadow, { overrides, config, hash, source: "rollback", summary, reason: input.reason ?? null, rollbackOf: input.version }, now);
  }, WRITE_TX);
  await notifyConfigChanged(db);
  return outcome;
}

type Change = { overrides: ConfigObject; config: ConfigObject; hash: string; source: VersionSource; summary: string; reason: string | null; rollbackOf?: number };

async function writeChange(tx: Tx, actor: Actor, device: ConfigDevice, shadow: LockedShadow, change: Change, now: Date): Promise<ChangeOutcome> {
  const [written] = await writeVersions(
    prismaSql(tx),
    [{ devicePk: device.pk, overrides: change.overrides, config: change.config, hash: change.hash, source: change.source, summary: change.summary, reason: change.reason, createdById: actor.kind === "user" ? actor.id : null, rollbackOf: change.rollbackOf ?? null }],
    now,
  );
  const version = written!.version;
  await recordAudit(tx, actor, {
    entityType: "device",
    entityId: device.deviceId,
    action: change.source === "rollback" ? "config_rolled_back" : "config_changed",
    before: { configVersion: shadow.desired_version, overrides: shadow.overrides ?? {} } as Prisma.InputJsonValue,
    after: { configVersion: version, overrides: change.overrides, summary: change.summary, ...(change.reason ? { reason: change.reason } : {}), ...(change.rollbackOf !== undefined ? { rollbackOf: change.rollbackOf } : {}) } as Prisma.InputJsonValue,
  });
  return { deviceId: device.deviceId, version, previousVersion: written!.previousVersion, status: written!.alreadyApplied ? "applied" : "pending", changeSummary: change.summary, hash: change.hash };
}
