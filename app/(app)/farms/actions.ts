"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/actions/define-action";
import { getDb } from "@/lib/db";
import { createFarm, updateFarm } from "@/lib/farms/farm-admin";

/** The form's fields go to lib/farms as they are: its schema names each bad one. */
const formFields = z.looseObject({});
const withFarmId = z.looseObject({ farmId: z.coerce.number().int().positive("Pick a farm").max(2_147_483_647, "Pick a farm") });

export const createFarmAction = defineAction({ permission: "farms.manage", schema: formFields }, async (input, actor) => {
  const farm = await createFarm(getDb(), actor, input);
  // the farm switcher, the lists and every page naming farms
  revalidatePath("/", "layout");
  return { id: farm.id, name: farm.name, timezone: farm.timezone };
});

export const updateFarmAction = defineAction({ permission: "farms.manage", schema: withFarmId }, async ({ farmId, ...fields }, actor) => {
  const farm = await updateFarm(getDb(), actor, farmId, fields);
  revalidatePath("/", "layout");
  return { id: farm.id, name: farm.name, timezone: farm.timezone };
});
