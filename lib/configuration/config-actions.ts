"use server";

/**
 * The configuration screens' mutations (the device page's Configuration section, the farm and
 * group pages' override editors). Each takes a plain object (or FormData, with `changes`,
 * `values`, `health` and `remove` as JSON text) and leaves every rule to the domain: role, farm,
 * the type's schema, the base version are judged on the server whatever the form showed.
 */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction, type ActionResult } from "../actions/define-action";
import { getDb } from "../db";
import { InvalidError } from "../errors";
import { CONFIG_DEVICE_TYPES } from "./config-schemas";
import { diffVersions, rollbackDeviceConfig, updateDeviceConfig, type ChangeOutcome, type VersionDiff } from "./device-config";
import { deleteLayer, LAYER_SCOPES, previewLayerChange, putLayer, type LayerPreview, type LayerView } from "./layer-service";

type Input<T> = FormData | T;

/** A form sends objects as JSON text; a component sends the object itself. */
const jsonObject = (field: string) =>
  z.preprocess((value) => {
    if (typeof value !== "string") return value;
    if (!value.trim()) return {};
    try {
      return JSON.parse(value);
    } catch {
      throw new InvalidError(`${field} is not valid JSON.`, { [field]: ["Not valid JSON"] });
    }
  }, z.record(z.string(), z.unknown()));
const pathList = z.preprocess((value) => (typeof value === "string" ? (value.trim() ? value.split(",").map((path) => path.trim()) : []) : value), z.array(z.string().min(1).max(200)).max(200));
const version = z.coerce.number().int().min(0);
const reason = z.string().trim().max(500).optional();
const deviceId = z.string().trim().min(1).max(50);

function refreshDevice(id: string) {
  revalidatePath(`/devices/${id}`);
}
function refreshLayer(scope: (typeof LAYER_SCOPES)[number], id: number) {
  revalidatePath(scope === "farm" ? `/farms/${id}` : `/groups/${id}`);
  revalidatePath("/devices");
}

// ---------------------------------------------------------------- a device

const saveSchema = z.object({ deviceId, changes: jsonObject("changes").default({}), remove: pathList.optional(), baseVersion: version, reason });
export type SaveDeviceConfigInput = z.input<typeof saveSchema>;

const save = defineAction({ permission: "config.write", schema: saveSchema }, async (input, actor) => {
  const outcome = await updateDeviceConfig(getDb(), actor, input.deviceId, { changes: input.changes, remove: input.remove, baseVersion: input.baseVersion, reason: input.reason ?? null });
  refreshDevice(input.deviceId);
  return outcome;
});

/** `{ deviceId, changes (partial configuration), remove? (dotted paths back to inherited), baseVersion, reason? }` → the new version. */
export async function saveDeviceConfigAction(previous: ActionResult<ChangeOutcome> | null, input: Input<SaveDeviceConfigInput>): Promise<ActionResult<ChangeOutcome>> {
  return save(previous, input);
}

const rollbackSchema = z.object({ deviceId, version, baseVersion: version, reason });
export type RollbackDeviceConfigInput = z.input<typeof rollbackSchema>;

const rollback = defineAction({ permission: "config.write", schema: rollbackSchema }, async (input, actor) => {
  const outcome = await rollbackDeviceConfig(getDb(), actor, input.deviceId, { version: input.version, baseVersion: input.baseVersion, reason: input.reason ?? null });
  refreshDevice(input.deviceId);
  return outcome;
});

/** `{ deviceId, version (to restore; 0 = factory defaults), baseVersion, reason? }` → the new version. */
export async function rollbackDeviceConfigAction(previous: ActionResult<ChangeOutcome> | null, input: Input<RollbackDeviceConfigInput>): Promise<ActionResult<ChangeOutcome>> {
  return rollback(previous, input);
}

const diffSchema = z.object({ deviceId, from: version, to: version });

const diff = defineAction({ permission: "devices.read", schema: diffSchema }, async (input, actor) => diffVersions(getDb(), actor, input.deviceId, input.from, input.to));

/** `{ deviceId, from, to }` → the diff of two versions (a read, for the side-by-side view's pickers). */
export async function diffVersionsAction(previous: ActionResult<VersionDiff> | null, input: Input<z.input<typeof diffSchema>>): Promise<ActionResult<VersionDiff>> {
  return diff(previous, input);
}

// ---------------------------------------------------------------- farm and group layers

const layerTarget = { scope: z.enum(LAYER_SCOPES), scopeId: z.coerce.number().int().positive(), deviceType: z.enum(CONFIG_DEVICE_TYPES) };
const saveLayerSchema = z.object({ ...layerTarget, values: jsonObject("values").default({}), health: jsonObject("health").default({}), version, reason });
export type SaveLayerInput = z.input<typeof saveLayerSchema>;

const saveLayerRun = defineAction({ permission: "config.manage", schema: saveLayerSchema }, async (input, actor) => {
  const view = await putLayer(getDb(), actor, input.scope, input.scopeId, input.deviceType, { values: input.values, health: input.health, version: input.version, reason: input.reason ?? null });
  refreshLayer(input.scope, input.scopeId);
  return view;
});

/** `{ scope: farm|group, scopeId, deviceType, values, health, version (0 creates), reason? }` → the layer as it is now. */
export async function saveLayerAction(previous: ActionResult<LayerView> | null, input: Input<SaveLayerInput>): Promise<ActionResult<LayerView>> {
  return saveLayerRun(previous, input);
}

const deleteLayerSchema = z.object({ ...layerTarget, version: z.coerce.number().int().min(1), reason });
export type DeleteLayerInput = z.input<typeof deleteLayerSchema>;

const deleteLayerRun = defineAction({ permission: "config.manage", schema: deleteLayerSchema }, async (input, actor) => {
  const result = await deleteLayer(getDb(), actor, input.scope, input.scopeId, input.deviceType, { version: input.version, reason: input.reason ?? null });
  refreshLayer(input.scope, input.scopeId);
  return result;
});

/** `{ scope, scopeId, deviceType, version, reason? }`: its devices inherit from above again. */
export async function deleteLayerAction(previous: ActionResult<{ deleted: true; devices: number }> | null, input: Input<DeleteLayerInput>): Promise<ActionResult<{ deleted: true; devices: number }>> {
  return deleteLayerRun(previous, input);
}

const previewSchema = z.object({ ...layerTarget, values: jsonObject("values").default({}), health: jsonObject("health").default({}) });

const preview = defineAction({ permission: "config.manage", schema: previewSchema }, async (input, actor) =>
  previewLayerChange(getDb(), actor, input.scope, input.scopeId, input.deviceType, { values: input.values, health: input.health }),
);

/** `{ scope, scopeId, deviceType, values, health }` → devices reached and what changes, before confirming; nothing is written. */
export async function previewLayerAction(previous: ActionResult<LayerPreview> | null, input: Input<z.input<typeof previewSchema>>): Promise<ActionResult<LayerPreview>> {
  return preview(previous, input);
}
