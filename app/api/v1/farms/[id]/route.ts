import { z } from "zod";
import { readJson, withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { getFarmDetails, updateFarm } from "@/lib/farms/farm-admin";
import { farmIdFromPath } from "@/lib/farms/farm-schemas";

export const dynamic = "force-dynamic";

type Params = { id: string };

/** One farm with its currency and unit prices. */
export const GET = withApi<Params>(async ({ actor, params }) => getFarmDetails(getDb(), actor, farmIdFromPath(params.id)), { permission: "devices.read" });

/** Changes the fields sent; any bad one is a 400 naming it (a taken code a 409) and nothing changes. */
export const PATCH = withApi<Params>(
  async ({ request, actor, params }) => updateFarm(getDb(), actor, farmIdFromPath(params.id), await readJson(request, z.unknown())),
  { permission: "farms.manage" },
);
