/** One set of zod schemas for the firmware upload form, the API and the OpenAPI document. */
import { z } from "zod";
import { DEVICE_TYPES } from "../devices/device-id";
import { booleanish, optionalText, requiredText } from "../validation/form-values";
import { VERSION_PATTERN } from "./version-order";

export const FIRMWARE_STATES = ["draft", "testing", "stable", "deprecated"] as const;
export type FirmwareStateName = (typeof FIRMWARE_STATES)[number];

/**
 * The moves a release may make (M92: draft → testing → stable → deprecated). A test build that
 * failed goes back to draft or straight to deprecated; a stable release is only ever retired.
 */
export const FIRMWARE_TRANSITIONS: Record<FirmwareStateName, readonly FirmwareStateName[]> = {
  draft: ["testing"],
  testing: ["stable", "draft", "deprecated"],
  stable: ["deprecated"],
  deprecated: [],
};

const version = z
  .string({ error: "Version is required" })
  .trim()
  .min(1, "Version is required")
  .max(50, "At most 50 characters")
  .regex(VERSION_PATTERN, "Use a version like 2.1.0 (optionally -rc.1)");

/** "MM-100, MM-200" from a form, or ["MM-100", "MM-200"] from JSON. */
const modelList = z.preprocess(
  (value) => (typeof value === "string" ? value.split(",") : value ?? []),
  z.array(z.string().trim().max(80, "A model name has at most 80 characters")).transform((models) => [...new Set(models.filter(Boolean))]).pipe(z.array(z.string()).max(50, "At most 50 models")),
);

export const firmwareUploadSchema = z
  .object({
    name: requiredText(255, "Name"),
    version,
    deviceType: z.enum(DEVICE_TYPES, { error: "Pick a device type" }),
    manufacturer: optionalText(120),
    compatibleModels: modelList.optional(),
    minPreviousVersion: z.preprocess((value) => (value === "" ? null : value), version.nullable().optional()),
    isMandatory: booleanish,
    releaseNotes: optionalText(10_000),
    changelog: optionalText(20_000),
  })
  .strict();
export type FirmwareUploadInput = z.output<typeof firmwareUploadSchema>;

export const firmwareStateChangeSchema = z.object({ state: z.enum(FIRMWARE_STATES, { error: "Pick draft, testing, stable or deprecated" }) }).strict();

export const firmwareListQuerySchema = z.object({
  deviceType: z.enum(DEVICE_TYPES).optional(),
  state: z.enum(FIRMWARE_STATES).optional(),
});

export const firmwareIdParam = z.coerce.number({ error: "Firmware id must be a number" }).int().positive("Firmware id must be a positive number");
