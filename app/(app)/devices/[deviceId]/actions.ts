"use server";

/**
 * The device page's mutations. The device id is bound by the page (`action.bind(null, id)`); it
 * is as untrusted as any form field, and the registry checks the actor's farm for it.
 */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction, type ActionResult } from "@/lib/actions/define-action";
import { getDb } from "@/lib/db";
import { setDeviceMaintenanceMode } from "@/lib/devices/device-bulk";
import { retireDevice, updateDevice } from "@/lib/devices/device-registry";
import { deviceIdSchema } from "@/lib/devices/device-id";
import { deviceUpdateSchema, retireDeviceSchema } from "@/lib/devices/device-schemas";
import { rollbackDevice } from "@/lib/ota/job-actions";
import { generateProvisioningToken, regenerateCredentials, revokeCredentials, type DeviceConnectionDetails } from "@/lib/provisioning/provision-device";
import { optionalText } from "@/lib/validation/form-values";

type Done = { deviceId: string; message: string };

type Runner = (previous: ActionResult<Done> | null, input: FormData) => Promise<ActionResult<Done>>;

/** The bound id is checked for shape before anything runs with it. */
function forDevice(deviceId: unknown, make: (deviceId: string) => Runner): Runner {
  const parsed = deviceIdSchema.safeParse(deviceId);
  if (!parsed.success) return async () => ({ ok: false, error: "Unknown device." });
  return make(parsed.data);
}

function refresh(deviceId: string) {
  revalidatePath(`/devices/${deviceId}`);
  revalidatePath("/devices");
}

const update = (deviceId: string) =>
  defineAction({ permission: "devices.write", schema: deviceUpdateSchema }, async (input, actor): Promise<Done> => {
    await updateDevice(getDb(), actor, deviceId, input);
    refresh(deviceId);
    return { deviceId, message: "Changes saved." };
  });

export async function updateDeviceAction(deviceId: string, previous: ActionResult<Done> | null, input: FormData): Promise<ActionResult<Done>> {
  return forDevice(deviceId, update)(previous, input);
}

const maintenanceOnSchema = z.object({ notes: optionalText(2000) }).strict();

const maintenanceOn = (deviceId: string) =>
  defineAction({ permission: "maintenance.write", schema: maintenanceOnSchema }, async ({ notes }, actor): Promise<Done> => {
    const result = await setDeviceMaintenanceMode(getDb(), actor, deviceId, true, notes);
    refresh(deviceId);
    return { deviceId, message: result.changed ? "Maintenance mode is on." : "Maintenance mode was already on." };
  });

/** M92 `action_enable_maintenance_mode`: state maintenance, health checks skip the device. */
export async function maintenanceOnAction(deviceId: string, previous: ActionResult<Done> | null, input: FormData): Promise<ActionResult<Done>> {
  return forDevice(deviceId, maintenanceOn)(previous, input);
}

const maintenanceOff = (deviceId: string) =>
  defineAction({ permission: "maintenance.write", schema: z.object({}).strict() }, async (_input, actor): Promise<Done> => {
    const result = await setDeviceMaintenanceMode(getDb(), actor, deviceId, false);
    refresh(deviceId);
    return { deviceId, message: result.changed ? "Maintenance mode is off; the device is active again." : "Maintenance mode was already off." };
  });

/** M92 `action_disable_maintenance_mode`: back to active. */
export async function maintenanceOffAction(deviceId: string, previous: ActionResult<Done> | null, input: FormData): Promise<ActionResult<Done>> {
  return forDevice(deviceId, maintenanceOff)(previous, input);
}

const retire = (deviceId: string) =>
  defineAction({ permission: "devices.write", schema: retireDeviceSchema }, async ({ reason }, actor): Promise<Done> => {
    await retireDevice(getDb(), actor, deviceId, reason);
    refresh(deviceId);
    return { deviceId, message: "Device retired. Its credentials are revoked and its history kept." };
  });

/** I-013 §8: decommissioned, never deleted. */
export async function retireDeviceAction(deviceId: string, previous: ActionResult<Done> | null, input: FormData): Promise<ActionResult<Done>> {
  return forDevice(deviceId, retire)(previous, input);
}

/** The bound id checked for shape, for the credential actions whose answers are not a message. */
async function withDeviceId<T>(deviceId: unknown, run: (deviceId: string) => Promise<ActionResult<T>>): Promise<ActionResult<T>> {
  const parsed = deviceIdSchema.safeParse(deviceId);
  if (!parsed.success) return { ok: false, error: "Unknown device." };
  return run(parsed.data);
}

const noInput = z.object({}).strict();

/** New MQTT credentials; the old password stops working at once. The new one is shown once. */
export async function regenerateCredentialsAction(deviceId: string, previous: ActionResult<DeviceConnectionDetails> | null, input: FormData): Promise<ActionResult<DeviceConnectionDetails>> {
  return withDeviceId(deviceId, (id) =>
    defineAction({ permission: "devices.provision", schema: noInput }, async (_input, actor) => {
      const credentials = await regenerateCredentials(getDb(), actor, id);
      refresh(id);
      return credentials;
    })(previous, input),
  );
}

/** The device can no longer connect until credentials are regenerated. */
export async function revokeCredentialsAction(deviceId: string, previous: ActionResult<Done> | null, input: FormData): Promise<ActionResult<Done>> {
  return withDeviceId(deviceId, (id) =>
    defineAction({ permission: "devices.provision", schema: noInput }, async (_input, actor): Promise<Done> => {
      await revokeCredentials(getDb(), actor, id);
      refresh(id);
      return { deviceId: id, message: "Credentials revoked: the device cannot connect until new ones are generated." };
    })(previous, input),
  );
}

export type ClaimToken = { claimUrl: string; expiresAt: string };

/**
 * M92 action_generate_provisioning_token for the printed label: a one-time token (24 h) as the
 * claim link of I-013 §2.3.2. The token travels only in this answer and the label it is printed on.
 */
export async function claimTokenAction(deviceId: string, previous: ActionResult<ClaimToken> | null, input: FormData | Record<string, never>): Promise<ActionResult<ClaimToken>> {
  return withDeviceId(deviceId, (id) =>
    defineAction({ permission: "devices.provision", schema: noInput }, async (_input, actor): Promise<ClaimToken> => {
      const { claimUrl, expiresAt } = await generateProvisioningToken(getDb(), actor, id);
      refresh(id);
      return { claimUrl, expiresAt: expiresAt.toISOString() };
    })(previous, input),
  );
}

/** "Roll back to previous version": a one-device job back to the version before the last update (ota.schedule). */
export async function rollbackDeviceAction(deviceId: string, previous: ActionResult<{ jobId: number }> | null, input: FormData): Promise<ActionResult<{ jobId: number }>> {
  return withDeviceId(deviceId, (id) =>
    defineAction({ permission: "ota.schedule", schema: noInput }, async (_input, actor) => {
      const job = await rollbackDevice(getDb(), actor, id);
      refresh(id);
      revalidatePath("/updates");
      return { jobId: job.jobId };
    })(previous, input),
  );
}
