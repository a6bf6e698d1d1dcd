import { z } from "zod";
import { withApi } from "@/lib/api/with-api";
import { revokeApiKey } from "@/lib/auth/api-keys";
import { getDb } from "@/lib/db";

/** DELETE revokes: the row stays for the record. */
export const DELETE = withApi<{ id: string }>(
  async ({ actor, params }) => {
    const id = z.coerce.number().int().positive().parse(params.id);
    const key = await revokeApiKey(getDb(), actor, id);
    return { id: key.id, revokedAt: key.revokedAt };
  },
  { permission: "apikeys.manage" },
);
