/**
 * What warranty claims, extensions and voids are made with: the forms, the server actions, the API
 * and the OpenAPI document read them through these schemas.
 */
import { z } from "zod";
import { optionalId, optionalText, requiredText } from "../validation/form-values";
import { WARRANTY_ISSUE_TYPES } from "./warranty-eligibility";

export const CLAIM_STATUSES = ["open", "submitted", "approved", "rejected", "closed"] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];
export const CLAIM_STATUS_LABEL: Record<ClaimStatus, string> = { open: "Open", submitted: "Submitted", approved: "Approved", rejected: "Rejected", closed: "Closed" };

export const CLAIM_RESOLUTIONS = ["repaired", "replaced", "refunded", "rejected"] as const;
export type ClaimResolution = (typeof CLAIM_RESOLUTIONS)[number];

/** Money (≥ 0, whole cents) from a form ("12.50", "" for none) or JSON (12.5). */
function amount(label: string) {
  return z
    .number({ error: (issue) => (issue.input === undefined ? `${label} is required` : `${label} must be a number`) })
    .min(0, `${label} cannot be negative`)
    .max(99_999_999, `${label} is too large`)
    .refine((value) => Math.abs(value * 100 - Math.round(value * 100)) < 1e-6, "At most two decimals (cents)");
}
const fromForm = (value: unknown) => {
  if (typeof value !== "string") return value;
  const text = value.trim().replace(",", ".");
  if (text === "") return undefined;
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : value;
};
const money = (label: string) => z.preprocess(fromForm, amount(label));
const optionalMoney = (label: string) => z.preprocess(fromForm, amount(label).optional());

export const claimFileSchema = z
  .object({
    deviceId: z.string({ error: "Pick a device" }).trim().min(1, "Pick a device").max(50),
    issueType: z.enum(WARRANTY_ISSUE_TYPES, { error: "Pick the kind of issue" }),
    issueDescription: requiredText(4000, "A description of the issue"),
    /** A corrective maintenance record of the same device (the repair work), optional. */
    maintenanceId: optionalId,
    /** Filing for a device that is not eligible (a goodwill claim): why. Required then, ignored otherwise. */
    overrideReason: optionalText(500),
  })
  .strict();
export type ClaimFileInput = z.output<typeof claimFileSchema>;

/** PATCH /api/v1/warranty-claims/{id} and the claim page's buttons: the status to move to and what it needs. */
export const claimTransitionSchema = z.discriminatedUnion(
  "status",
  [
    z.object({ status: z.literal("submitted"), rmaNumber: requiredText(60, "The RMA number") }).strict(),
    z.object({ status: z.literal("approved"), resolutionNotes: optionalText(4000) }).strict(),
    z.object({ status: z.literal("rejected"), resolutionNotes: optionalText(4000) }).strict(),
    z
      .object({
        status: z.literal("closed"),
        resolution: z.enum(CLAIM_RESOLUTIONS, { error: "Pick the resolution: repaired, replaced, refunded or rejected" }),
        resolutionNotes: optionalText(4000),
        costCovered: optionalMoney("The cost covered"),
      })
      .strict(),
  ],
  { error: "Say which status to move the claim to: submitted, approved, rejected or closed" },
);
export type ClaimTransitionInput = z.output<typeof claimTransitionSchema>;

export const extensionSchema = z
  .object({
    months: z.coerce.number({ error: "Months must be a whole number" }).int("Months must be a whole number").min(1, "At least 1 month").max(120, "At most 120 months"),
    cost: money("The cost"),
    provider: optionalText(120),
  })
  .strict();
export type ExtensionInput = z.output<typeof extensionSchema>;

export const voidSchema = z
  .object({
    /** true (default): void the warranty with a reason; false: lift the void mark. */
    void: z.preprocess((value) => (value === "false" ? false : value === "true" ? true : value), z.boolean()).default(true),
    reason: optionalText(200),
  })
  .strict()
  .superRefine((input, ctx) => {
    if (input.void && !input.reason) ctx.addIssue({ code: "custom", path: ["reason"], message: "Say why the warranty is void (e.g. opened by a third party)" });
  });
export type VoidInput = z.output<typeof voidSchema>;

export const claimListQuery = z
  .object({
    status: z.enum(CLAIM_STATUSES).optional(),
    farm: z.coerce.number().int().positive().optional().describe("Farm id"),
    device: z.string().trim().max(50).optional().describe("Device id, e.g. CL001"),
    page: z.coerce.number().int().min(1).default(1),
    pageSize: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
export type ClaimListQuery = z.output<typeof claimListQuery>;
