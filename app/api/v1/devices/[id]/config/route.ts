import { readJson, withApi } from "@/lib/api/with-api";
import { deviceIdFromPath } from "@/lib/commands/command-requests";
import { changeBody, deviceConfigBody } from "@/lib/configuration/config-api";
import { configEditRequest } from "@/lib/configuration/config-requests";
import { getDeviceConfiguration, updateDeviceConfig } from "@/lib/configuration/device-config";
import { getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

type Params = { id: string };

/** I-013 A `GET /devices/{id}/config`: the effective configuration, its version, sources and sync status. */
export const GET = withApi<Params>(async ({ actor, params }) => deviceConfigBody(await getDeviceConfiguration(getDb(), actor, deviceIdFromPath(params.id))), { permission: "devices.read" });

/** I-013 A `POST /devices/{id}/config`: a partial change made from `base_version`; a new version, delivered by the worker. */
export const POST = withApi<Params>(
  async ({ request, actor, params }) => {
    const body = await readJson(request, configEditRequest);
    const outcome = await updateDeviceConfig(getDb(), actor, deviceIdFromPath(params.id), { changes: body.config, remove: body.remove, baseVersion: body.base_version, reason: body.reason ?? null });
    return Response.json(changeBody(outcome), { status: 201 });
  },
  { permission: "config.write" },
);
