import { layerRoutes } from "@/lib/configuration/layer-routes";

export const dynamic = "force-dynamic";

/** The farm's settings for one device type: read, create or replace, remove (lib/configuration/layer-routes.ts). */
export const { GET, PUT, DELETE } = layerRoutes("farm");
