import { NextResponse } from "next/server";
import { withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { DEVICE_ID_PATTERN } from "@/lib/devices/device-id";
import { NotFoundError } from "@/lib/errors";
import { regenerateCredentials, revokeCredentials } from "@/lib/provisioning/provision-device";

type Params = { id: string };

function deviceIdFrom(params: Params): string {
  const id = decodeURIComponent(params.id);
  if (!DEVICE_ID_PATTERN.test(id)) throw new NotFoundError(`No device has the id “${id}” (device ids look like MM001).`);
  return id;
}

/** New MQTT credentials, returned this once; the old password stops working at once. */
export const POST = withApi<Params>(
  async ({ actor, params }) => NextResponse.json(await regenerateCredentials(getDb(), actor, deviceIdFrom(params)), { headers: { "Cache-Control": "no-store" } }),
  { permission: "devices.provision" },
);

/** Revokes the device's MQTT credentials (and any outstanding provisioning token). */
export const DELETE = withApi<Params>(
  async ({ actor, params }) => {
    const deviceId = deviceIdFrom(params);
    await revokeCredentials(getDb(), actor, deviceId);
    return { deviceId, revoked: true };
  },
  { permission: "devices.provision" },
);
