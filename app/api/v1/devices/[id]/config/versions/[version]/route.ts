import { withApi } from "@/lib/api/with-api";
import { deviceIdFromPath } from "@/lib/commands/command-requests";
import { versionDetailBody } from "@/lib/configuration/config-api";
import { versionFromPath } from "@/lib/configuration/config-requests";
import { getVersion } from "@/lib/configuration/device-config";
import { getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

/** One version with its whole configuration (0: the type's factory defaults). */
export const GET = withApi<{ id: string; version: string }>(
  async ({ actor, params }) => {
    const deviceId = deviceIdFromPath(params.id);
    return versionDetailBody(deviceId, await getVersion(getDb(), actor, deviceId, versionFromPath(params.version)));
  },
  { permission: "devices.read" },
);
