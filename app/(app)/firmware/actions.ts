"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/actions/define-action";
import { getDb } from "@/lib/db";
import { firmwareIdParam, firmwareStateChangeSchema } from "@/lib/firmware/firmware-schemas";
import { changeFirmwareState } from "@/lib/firmware/firmware-versions";

export const changeFirmwareStateAction = defineAction(
  { permission: "firmware.write", schema: firmwareStateChangeSchema.extend({ id: firmwareIdParam }) satisfies z.ZodType },
  async ({ id, state }, actor) => {
    const version = await changeFirmwareState(getDb(), actor, id, state);
    revalidatePath("/firmware");
    return { id: version.id, version: version.version, state: version.state };
  },
);
