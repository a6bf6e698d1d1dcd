/**
 * Configuration campaigns (I-013 §5.3): one change of settings rolled out to many devices of one
 * type on the firmware rollout engine (update jobs of kind `configuration`). Each device gets a new
 * version of its own configuration (its overrides with the change merged in), in phases, with the
 * engine's thresholds and automatic rollback to each device's previous version
 * (lib/configuration/campaign-kind.ts).
 *
 * Creating one is scheduling a job, as schedule-update.ts does for firmware: the selection resolved
 * to devices (the actor's farm only; retired devices, devices of another type and devices already
 * in a running configuration campaign are left out, each with its reason), the change checked
 * against every device's resulting configuration (a value the cross-field rules refuse is a 400
 * before anything is written), the devices cut into the strategy's phases and one pending log per
 * device — one transaction, set-based.
 */
import type { Prisma } from "@prisma/client";
import { z } from "zod";
import { can, farmScope, type Actor } from "../auth/permissions";
import { recordAudit } from "../audit/record";
import type { Db } from "../db";
import { targetDevices } from "../devices/device-bulk";
import { bulkTargetSchema } from "../devices/device-schemas";
import { ForbiddenError, InvalidError, NotFoundError, fieldErrorsFromIssues, type FieldErrors } from "../errors";
import { ANALYZE_AFTER_DEVICES, createPhasesAndLogs } from "../ota/schedule-update";
import { prismaSql } from "../ota/job-stops";
import { campaignChangeSummary, type CampaignChange } from "./campaign-change";
import { campaignChanges, configCampaignSchema, engineRollout, type ConfigCampaignRequest } from "./config-campaign-schemas";
import { flattenConfig, getPath } from "./config-layers";
import { CONFIG_DEVICE_TYPES, CONFIG_PATCH_SCHEMAS, CONFIG_SCHEMAS, configIssues, type ConfigDeviceType, type ConfigObject } from "./config-schemas";
import { mergeOverrides } from "./config-versions";
import { LayerBook } from "./layer-book";

export type ConfigCampaignCreated = {
  jobId: number;
  deviceCount: number;
  phases: { position: number; deviceCount: number }[];
  /** Devices of the selection left out, and why (retired, another type, in another running campaign). */
  skipped: { deviceId: string; reason: string }[];
};

const TYPE_LABEL = (type: string) => type.replace(/_/g, " ");

type Candidate = { id: number; deviceId: string; deviceType: string; farmId: number; groupId: number | null; state: string };

const listOf = (items: string[], max = 10) => (items.length > max ? [...items.slice(0, max), `… and ${items.length - max} more`] : items);

/** The devices the selection names, within the actor's reach; unknown or another farm's ids are a 404. */
async function selectedDevices(tx: Prisma.TransactionClient, actor: Actor, selection: { deviceIds: string[] } | { filter: Record<string, unknown> }): Promise<Candidate[]> {
  const select = { id: true, deviceId: true, deviceType: true, farmId: true, groupId: true, state: true } as const;
  if ("filter" in selection) return targetDevices(tx, actor, selection);
  const scope = farmScope(actor);
  const rows = await tx.device.findMany({ where: { deviceId: { in: selection.deviceIds } }, select, orderBy: { id: "asc" } });
  const reachable = rows.filter((row) => scope === null || row.farmId === scope);
  const found = new Set(reachable.map((row) => row.deviceId));
  const missing = selection.deviceIds.filter((id) => !found.has(id));
  // Another farm's device is "not found", like every other view of it.
  if (missing.length) throw new NotFoundError(`No device ${listOf(missing, 5).join(", ")}.`);
  return reachable;
}

/**
 * The devices a campaign of `deviceType` would reach from `selection`, and those it leaves out with
 * their reason — one answer for creating a campaign and for previewing its change. `lock` keeps the
 * candidates' rows locked until the transaction commits (creating only).
 */
async function campaignDevices(tx: Prisma.TransactionClient, actor: Actor, selection: ConfigCampaignRequest["selection"], deviceType: ConfigDeviceType, { lock }: { lock: boolean }) {
  const selected = await selectedDevices(tx, actor, selection);
  const skipped: { deviceId: string; reason: string }[] = [];
  let candidates = selected.filter((device) => {
    if (device.state === "decommissioned") skipped.push({ deviceId: device.deviceId, reason: "retired" });
    else if (device.deviceType !== deviceType) skipped.push({ deviceId: device.deviceId, reason: `is a ${TYPE_LABEL(device.deviceType)} device, not ${TYPE_LABEL(deviceType)}` });
    else return true;
    return false;
  });

  // Two campaigns created at the same moment must not both find a device free: its row stays
  // locked (in id order, as ingest locks) until this transaction commits (as schedule-update.ts).
  if (lock && candidates.length) await tx.$executeRaw`SELECT 1 FROM devices WHERE id = ANY(${candidates.map((device) => device.id)}::int[]) ORDER BY id FOR NO KEY UPDATE`;
  const busy = candidates.length
    ? await tx.$queryRaw<{ device_id: number; job_id: number }[]>`
        SELECT l.device_id, l.job_id FROM update_logs l JOIN update_jobs j ON j.id = l.job_id
         WHERE l.device_id = ANY(${candidates.map((device) => device.id)}::int[]) AND j.kind = 'configuration'
           AND j.state IN ('scheduled', 'in_progress', 'paused') AND l.state IN ('pending', 'downloading', 'installing', 'verifying')`
    : [];
  const busyJob = new Map(busy.map((row) => [row.device_id, row.job_id]));
  candidates = candidates.filter((device) => {
    const job = busyJob.get(device.id);
    if (job === undefined) return true;
    skipped.push({ deviceId: device.deviceId, reason: `already in configuration campaign ${job}` });
    return false;
  });
  return { selected, candidates, skipped };
}

/**
 * Creates a campaign from `raw` (parsed with configCampaignSchema): roles config.manage and
 * ota.schedule, the actor's farm only. Throws InvalidError (400, field paths), ForbiddenError,
 * NotFoundError.
 */
export async function createConfigCampaign(db: Db, actor: Actor, raw: unknown, now = new Date()): Promise<ConfigCampaignCreated> {
  for (const permission of ["config.manage", "ota.schedule"] as const) {
    if (!can(actor.role, permission)) throw new ForbiddenError(`Your role (${actor.role}) does not allow ${permission}.`);
  }
  const parsed = configCampaignSchema.safeParse(raw);
  if (!parsed.success) {
    const fieldErrors = fieldErrorsFromIssues(parsed.error.issues);
    throw new InvalidError(`Check the highlighted fields: ${firstErrors(fieldErrors)}`, fieldErrors);
  }
  const input = parsed.data;
  const deviceType: ConfigDeviceType = input.deviceType;
  const changes = campaignChanges(input);
  const rollout = engineRollout(input.rollout);

  const created = await db.$transaction(
    async (tx) => {
      const { selected, candidates, skipped } = await campaignDevices(tx, actor, input.selection, deviceType, { lock: true });
      if (candidates.length === 0) {
        throw new InvalidError(
          selected.length === 0 ? "No device matches the selection." : `None of the ${selected.length} selected devices can take this campaign.`,
          { selection: selected.length === 0 ? ["No device matches"] : listOf(skipped.map((entry) => `${entry.deviceId} ${entry.reason}`)) },
        );
      }

      // Each device's resulting configuration must pass its type's whole schema (cross-field rules:
      // an alarm above the new maximum, say): refused here with the path, before anything is written.
      await refuseInvalidResults(tx, candidates, deviceType, changes);

      const scheduledAt = input.scheduledAt ? new Date(input.scheduledAt) : now;
      const change: CampaignChange = { deviceType, changes, reason: input.reason };
      const job = await tx.updateJob.create({
        data: {
          name: input.name ?? `${campaignChangeSummary(changes, 2)} on ${candidates.length} ${TYPE_LABEL(deviceType)} device${candidates.length === 1 ? "" : "s"}`.slice(0, 200),
          kind: "configuration",
          firmwareId: null,
          configChange: change as unknown as Prisma.InputJsonObject,
          state: "scheduled",
          strategy: rollout.strategy,
          targetSpec: input.selection as Prisma.InputJsonObject,
          // The engine reads its thresholds from here; `campaignStrategy` keeps what the person chose (rolling is the engine's batches).
          strategyConfig: { ...rollout, campaignStrategy: input.rollout.strategy },
          scheduledAt,
          maintenanceWindow: input.maintenanceWindow ?? undefined,
          rollbackOnFailure: input.rollbackOnFailure ?? true,
          notifyOnComplete: input.notifyOnComplete ?? true,
          deviceCount: candidates.length,
          createdById: actor.kind === "user" ? actor.id : null,
        },
        select: { id: true },
      });

      const plans = await createPhasesAndLogs(tx, { jobId: job.id, rollout, devices: candidates, now });
      await recordAudit(tx, actor, {
        entityType: "update_job",
        entityId: String(job.id),
        action: "scheduled",
        after: {
          kind: "configuration",
          deviceType,
          changes,
          reason: input.reason,
          devices: candidates.length,
          skipped: skipped.length,
          strategy: input.rollout.strategy,
          scheduledAt: scheduledAt.toISOString(),
        } as Prisma.InputJsonObject,
      });
      return {
        jobId: job.id,
        deviceCount: candidates.length,
        phases: plans.map((plan) => ({ position: plan.position, deviceCount: plan.deviceCount })),
        skipped,
      };
    },
    { timeout: 120_000, maxWait: 10_000 },
  );
  if (created.deviceCount >= ANALYZE_AFTER_DEVICES) await db.$executeRawUnsafe("ANALYZE update_logs");
  return created;
}

/** InvalidError naming `changes.<path>` when the change makes some device's configuration invalid. */
async function refuseInvalidResults(tx: Prisma.TransactionClient, devices: readonly Candidate[], deviceType: ConfigDeviceType, changes: ConfigObject) {
  const { errors, refusedDevices } = await invalidResults(tx, devices, deviceType, changes);
  if (refusedDevices.length) {
    throw new InvalidError(`The change makes the configuration of ${refusedDevices.length} device(s) invalid (${listOf(refusedDevices, 5).join(", ")}): ${firstErrors(errors)}`, errors);
  }
}

/** The devices whose resulting configuration (their overrides with the change merged in) fails their type's schema, and why by `changes.<path>`. */
async function invalidResults(tx: Prisma.TransactionClient, devices: readonly Candidate[], deviceType: ConfigDeviceType, changes: ConfigObject) {
  const book = await LayerBook.load(prismaSql(tx));
  const shadows = await tx.deviceShadow.findMany({ where: { deviceId: { in: devices.map((device) => device.id) } }, select: { deviceId: true, overrides: true } });
  const overridesOf = new Map(shadows.map((shadow) => [shadow.deviceId, (shadow.overrides ?? {}) as ConfigObject]));
  const errors: FieldErrors = {};
  const refusedDevices: string[] = [];
  // Devices that inherit the same layers and have no overrides of their own share one answer.
  const checked = new Map<string, ReturnType<typeof configIssues> | null>();
  for (const device of devices) {
    const overrides = overridesOf.get(device.id) ?? {};
    const own = Object.keys(overrides).length > 0;
    const key = `${device.farmId}:${device.groupId ?? ""}`;
    let issues = own ? undefined : checked.get(key);
    if (issues === undefined) {
      const config = book.effective({ deviceType, farmId: device.farmId, groupId: device.groupId }, mergeOverrides(overrides, changes)).config;
      const result = CONFIG_SCHEMAS[deviceType].safeParse(config);
      issues = result.success ? null : configIssues(result.error);
      if (!own) checked.set(key, issues);
    }
    if (!issues) continue;
    refusedDevices.push(device.deviceId);
    for (const issue of issues) {
      const path = `changes.${issue.path}`;
      const list = (errors[path] ??= []);
      if (!list.includes(issue.message)) list.push(issue.message);
    }
  }
  return { errors, refusedDevices };
}

export type ConfigChangePreview = {
  /** Devices the campaign would reach now (after the skips). */
  deviceCount: number;
  skipped: { deviceId: string; reason: string }[];
  /** Per changed setting: the values the devices run now (their desired configuration), most devices first. */
  settings: { path: string; to: unknown; current: { value: unknown; devices: number }[] }[];
  /** Devices whose configuration the change would make invalid (the campaign would be refused), and the first reasons. */
  invalid: { devices: number; deviceIds: string[]; reasons: string[] };
};

const previewSchema = z
  .object({
    deviceType: z.enum(CONFIG_DEVICE_TYPES, { error: `deviceType must be one of ${CONFIG_DEVICE_TYPES.join(", ")}` }),
    changes: z.record(z.string(), z.unknown(), { error: "changes must be an object of settings" }),
    selection: bulkTargetSchema,
  })
  .strict();

/**
 * What a campaign would change on the devices it reaches, before it is created: for each setting
 * the values the devices run now (so the person sees "30 ppm on 3 devices → 35 ppm", not the type's
 * default) and the devices the change would make invalid. Reads only; role config.manage, the
 * actor's farm, the same devices and skips as createConfigCampaign.
 */
export async function previewConfigChange(db: Db, actor: Actor, raw: unknown): Promise<ConfigChangePreview> {
  if (!can(actor.role, "config.manage")) throw new ForbiddenError(`Your role (${actor.role}) does not allow config.manage.`);
  const parsed = previewSchema.safeParse(raw);
  const patch = parsed.success ? CONFIG_PATCH_SCHEMAS[parsed.data.deviceType].safeParse(parsed.data.changes) : null;
  if (!parsed.success || !patch?.success) {
    const fieldErrors = fieldErrorsFromIssues(parsed.success ? (patch?.error?.issues ?? []).map((issue) => ({ ...issue, path: ["changes", ...issue.path] })) : parsed.error.issues);
    throw new InvalidError(`Check the highlighted fields: ${firstErrors(fieldErrors)}`, fieldErrors);
  }
  const { deviceType, selection } = parsed.data;
  const changes = patch.data as ConfigObject;
  return db.$transaction(async (tx) => {
    const { candidates, skipped } = await campaignDevices(tx, actor, selection, deviceType, { lock: false });
    const ids = candidates.map((device) => device.id);
    // What each device runs now: its desired version's configuration, or (never versioned) what its layers give it.
    const shadows = await tx.deviceShadow.findMany({ where: { deviceId: { in: ids } }, select: { deviceId: true, overrides: true, desiredVersion: true } });
    const shadowOf = new Map(shadows.map((shadow) => [shadow.deviceId, shadow]));
    const versioned = shadows.filter((shadow) => shadow.desiredVersion > 0);
    const configs = versioned.length ? await tx.deviceConfig.findMany({ where: { OR: versioned.map((shadow) => ({ deviceId: shadow.deviceId, version: shadow.desiredVersion })) }, select: { deviceId: true, desired: true } }) : [];
    const desiredOf = new Map(configs.map((row) => [row.deviceId, row.desired as ConfigObject]));
    const book = await LayerBook.load(prismaSql(tx));
    const settings = Object.entries(flattenConfig(changes)).map(([path, to]) => ({ path, to, counts: new Map<string, { value: unknown; devices: number }>() }));
    for (const device of candidates) {
      const config = desiredOf.get(device.id) ?? book.effective({ deviceType, farmId: device.farmId, groupId: device.groupId }, (shadowOf.get(device.id)?.overrides ?? {}) as ConfigObject).config;
      for (const setting of settings) {
        const value = getPath(config, setting.path) ?? null;
        const key = JSON.stringify(value);
        const entry = setting.counts.get(key) ?? { value, devices: 0 };
        entry.devices += 1;
        setting.counts.set(key, entry);
      }
    }
    const { errors, refusedDevices } = candidates.length ? await invalidResults(tx, candidates, deviceType, changes) : { errors: {}, refusedDevices: [] };
    return {
      deviceCount: candidates.length,
      skipped,
      settings: settings.map(({ path, to, counts }) => ({ path, to, current: [...counts.values()].sort((a, b) => b.devices - a.devices) })),
      invalid: {
        devices: refusedDevices.length,
        deviceIds: refusedDevices.slice(0, 10),
        reasons: Object.entries(errors)
          .slice(0, 3)
          .map(([path, messages]) => `${path.slice("changes.".length)}: ${messages.join(", ")}`),
      },
    };
  });
}

function firstErrors(errors: FieldErrors): string {
  return Object.entries(errors)
    .slice(0, 3)
    .map(([path, messages]) => `${path}: ${messages.join(", ")}`)
    .join("; ");
}
