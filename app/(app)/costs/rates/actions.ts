"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/actions/define-action";
import { costRatesSchema, updateFarmCostRates } from "@/lib/costs/cost-rates";
import { getDb } from "@/lib/db";

export const saveCostRatesAction = defineAction(
  { permission: "costs.manage", schema: costRatesSchema.extend({ farmId: z.coerce.number().int().positive("Pick a farm").max(2_147_483_647, "Pick a farm") }) },
  async ({ farmId, ...rates }, actor) => {
    const saved = await updateFarmCostRates(getDb(), actor, farmId, rates);
    revalidatePath("/costs");
    return saved;
  },
);
