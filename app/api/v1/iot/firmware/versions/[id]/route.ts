import { withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { getFirmwareVersion } from "@/lib/firmware/firmware-versions";
import { firmwareIdParam } from "@/lib/firmware/firmware-schemas";

export const dynamic = "force-dynamic";

export const GET = withApi<{ id: string }>(async ({ actor, params }) => getFirmwareVersion(getDb(), actor, firmwareIdParam.parse(params.id)), { permission: "firmware.read" });
