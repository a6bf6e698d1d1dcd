import { NextResponse } from "next/server";
import { readJson, withApi } from "@/lib/api/with-api";
import { deviceIdFromPath } from "@/lib/commands/command-requests";
import { getDb } from "@/lib/db";
import { deviceWarranty, extendWarranty } from "@/lib/warranty/warranty-coverage";
import { deviceWarrantyJson } from "@/lib/warranty/warranty-requests";
import { extensionSchema } from "@/lib/warranty/warranty-schemas";

export const dynamic = "force-dynamic";

type Params = { id: string };

/** Buys an extension: the end moves by `months` from the later of the current end and today. */
export const POST = withApi<Params>(
  async ({ request, actor, params }) => {
    const input = await readJson(request, extensionSchema);
    const deviceId = deviceIdFromPath(params.id);
    await extendWarranty(getDb(), actor, deviceId, input);
    return NextResponse.json(deviceWarrantyJson(await deviceWarranty(getDb(), actor, deviceId)), { status: 201 });
  },
  { permission: "assets.manage" },
);
