/**
 * Per-device MQTT credentials (I-013 §2). The password is 32 random bytes, shown once and stored
 * only as a SHA-256 hash: for a secret of that entropy a slow hash adds nothing against guessing,
 * while the broker must check it on every device (re)connect — thousands at once after an outage.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Db } from "../db";

export type IssuedCredentials = { username: string; password: string; clientId: string };

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

export function secretMatches(secret: string, expectedHash: string): boolean {
  const actual = Buffer.from(hashSecret(secret), "hex");
  const expected = Buffer.from(expectedHash, "hex");
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** MQTT username and client id derived from the device id, so broker logs name the device. */
export function mqttIdentity(deviceId: string) {
  return { username: `dev-${deviceId}`, clientId: `sdm-${deviceId}` };
}

/**
 * Issues new credentials for a device. A device has one credential row (its username is derived
 * from the device id); overwriting the hash makes the old password stop working at once.
 */
export async function issueDeviceCredentials(db: Pick<Db, "deviceCredential">, device: { id: number; deviceId: string }): Promise<IssuedCredentials> {
  const { username, clientId } = mqttIdentity(device.deviceId);
  const password = newSecret();
  const passwordHash = hashSecret(password);
  await db.deviceCredential.upsert({
    where: { username },
    create: { deviceId: device.id, username, clientId, passwordHash },
    update: { deviceId: device.id, clientId, passwordHash, revokedAt: null, createdAt: new Date() },
  });
  return { username, password, clientId };
}

export async function revokeDeviceCredentials(db: Pick<Db, "deviceCredential">, deviceId: number) {
  await db.deviceCredential.updateMany({ where: { deviceId, revokedAt: null }, data: { revokedAt: new Date() } });
}

/** The device id (e.g. "MM001") that these MQTT credentials belong to, or null. */
export async function verifyDeviceCredentials(db: Db, username: string, password: string): Promise<string | null> {
  const credential = await db.deviceCredential.findUnique({
    where: { username },
    select: { passwordHash: true, revokedAt: true, device: { select: { deviceId: true, state: true } } },
  });
  if (!credential || credential.revokedAt) return null;
  if (credential.device.state === "decommissioned") return null;
  return secretMatches(password, credential.passwordHash) ? credential.device.deviceId : null;
}
