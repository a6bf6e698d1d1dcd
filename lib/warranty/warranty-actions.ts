"use server";

/**
 * The warranty screens' mutations (the claim form and claim page, the device page's Warranty
 * section). Role and farm are judged on the server by the domain functions, whatever the form showed.
 */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "../actions/define-action";
import { getDb } from "../db";
import { fieldErrorsFromIssues, InvalidError } from "../errors";
import { fileWarrantyClaim, moveWarrantyClaim } from "./warranty-claims";
import { extendWarranty, setWarrantyVoid } from "./warranty-coverage";
import { claimFileSchema, claimTransitionSchema, extensionSchema, voidSchema } from "./warranty-schemas";

const withDevice = z.looseObject({ deviceId: z.string().trim().min(1, "Pick a device").max(50) });
const withClaim = z.looseObject({ claimId: z.coerce.number().int().positive() });

function parse<S extends z.ZodType>(schema: S, fields: unknown): z.output<S> {
  const parsed = schema.safeParse(fields);
  if (!parsed.success) throw new InvalidError("Please correct the highlighted fields.", fieldErrorsFromIssues(parsed.error.issues));
  return parsed.data;
}

export const fileClaimAction = defineAction({ permission: "assets.manage", schema: claimFileSchema }, async (input, actor) => {
  const { claim, eligibility } = await fileWarrantyClaim(getDb(), actor, input);
  revalidatePath("/inventory/warranty");
  revalidatePath(`/devices/${input.deviceId}`);
  return { id: claim.id, claimNumber: claim.claimNumber, eligible: eligibility.eligible };
});

export const moveClaimAction = defineAction({ permission: "assets.manage", schema: withClaim }, async ({ claimId, ...rest }, actor) => {
  const claim = await moveWarrantyClaim(getDb(), actor, claimId, parse(claimTransitionSchema, rest));
  revalidatePath("/inventory/warranty");
  revalidatePath(`/inventory/warranty/claims/${claimId}`);
  revalidatePath(`/devices/${claim.device.deviceId}`);
  return { status: claim.status };
});

export const extendWarrantyAction = defineAction({ permission: "assets.manage", schema: withDevice }, async ({ deviceId, ...rest }, actor) => {
  const extension = await extendWarranty(getDb(), actor, deviceId, parse(extensionSchema, rest));
  revalidatePath(`/devices/${deviceId}`);
  revalidatePath("/inventory/warranty");
  return { newEnd: extension.newEnd.toISOString().slice(0, 10) };
});

export const voidWarrantyAction = defineAction({ permission: "assets.manage", schema: withDevice }, async ({ deviceId, ...rest }, actor) => {
  const result = await setWarrantyVoid(getDb(), actor, deviceId, parse(voidSchema, rest));
  revalidatePath(`/devices/${deviceId}`);
  revalidatePath("/inventory/warranty");
  return { voided: result.voided };
});
