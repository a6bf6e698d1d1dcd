/**
 * Provisioning (M92 task 3.1, I-013 §2): register a device and give it MQTT credentials, regenerate
 * or revoke them, and hand out one-time provisioning tokens a device trades for its credentials
 * (claimDevice, in claim-device.ts). Passwords and tokens are returned once and stored only as
 * hashes; no audit line or log carries them.
 */
import type { Prisma } from "@prisma/client";
import { recordAudit } from "../audit/record";
import { can, farmScope, type Actor } from "../auth/permissions";
import type { Db } from "../db";
import { createDevice } from "../devices/device-registry";
import type { DeviceCreateInput } from "../devices/device-schemas";
import { ConflictError, ForbiddenError, NotFoundError } from "../errors";
import { brokerUrlForDevices, connectionDetails, type DeviceConnectionDetails } from "./connection-details";
import { hashSecret, issueDeviceCredentials, mqttIdentity, revokeDeviceCredentials } from "./credentials";
import { claimUrl, newProvisioningToken } from "./provisioning-token";

export { brokerUrlForDevices, type DeviceConnectionDetails, type DeviceTopics } from "./connection-details";
export { claimDevice, ClaimRefusedError } from "./claim-device";

export type ProvisioningMethodName = "manual" | "qr_code" | "nfc" | "api";

type Tx = Prisma.TransactionClient;

export type ProvisionedDevice = { id: number; deviceId: string; name: string; deviceType: string; farmId: number };

function assertMayProvision(actor: Actor) {
  if (!can(actor.role, "devices.provision")) throw new ForbiddenError(`Your role (${actor.role}) cannot provision devices or manage their credentials.`);
}

/** The states a device leaves for "provisioned" once it holds credentials (I-013 §1.3). */
const NOT_YET_PROVISIONED = ["manufactured", "registered"] as const;

/**
 * The device as a provisioning verb may touch it: in the actor's farms (another farm's device is
 * "not found", as in the registry) and not retired.
 */
async function loadForProvisioning(tx: Tx, actor: Actor, deviceId: string) {
  const device = await tx.device.findUnique({ where: { deviceId }, select: { id: true, deviceId: true, farmId: true, state: true } });
  const scope = farmScope(actor);
  if (!device || (scope !== null && scope !== device.farmId)) throw new NotFoundError(`Device ${deviceId} not found.`);
  if (device.state === "decommissioned") throw new ConflictError(`Device ${deviceId} is retired; it cannot be given credentials or tokens.`);
  return device;
}

/**
 * The wizard's "Create" (M92 task 3.1 `createDevice` + `action_provision`) and POST /api/v1/devices:
 * the device is registered (farm scope, group fit, provisioning method/date/user and the "created"
 * history line, all by the registry), then given credentials and the state "provisioned" unless
 * the caller chose a state. createDevice runs its own transaction, so when issuing the credentials
 * fails the new device is removed again and the history says so: no device is left half made.
 */
export async function provisionDevice(
  db: Db,
  actor: Actor,
  input: DeviceCreateInput,
  method: ProvisioningMethodName,
): Promise<{ device: ProvisionedDevice; credentials: DeviceConnectionDetails }> {
  assertMayProvision(actor);
  const brokerUrl = brokerUrlForDevices();
  const created = await createDevice(db, actor, { ...input, state: input.state ?? "provisioned" }, method);
  try {
    const credentials = await db.$transaction(async (tx) => {
      const issued = await issueDeviceCredentials(tx, created);
      await recordAudit(tx, actor, { entityType: "device", entityId: created.deviceId, action: "credentials_issued", after: { username: issued.username, clientId: issued.clientId, method } });
      return issued;
    });
    const device = { id: created.id, deviceId: created.deviceId, name: created.name, deviceType: created.deviceType, farmId: created.farmId };
    return { device, credentials: connectionDetails(created.deviceId, credentials, brokerUrl) };
  } catch (error) {
    await db.device.delete({ where: { id: created.id } }).catch(() => undefined);
    await recordAudit(db, actor, { entityType: "device", entityId: created.deviceId, action: "provisioning_failed", after: { reason: "credentials could not be issued; the device was removed" } }).catch(() => undefined);
    throw error;
  }
}

/**
 * New MQTT credentials for a device; the old password stops working at once (one credential row
 * per device, its hash overwritten). An outstanding provisioning token is cancelled: it would let
 * a claim replace the credentials just handed out.
 */
export async function regenerateCredentials(db: Db, actor: Actor, deviceId: string): Promise<DeviceConnectionDetails> {
  assertMayProvision(actor);
  const brokerUrl = brokerUrlForDevices();
  const issued = await db.$transaction(async (tx) => {
    const device = await loadForProvisioning(tx, actor, deviceId);
    const credentials = await issueDeviceCredentials(tx, device);
    const provisioned = (NOT_YET_PROVISIONED as readonly string[]).includes(device.state);
    await tx.device.update({
      where: { id: device.id },
      data: { provisioningTokenHash: null, provisioningTokenExpiry: null, ...(provisioned ? { state: "provisioned" } : {}) },
    });
    await recordAudit(tx, actor, {
      entityType: "device",
      entityId: deviceId,
      action: "credentials_regenerated",
      before: provisioned ? { state: device.state } : undefined,
      after: { username: credentials.username, clientId: credentials.clientId, ...(provisioned ? { state: "provisioned" } : {}) },
    });
    return credentials;
  });
  return connectionDetails(deviceId, issued, brokerUrl);
}

/** The device can no longer log in to the broker (nor claim with an outstanding token). */
export async function revokeCredentials(db: Db, actor: Actor, deviceId: string): Promise<void> {
  assertMayProvision(actor);
  await db.$transaction(async (tx) => {
    const device = await loadForProvisioning(tx, actor, deviceId);
    const active = await tx.deviceCredential.count({ where: { deviceId: device.id, revokedAt: null } });
    if (active === 0) throw new ConflictError(`Device ${deviceId} has no active MQTT credentials to revoke.`);
    await revokeDeviceCredentials(tx, device.id);
    await tx.device.update({ where: { id: device.id }, data: { provisioningTokenHash: null, provisioningTokenExpiry: null } });
    await recordAudit(tx, actor, { entityType: "device", entityId: deviceId, action: "credentials_revoked", after: { username: mqttIdentity(deviceId).username } });
  });
}

/**
 * M92 `action_generate_provisioning_token`: a one-time token, valid 24 h, replacing any earlier one.
 * The device (or the phone that scanned its label) trades it for credentials at
 * POST /api/v1/provisioning/claim.
 */
export async function generateProvisioningToken(db: Db, actor: Actor, deviceId: string): Promise<{ token: string; expiresAt: Date; claimUrl: string }> {
  assertMayProvision(actor);
  const { token, expiresAt } = newProvisioningToken();
  await db.$transaction(async (tx) => {
    const device = await loadForProvisioning(tx, actor, deviceId);
    await tx.device.update({ where: { id: device.id }, data: { provisioningTokenHash: hashSecret(token), provisioningTokenExpiry: expiresAt } });
    await recordAudit(tx, actor, { entityType: "device", entityId: deviceId, action: "provisioning_token_generated", after: { expiresAt: expiresAt.toISOString() } });
  });
  return { token, expiresAt, claimUrl: claimUrl(deviceId, token) };
}
