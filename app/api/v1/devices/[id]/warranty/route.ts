import { withApi } from "@/lib/api/with-api";
import { deviceIdFromPath } from "@/lib/commands/command-requests";
import { getDb } from "@/lib/db";
import { deviceWarranty } from "@/lib/warranty/warranty-coverage";
import { deviceWarrantyJson } from "@/lib/warranty/warranty-requests";

export const dynamic = "force-dynamic";

type Params = { id: string };

/** The device's warranty: status, days left, eligibility, claims and extensions. */
export const GET = withApi<Params>(async ({ actor, params }) => deviceWarrantyJson(await deviceWarranty(getDb(), actor, deviceIdFromPath(params.id))), { permission: "devices.read" });
