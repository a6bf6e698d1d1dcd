import { readJson, withApi } from "@/lib/api/with-api";
import { layerBody } from "@/lib/configuration/config-api";
import { deviceTypeFromPath, layerDeleteQuery, layerPutRequest, queryOf, scopeIdFromPath } from "@/lib/configuration/config-requests";
import { deleteLayer, getLayer, putLayer } from "@/lib/configuration/layer-service";
import { getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

type Params = { id: string; deviceType: string };
const target = (params: Params) => ({ id: scopeIdFromPath(params.id, "farm"), type: deviceTypeFromPath(params.deviceType) });

/** The farm's settings for one device type, what they sit on, and the devices they reach. */
export const GET = withApi<Params>(
  async ({ actor, params }) => {
    const { id, type } = target(params);
    return layerBody(await getLayer(getDb(), actor, "farm", id, type));
  },
  { permission: "devices.read" },
);

/** Creates (version 0) or replaces the farm's settings; the worker gives the devices they reach new versions. */
export const PUT = withApi<Params>(
  async ({ request, actor, params }) => {
    const { id, type } = target(params);
    const body = await readJson(request, layerPutRequest);
    return layerBody(await putLayer(getDb(), actor, "farm", id, type, { values: body.values, health: body.health, version: body.version, reason: body.reason ?? null }));
  },
  { permission: "config.manage" },
);

/** Removes the farm's settings at `?version=`: its devices inherit from above again. */
export const DELETE = withApi<Params>(
  async ({ request, actor, params }) => {
    const { id, type } = target(params);
    const query = layerDeleteQuery.parse(queryOf(request));
    return deleteLayer(getDb(), actor, "farm", id, type, { version: query.version, reason: query.reason ?? null });
  },
  { permission: "config.manage" },
);
