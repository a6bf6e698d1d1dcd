/**
 * The provisioning contract: what a device sends to claim itself and what provisioning answers
 * (credentials, tokens). The route handlers parse with these and the OpenAPI document
 * (lib/api/openapi.ts) is generated from them.
 */
import { z } from "zod";
import { DEVICE_ID_PATTERN, deviceIdSchema } from "../devices/device-id";

/** POST /api/v1/provisioning/claim */
export const claimRequestSchema = z
  .object({
    deviceId: deviceIdSchema.describe("The device id printed on its label, e.g. MM001"),
    token: z
      .string({ error: "Send the provisioning token" })
      .trim()
      .min(16, "The provisioning token is too short")
      .max(200, "The provisioning token is too long")
      .describe("The one-time provisioning token (the `t` of the label's smartdairy://claim link)"),
  })
  .strict();
export type ClaimRequest = z.infer<typeof claimRequestSchema>;

const topic = z.string();

export const deviceTopicsSchema = z.object({
  telemetry: topic.describe("Publish telemetry here"),
  status: topic.describe("Publish online/offline here (also the last will)"),
  commandResponse: topic.describe("Publish command answers here; replace {command_id}"),
  otaStatus: topic.describe("Publish firmware update progress here"),
  commands: topic.describe("Subscribe: commands for the device"),
  config: topic.describe("Subscribe: configuration for the device"),
  otaUpdate: topic.describe("Subscribe: firmware update notifications"),
});

export const deviceConnectionDetailsSchema = z
  .object({
    username: z.string().describe("MQTT username, dev-{deviceId}"),
    password: z.string().describe("MQTT password: shown this once, stored only as a hash"),
    clientId: z.string().describe("MQTT client id, sdm-{deviceId} (sdm-{deviceId}-anything is accepted too)"),
    brokerUrl: z.string().describe("The broker the device connects to"),
    topics: deviceTopicsSchema,
  })
  .describe("MQTT credentials and topics of one device. The password is in this answer only.");

export const provisioningTokenSchema = z.object({
  token: z.string().describe("One-time token: shown this once, stored only as a hash"),
  expiresAt: z.iso.datetime({ offset: true }).describe("24 hours after it was generated"),
  claimUrl: z.string().describe("smartdairy://claim?d={deviceId}&t={token}: the QR label's content"),
});

export const provisionedDeviceSchema = z.object({
  id: z.number().int(),
  deviceId: z.string().regex(DEVICE_ID_PATTERN),
  name: z.string(),
  deviceType: z.string(),
  farmId: z.number().int(),
});
