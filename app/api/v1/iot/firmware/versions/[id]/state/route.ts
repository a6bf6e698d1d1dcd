import { readJson, withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { firmwareIdParam, firmwareStateChangeSchema } from "@/lib/firmware/firmware-schemas";
import { changeFirmwareState } from "@/lib/firmware/firmware-versions";

export const dynamic = "force-dynamic";

export const POST = withApi<{ id: string }>(
  async ({ request, actor, params }) => {
    const id = firmwareIdParam.parse(params.id);
    const { state } = await readJson(request, firmwareStateChangeSchema);
    return changeFirmwareState(getDb(), actor, id, state);
  },
  { permission: "firmware.write" },
);
