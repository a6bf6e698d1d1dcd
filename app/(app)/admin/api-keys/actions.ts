"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/actions/define-action";
import { createApiKey, createApiKeySchema, revokeApiKey } from "@/lib/auth/api-keys";
import { getDb } from "@/lib/db";

export const createApiKeyAction = defineAction({ permission: "apikeys.manage", schema: createApiKeySchema }, async (input, actor) => {
  const { key, record } = await createApiKey(getDb(), actor, input);
  revalidatePath("/admin/api-keys");
  // The only time the key leaves the server: shown once, never stored in clear.
  return { key, name: record.name };
});

export const revokeApiKeyAction = defineAction({ permission: "apikeys.manage", schema: z.object({ id: z.coerce.number().int().positive() }) }, async ({ id }, actor) => {
  await revokeApiKey(getDb(), actor, id);
  revalidatePath("/admin/api-keys");
  return { id };
});
