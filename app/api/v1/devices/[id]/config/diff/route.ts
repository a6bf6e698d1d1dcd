import { withApi } from "@/lib/api/with-api";
import { deviceIdFromPath } from "@/lib/commands/command-requests";
import { diffBody } from "@/lib/configuration/config-api";
import { queryOf, versionDiffQuery } from "@/lib/configuration/config-requests";
import { diffVersions } from "@/lib/configuration/device-config";
import { getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

/** The seed's `get_config_diff`: added, removed and modified settings between two versions. */
export const GET = withApi<{ id: string }>(
  async ({ request, actor, params }) => {
    const { from, to } = versionDiffQuery.parse(queryOf(request));
    return diffBody(await diffVersions(getDb(), actor, deviceIdFromPath(params.id), from, to));
  },
  { permission: "devices.read" },
);
