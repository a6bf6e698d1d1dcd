import { readJson, withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { claimJson, getWarrantyClaim, moveWarrantyClaim } from "@/lib/warranty/warranty-claims";
import { claimIdFromPath } from "@/lib/warranty/warranty-requests";
import { claimTransitionSchema } from "@/lib/warranty/warranty-schemas";

export const dynamic = "force-dynamic";

type Params = { id: string };

/** One claim (by id or WC-number). */
export const GET = withApi<Params>(async ({ actor, params }) => claimJson(await getWarrantyClaim(getDb(), actor, claimIdFromPath(params.id))), { permission: "devices.read" });

/** Moves the claim on: submitted (RMA number), approved, rejected, closed (resolution, cost covered). */
export const PATCH = withApi<Params>(
  async ({ request, actor, params }) => {
    const input = await readJson(request, claimTransitionSchema);
    return claimJson(await moveWarrantyClaim(getDb(), actor, claimIdFromPath(params.id), input));
  },
  { permission: "assets.manage" },
);
