import { withApi } from "@/lib/api/with-api";

/** Who the caller is: a quick way for an integration to check its key. */
export const GET = withApi(async ({ actor }) => ({ kind: actor.kind, name: actor.name, label: actor.label, role: actor.role, farmId: actor.farmId }), { permission: "devices.read" });
