"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/actions/define-action";
import { clearSignInFailures } from "@/lib/auth/sign-in";
import { getDb } from "@/lib/db";

export const clearSignInFailuresAction = defineAction({ permission: "throttles.clear", schema: z.object({ id: z.coerce.number().int().positive() }) }, async ({ id }, actor) => {
  const result = await clearSignInFailures(getDb(), actor, id);
  revalidatePath("/admin/users");
  return result;
});
