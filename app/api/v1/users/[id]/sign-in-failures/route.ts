import { z } from "zod";
import { withApi } from "@/lib/api/with-api";
import { clearSignInFailures } from "@/lib/auth/sign-in";
import { getDb } from "@/lib/db";

/** DELETE lifts every sign-in delay of the account (its failed attempts from all addresses). */
export const DELETE = withApi<{ id: string }>(
  async ({ actor, params }) => clearSignInFailures(getDb(), actor, z.coerce.number().int().positive().parse(params.id)),
  { permission: "throttles.clear" },
);
