import { jsonSafe } from "@/lib/api/json-safe";
import { readJson, withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { getDeviceDetail } from "@/lib/devices/device-detail";
import { retireDevice, updateDevice } from "@/lib/devices/device-registry";
import { deviceUpdateSchema, retireDeviceRequestSchema } from "@/lib/devices/device-schemas";
import { NotFoundError } from "@/lib/errors";
import { DEVICE_ID_PATTERN } from "@/lib/devices/device-id";

type Params = { id: string };

/** `{id}` is the device id (MM001); anything else cannot name a device. */
function deviceIdFrom(params: Params): string {
  const id = decodeURIComponent(params.id);
  if (!DEVICE_ID_PATTERN.test(id)) throw new NotFoundError(`No device has the id “${id}” (device ids look like MM001).`);
  return id;
}

export const GET = withApi<Params>(async ({ actor, params }) => jsonSafe(await getDeviceDetail(getDb(), actor, deviceIdFrom(params))), { permission: "devices.read" });

export const PUT = withApi<Params>(
  async ({ request, actor, params }) => {
    const deviceId = deviceIdFrom(params);
    const input = await readJson(request, deviceUpdateSchema);
    const db = getDb();
    await updateDevice(db, actor, deviceId, input);
    return jsonSafe(await getDeviceDetail(db, actor, deviceId));
  },
  { permission: "devices.write" },
);

/**
 * Retires the device (I-013 §8): decommissioned, credentials revoked, record and history kept.
 * Nothing is ever hard-deleted through the API. An optional JSON body gives the reason.
 */
export const DELETE = withApi<Params>(
  async ({ request, actor, params }) => {
    const deviceId = deviceIdFrom(params);
    const text = await request.text();
    const body = text.trim() ? await readJson(new Request(request.url, { method: "POST", body: text }), retireDeviceRequestSchema) : {};
    const db = getDb();
    await retireDevice(db, actor, deviceId, body.reason ?? `Retired through the API by ${actor.label}`);
    return jsonSafe(await getDeviceDetail(db, actor, deviceId));
  },
  { permission: "devices.write" },
);
