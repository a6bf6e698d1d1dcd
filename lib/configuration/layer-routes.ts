/**
 * The API of a farm's or a group's settings for one device type
 * (`/api/v1/farms/{id}/config/{deviceType}`, `/api/v1/groups/{id}/config/{deviceType}`): the same
 * three handlers for either scope, so the two route files only name theirs.
 */
import { readJson, withApi } from "../api/with-api";
import { getDb } from "../db";
import { layerBody } from "./config-api";
import { deviceTypeFromPath, layerDeleteQuery, layerPutRequest, queryOf, scopeIdFromPath } from "./config-requests";
import { deleteLayer, getLayer, putLayer, type LayerScope } from "./layer-service";

type Params = { id: string; deviceType: string };

export function layerRoutes(scope: LayerScope) {
  const target = (params: Params) => ({ id: scopeIdFromPath(params.id, scope), type: deviceTypeFromPath(params.deviceType) });
  return {
    /** The layer's settings, what they sit on, and the devices they reach. */
    GET: withApi<Params>(
      async ({ actor, params }) => {
        const { id, type } = target(params);
        return layerBody(await getLayer(getDb(), actor, scope, id, type));
      },
      { permission: "devices.read" },
    ),
    /** Creates (version 0) or replaces the layer's settings; the worker gives the devices they reach new versions. */
    PUT: withApi<Params>(
      async ({ request, actor, params }) => {
        const { id, type } = target(params);
        const body = await readJson(request, layerPutRequest);
        return layerBody(await putLayer(getDb(), actor, scope, id, type, { values: body.values, health: body.health, version: body.version, reason: body.reason ?? null }));
      },
      { permission: "config.manage" },
    ),
    /** Removes the layer's settings at `?version=`: its devices inherit from above again. */
    DELETE: withApi<Params>(
      async ({ request, actor, params }) => {
        const { id, type } = target(params);
        const query = layerDeleteQuery.parse(queryOf(request));
        return deleteLayer(getDb(), actor, scope, id, type, { version: query.version, reason: query.reason ?? null });
      },
      { permission: "config.manage" },
    ),
  };
}
