import { readJson, withApi } from "@/lib/api/with-api";
import { deviceIdFromPath } from "@/lib/commands/command-requests";
import { getDb } from "@/lib/db";
import { deviceWarranty, setWarrantyVoid } from "@/lib/warranty/warranty-coverage";
import { deviceWarrantyJson } from "@/lib/warranty/warranty-requests";
import { voidSchema } from "@/lib/warranty/warranty-schemas";

export const dynamic = "force-dynamic";

type Params = { id: string };

/** Voids the warranty with a reason (`{ reason }`), or lifts the void (`{ void: false }`). */
export const POST = withApi<Params>(
  async ({ request, actor, params }) => {
    const input = await readJson(request, voidSchema);
    const deviceId = deviceIdFromPath(params.id);
    await setWarrantyVoid(getDb(), actor, deviceId, input);
    return deviceWarrantyJson(await deviceWarranty(getDb(), actor, deviceId));
  },
  { permission: "assets.manage" },
);
