import { withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { clearClaimFailures } from "@/lib/provisioning/claim-device";

/** DELETE lifts the delays that refused claims put on the device; the refusals stay in its history. */
export const DELETE = withApi<{ id: string }>(async ({ actor, params }) => clearClaimFailures(getDb(), actor, params.id), { permission: "throttles.clear" });
