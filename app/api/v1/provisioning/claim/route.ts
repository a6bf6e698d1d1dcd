import { NextResponse } from "next/server";
import { getDb } from "@/lib/db";
import { clientAddress } from "@/lib/http/client-address";
import { machineRoute, readHookBody } from "@/lib/provisioning/machine-requests";
import { claimDevice } from "@/lib/provisioning/provision-device";
import { claimRequestSchema } from "@/lib/provisioning/provisioning-schemas";

/**
 * I-013 §2.3: a device trades its one-time provisioning token for its MQTT credentials. No API
 * key: the token is the proof. 401 wrong token, 410 expired, 409 used, 429 too many refusals.
 */
export const POST = machineRoute(async (request) => {
  const body = await readHookBody(request, claimRequestSchema);
  const credentials = await claimDevice(getDb(), { ...body, ip: clientAddress(request.headers) });
  return NextResponse.json(credentials, { headers: { "Cache-Control": "no-store" } });
});
