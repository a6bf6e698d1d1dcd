import { NextResponse } from "next/server";
import { withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { DEVICE_ID_PATTERN } from "@/lib/devices/device-id";
import { NotFoundError } from "@/lib/errors";
import { generateProvisioningToken } from "@/lib/provisioning/provision-device";

type Params = { id: string };

/** M92 `action_generate_provisioning_token`: a one-time token (24 h) and its claim link, shown once. */
export const POST = withApi<Params>(
  async ({ actor, params }) => {
    const id = decodeURIComponent(params.id);
    if (!DEVICE_ID_PATTERN.test(id)) throw new NotFoundError(`No device has the id “${id}” (device ids look like MM001).`);
    const { token, expiresAt, claimUrl } = await generateProvisioningToken(getDb(), actor, id);
    return NextResponse.json({ token, expiresAt: expiresAt.toISOString(), claimUrl }, { status: 201, headers: { "Cache-Control": "no-store" } });
  },
  { permission: "devices.provision" },
);
