"use server";

/**
 * The provisioning wizard's mutations and its live device-id check. The password comes back once,
 * in the action's answer; it is not logged and never put in a URL or the browser's storage.
 */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction, type ActionResult } from "@/lib/actions/define-action";
import { getDb } from "@/lib/db";
import { deviceIdSchema } from "@/lib/devices/device-id";
import { deviceCreateSchema } from "@/lib/devices/device-schemas";
import { provisionDevice, type DeviceConnectionDetails, type ProvisionedDevice } from "@/lib/provisioning/provision-device";

export type DeviceIdCheck = { available: boolean; message: string };

const checkSchema = z.object({ deviceId: deviceIdSchema }).strict();

/**
 * Whether a device id is still free. Ids are unique across every farm, so a farm-bound technician
 * is told an id is taken even when another farm holds it — but nothing more about that device.
 */
export async function checkDeviceIdAction(previous: ActionResult<DeviceIdCheck> | null, input: z.input<typeof checkSchema>): Promise<ActionResult<DeviceIdCheck>> {
  return defineAction({ permission: "devices.provision", schema: checkSchema }, async ({ deviceId }): Promise<DeviceIdCheck> => {
    const taken = await getDb().device.findUnique({ where: { deviceId }, select: { id: true } });
    return taken
      ? { available: false, message: `${deviceId} is already registered. Device ids are unique across all farms: pick another.` }
      : { available: true, message: `${deviceId} is free.` };
  })(previous, input);
}

const provisionSchema = deviceCreateSchema.extend({
  /** How the wizard was filled: from a scanned label or typed. */
  provisioningMethod: z.enum(["manual", "qr_code"]).default("manual"),
});

export type Provisioned = { device: ProvisionedDevice; credentials: DeviceConnectionDetails };

/** Step 4 "Create": the device, its credentials and the state "provisioned" (M92 createDevice + action_provision). */
export async function provisionDeviceAction(previous: ActionResult<Provisioned> | null, input: z.input<typeof provisionSchema>): Promise<ActionResult<Provisioned>> {
  return defineAction({ permission: "devices.provision", schema: provisionSchema }, async ({ provisioningMethod, ...device }, actor): Promise<Provisioned> => {
    const result = await provisionDevice(getDb(), actor, device, provisioningMethod);
    revalidatePath("/devices");
    revalidatePath("/");
    return result;
  })(previous, input);
}
