import { readJson, withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { DEVICE_ID_PATTERN } from "@/lib/devices/device-id";
import { NotFoundError } from "@/lib/errors";
import { getAssetRecord, updateAssetRecord } from "@/lib/inventory/asset-record";
import { assetRecordSchema } from "@/lib/inventory/inventory-schemas";

type Params = { id: string };

function deviceIdFrom(params: Params): string {
  const id = decodeURIComponent(params.id);
  if (!DEVICE_ID_PATTERN.test(id)) throw new NotFoundError(`No device has the id “${id}” (device ids look like MM001).`);
  return id;
}

/** The device's asset record (I-013 §9.1 AssetRecord). */
export const GET = withApi<Params>(async ({ actor, params }) => getAssetRecord(getDb(), actor, deviceIdFrom(params)), { permission: "devices.read" });

/** Changes the asset record; fields left out stay, blank ones are cleared. */
export const PATCH = withApi<Params>(
  async ({ request, actor, params }) => {
    const input = await readJson(request, assetRecordSchema);
    return updateAssetRecord(getDb(), actor, deviceIdFrom(params), input);
  },
  { permission: "assets.manage" },
);
