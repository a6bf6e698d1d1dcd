/**
 * The OpenAPI operations of warranties (lib/api/openapi.ts merges them): claims and their moves, a
 * device's warranty, extensions and the void mark. Request bodies are the schemas the routes parse with.
 */
import { z } from "zod";
import { CALLER, components, deviceIdParameter, errors, failure, json, ok, operation, queryParameters, ref, timestamp, type OpenApiArea, type OpenApiParameter } from "../api/openapi-helpers";
import { WARRANTY_ISSUE_TYPES } from "./warranty-eligibility";
import { CLAIM_RESOLUTIONS, CLAIM_STATUSES, claimFileSchema, claimListQuery, claimTransitionSchema, extensionSchema, voidSchema } from "./warranty-schemas";
import { WARRANTY_STATUSES } from "./warranty-status";

const TAG = "Warranty";
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe("YYYY-MM-DD");

const claim = z.object({
  id: z.number().int(),
  claimNumber: z.string().describe("WC-000123"),
  deviceId: z.string().nullable(),
  deviceName: z.string().nullable(),
  farmId: z.number().int(),
  maintenanceId: z.number().int().nullable().describe("The corrective maintenance record it belongs to"),
  issueType: z.string().describe(`One of ${WARRANTY_ISSUE_TYPES.join(", ")}`),
  issueDescription: z.string(),
  status: z.enum(CLAIM_STATUSES),
  rmaNumber: z.string().nullable(),
  resolution: z.enum(CLAIM_RESOLUTIONS).nullable(),
  resolutionNotes: z.string().nullable(),
  costCovered: z.number().nullable().describe("In the farm's currency"),
  filedAt: timestamp,
  submittedAt: timestamp.nullable(),
  closedAt: timestamp.nullable(),
});
const eligibility = z
  .object({
    eligible: z.boolean(),
    status: z.enum(WARRANTY_STATUSES),
    daysRemaining: z.number().int().nullable(),
    coverage: z.string().optional().describe("The warranty terms, when eligible"),
    reason: z.string().optional().describe("Why not, when not eligible"),
    alternative: z.literal("paid_repair").optional(),
  })
  .describe("I-013 §9.2 check_warranty_eligibility");
const claimPage = z.object({
  data: z.array(claim),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  counts: z.record(z.enum(CLAIM_STATUSES), z.number().int()).describe("Claims per status under the farm and device filters"),
});
const filed = z.object({ claim, eligibility });
const warranty = z.object({
  deviceId: z.string(),
  status: z.enum(WARRANTY_STATUSES).describe("Computed today: active, expiring (fewer than 30 days left), expired (from the day after the end), void, none"),
  daysLeft: z.number().int().nullable().describe("0 on the last covered day, negative once expired"),
  purchaseDate: day.nullable(),
  warrantyStart: day.nullable(),
  warrantyEnd: day.nullable(),
  warrantyTerms: z.string().nullable(),
  voidedAt: timestamp.nullable(),
  voidReason: z.string().nullable(),
  eligibility: eligibility.describe("For a hardware failure; a claim is checked with its own issue type"),
  currency: z.string(),
  claims: z.array(claim),
  extensions: z.array(z.object({ id: z.number().int(), previousEnd: day.nullable(), newEnd: day, months: z.number().int(), cost: z.number(), provider: z.string().nullable(), createdAt: timestamp })),
});
const claimIdParameter: OpenApiParameter = { name: "id", in: "path", required: true, description: "The claim's id or number (WC-000123)", schema: { type: "string" } };

export const warrantyOpenApi: OpenApiArea = {
  tags: [
    {
      name: TAG,
      description:
        "Device warranties (I-013 §9.2): status from the dates (active, expiring within 30 days, expired, void, none), eligibility for a repair, claims (open → submitted with an RMA number → approved | rejected → closed with a resolution and the cost covered), extensions and the void mark.",
    },
  ],
  paths: {
    "/warranty-claims": {
      get: operation("devices.read", {
        operationId: "listWarrantyClaims",
        summary: "Warranty claims",
        description: "Newest first, filtered by status, farm and device, with the count per status.",
        tags: [TAG],
        parameters: queryParameters(claimListQuery),
        responses: { "200": ok("A page of claims", ref("WarrantyClaimPage")), ...errors(400, ...CALLER) },
      }),
      post: operation("assets.manage", {
        operationId: "fileWarrantyClaim",
        summary: "File a warranty claim",
        description:
          "For a device the caller may see (another farm's is a 404). The answer carries the eligibility check. A device that is not eligible (expired, void, no warranty, or an excluded issue: physical_damage, water_damage, misuse) is refused (400 on `overrideReason`) unless `overrideReason` says why a goodwill claim is filed anyway. " +
          "`maintenanceId` must be a maintenance record of the same device.",
        tags: [TAG],
        requestBody: { required: true, content: json(ref("WarrantyClaimFile")) },
        responses: { "201": ok("The claim and its eligibility", ref("WarrantyClaimFiled")), ...errors(400, ...CALLER, 404) },
      }),
    },
    "/warranty-claims/{id}": {
      get: operation("devices.read", {
        operationId: "getWarrantyClaim",
        summary: "A warranty claim",
        tags: [TAG],
        parameters: [claimIdParameter],
        responses: { "200": ok("The claim", ref("WarrantyClaim")), ...errors(...CALLER, 404) },
      }),
      patch: operation("assets.manage", {
        operationId: "moveWarrantyClaim",
        summary: "Move a claim on",
        description:
          "`status`: submitted (needs `rmaNumber`), approved or rejected (from submitted), closed (from approved: resolution repaired, replaced or refunded; from rejected: rejected; `costCovered` ≥ 0). " +
          "A move the lifecycle does not allow (a closed claim, approving an open one) is a 409 that says which moves are allowed.",
        tags: [TAG],
        parameters: [claimIdParameter],
        requestBody: { required: true, content: json(ref("WarrantyClaimTransition")) },
        responses: { "200": ok("The claim now", ref("WarrantyClaim")), ...errors(400, ...CALLER, 404), "409": failure("Not allowed from the claim's status, or it changed meanwhile") },
      }),
    },
    "/devices/{id}/warranty": {
      get: operation("devices.read", {
        operationId: "getDeviceWarranty",
        summary: "A device's warranty",
        description: "Status and days left, dates and terms, the void mark, eligibility, claims and extensions.",
        tags: [TAG, "Devices"],
        parameters: [deviceIdParameter],
        responses: { "200": ok("The warranty", ref("DeviceWarranty")), ...errors(...CALLER, 404) },
      }),
    },
    "/devices/{id}/warranty/extend": {
      post: operation("assets.manage", {
        operationId: "extendDeviceWarranty",
        summary: "Extend a warranty",
        description: "I-013 extend_warranty: the end moves by `months` (≥ 1) from the later of the current end and today; `cost` ≥ 0 and `provider` are recorded as an extension. A void warranty or a retired device is a 400.",
        tags: [TAG, "Devices"],
        parameters: [deviceIdParameter],
        requestBody: { required: true, content: json(ref("WarrantyExtensionInput")) },
        responses: { "201": ok("The warranty now", ref("DeviceWarranty")), ...errors(400, ...CALLER, 404), "409": failure("The warranty changed meanwhile") },
      }),
    },
    "/devices/{id}/warranty/void": {
      post: operation("assets.manage", {
        operationId: "voidDeviceWarranty",
        summary: "Void a warranty, or lift the void",
        description: "`{ reason }` voids it (the reason is required); `{ void: false }` lifts it. Voiding a void warranty, or lifting one that is not void, is a 409.",
        tags: [TAG, "Devices"],
        parameters: [deviceIdParameter],
        requestBody: { required: true, content: json(ref("WarrantyVoidInput")) },
        responses: { "200": ok("The warranty now", ref("DeviceWarranty")), ...errors(400, ...CALLER, 404, 409) },
      }),
    },
  },
  schemas: {
    ...components({ WarrantyClaimFile: claimFileSchema, WarrantyClaimTransition: claimTransitionSchema, WarrantyExtensionInput: extensionSchema, WarrantyVoidInput: voidSchema }, "input"),
    ...components({ WarrantyClaim: claim, WarrantyClaimPage: claimPage, WarrantyClaimFiled: filed, DeviceWarranty: warranty }, "output"),
  },
};
