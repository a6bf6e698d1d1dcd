"use server";

import { revalidatePath } from "next/cache";
import { defineAction } from "@/lib/actions/define-action";
import { getDb } from "@/lib/db";
import { runBulkAction } from "@/lib/devices/device-bulk";
import { bulkActionSchema } from "@/lib/devices/device-schemas";

/** The list's bulk actions; the same verb as POST /api/v1/devices/bulk. */
export const bulkDevicesAction = defineAction({ permission: "devices.write", schema: bulkActionSchema }, async (input, actor) => {
  const result = await runBulkAction(getDb(), actor, input);
  revalidatePath("/devices");
  return result;
});
