import { withApi } from "@/lib/api/with-api";
import { deviceIdFromPath } from "@/lib/commands/command-requests";
import { versionPageBody } from "@/lib/configuration/config-api";
import { queryOf, versionListQuery } from "@/lib/configuration/config-requests";
import { listVersions } from "@/lib/configuration/device-config";
import { getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

/** The device's configuration versions, newest first (the seed's GET_CONFIG_HISTORY). */
export const GET = withApi<{ id: string }>(
  async ({ request, actor, params }) => {
    const deviceId = deviceIdFromPath(params.id);
    return versionPageBody(deviceId, await listVersions(getDb(), actor, deviceId, versionListQuery.parse(queryOf(request))));
  },
  { permission: "devices.read" },
);
