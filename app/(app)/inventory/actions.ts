"use server";

/**
 * The inventory's mutations: a transfer between farms (inventory.transfer) and a device's asset
 * record (assets.manage). lib/inventory checks the permission and the farm again.
 */
import { revalidatePath } from "next/cache";
import { defineAction, type ActionResult } from "@/lib/actions/define-action";
import { getDb } from "@/lib/db";
import { deviceIdSchema } from "@/lib/devices/device-id";
import { updateAssetRecord } from "@/lib/inventory/asset-record";
import { assetRecordSchema, transferSchema } from "@/lib/inventory/inventory-schemas";
import { transferDevices, type TransferOutcome } from "@/lib/inventory/transfers";

const transfer = defineAction({ permission: "inventory.transfer", schema: transferSchema }, async (input, actor): Promise<TransferOutcome> => {
  const outcome = await transferDevices(getDb(), actor, input);
  revalidatePath("/inventory", "layout");
  revalidatePath("/devices");
  for (const device of outcome.devices) revalidatePath(`/devices/${device.deviceId}`);
  return outcome;
});

export async function transferDevicesAction(previous: ActionResult<TransferOutcome> | null, input: FormData): Promise<ActionResult<TransferOutcome>> {
  return transfer(previous, input);
}

type Saved = { deviceId: string };

export async function updateAssetRecordAction(deviceId: string, previous: ActionResult<Saved> | null, input: FormData): Promise<ActionResult<Saved>> {
  const parsed = deviceIdSchema.safeParse(deviceId);
  if (!parsed.success) return { ok: false, error: "Unknown device." };
  const run = defineAction({ permission: "assets.manage", schema: assetRecordSchema }, async (fields, actor): Promise<Saved> => {
    await updateAssetRecord(getDb(), actor, parsed.data, fields);
    revalidatePath(`/devices/${parsed.data}`);
    revalidatePath("/inventory", "layout");
    return { deviceId: parsed.data };
  });
  return run(previous, input);
}
