import { readJson, withApi } from "@/lib/api/with-api";
import { deviceIdFromPath } from "@/lib/commands/command-requests";
import { changeBody } from "@/lib/configuration/config-api";
import { configRollbackRequest } from "@/lib/configuration/config-requests";
import { rollbackDeviceConfig } from "@/lib/configuration/device-config";
import { getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

/** The seed's `rollback_config` to any version: a new version with that version's configuration. */
export const POST = withApi<{ id: string }>(
  async ({ request, actor, params }) => {
    const body = await readJson(request, configRollbackRequest);
    const outcome = await rollbackDeviceConfig(getDb(), actor, deviceIdFromPath(params.id), { version: body.version, baseVersion: body.base_version, reason: body.reason ?? null });
    return Response.json(changeBody(outcome), { status: 201 });
  },
  { permission: "config.write" },
);
