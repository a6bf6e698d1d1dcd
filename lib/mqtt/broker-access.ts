/**
 * Who may use the broker, and where (ARCHITECTURE "MQTT contract"): decided once here for the
 * embedded broker (workers/embedded-broker.ts) and for external brokers that ask over HTTP
 * (EMQX, mosquitto-go-auth: app/api/v1/broker/**).
 *  - The service account (worker, web app) may publish and subscribe anywhere.
 *  - A device logs in with its DeviceCredential and may only use `devices/{itsOwnId}/…`.
 *  - A device's client id must be its own (`sdm-{deviceId}`, or `sdm-{deviceId}-suffix`): MQTT
 *    disconnects the older session on a client id clash, so a device free to pick any id could
 *    knock the worker or another device off the broker.
 *  - Anonymous clients and wrong, revoked or retired credentials are refused.
 *  - A device may not publish a retained message (see mayRetain).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { loadConfig } from "../config/env";
import type { Db } from "../db";
import { mqttIdentity, verifyDeviceCredentials } from "../provisioning/credentials";
import { parseTopic, topicOwner } from "./topics";

export type ServiceAccount = { username: string; password: string | undefined };

export type BrokerIdentity = { kind: "service" } | { kind: "device"; deviceId: string };

/** publish and subscribe (a filter); read = a message about to be delivered (mosquitto). */
export type BrokerAction = "publish" | "subscribe" | "read";

export type BrokerLoginRefusal = "anonymous" | "unknown_user" | "bad_credentials" | "client_id_mismatch";

export type BrokerLogin = { ok: true; identity: BrokerIdentity } | { ok: false; reason: BrokerLoginRefusal; message: string };

/** Device usernames are `dev-{deviceId}` (lib/provisioning/credentials.ts mqttIdentity). */
const DEVICE_USERNAME_PREFIX = mqttIdentity("").username;

export function serviceAccountFromConfig(): ServiceAccount {
  const config = loadConfig();
  return { username: config.MQTT_SERVICE_USERNAME, password: config.MQTT_SERVICE_PASSWORD };
}

/** Constant-time comparison whatever the lengths (hashing first makes them equal). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given, "utf8").digest();
  const b = createHash("sha256").update(expected, "utf8").digest();
  return timingSafeEqual(a, b);
}

export function deviceOwnsClientId(deviceId: string, clientId: string): boolean {
  const own = mqttIdentity(deviceId).clientId;
  return clientId === own || clientId.startsWith(`${own}-`);
}

/** The device id in a device username, or null for a name outside our device namespace. */
export function deviceIdFromUsername(username: string): string | null {
  if (!username.startsWith(DEVICE_USERNAME_PREFIX)) return null;
  const deviceId = username.slice(DEVICE_USERNAME_PREFIX.length);
  return deviceId && !/[/+#\s]/.test(deviceId) ? deviceId : null;
}

/** A username this product issues (the service account or a device); others belong to someone else. */
export function isOwnUsername(username: string, service: ServiceAccount): boolean {
  return username === service.username || deviceIdFromUsername(username) !== null;
}

/**
 * The identity of a client the broker has already authenticated, from its username and client id
 * (an HTTP authorisation request carries no password). Null when the pair cannot be ours.
 */
export function identityOfAuthenticatedClient(username: string, clientId: string, service: ServiceAccount): BrokerIdentity | null {
  if (username && username === service.username) return { kind: "service" };
  const deviceId = deviceIdFromUsername(username);
  if (deviceId && deviceOwnsClientId(deviceId, clientId)) return { kind: "device", deviceId };
  return null;
}

/** What a device may publish: its own device → cloud topics, never a cloud → device one. */
const DEVICE_PUBLISHES = new Set(["telemetry", "status", "command_response", "ota_status", "config_status"]);

/**
 * The ACL: the service account anywhere, a device only under `devices/{itsOwnId}/…`. A filter with
 * a wildcard in the device segment (`devices/+/telemetry`, `#`) belongs to nobody, so a device
 * cannot subscribe to it. A device publishes only what devices send (telemetry, status, command
 * responses, update progress, configuration reports): a command, configuration or update offer on its own topics comes
 * from the cloud alone, so nothing on the device's side can pose as one.
 */
export function mayAccess(identity: BrokerIdentity | null | undefined, topic: string, action: BrokerAction = "subscribe"): boolean {
  if (!identity || !topic) return false;
  if (identity.kind === "service") return true;
  if (topicOwner(topic) !== identity.deviceId) return false;
  if (action !== "publish") return true;
  const parsed = parseTopic(topic);
  return parsed !== null && DEVICE_PUBLISHES.has(parsed.kind);
}

/**
 * Retained publishes are the service account's only. A broker replays a topic's retained message
 * to every new subscription, so a device's retained telemetry or status would reach the worker
 * again at each of its (re)subscriptions: an old reading presented as news.
 */
export function mayRetain(identity: BrokerIdentity | null | undefined): boolean {
  return identity?.kind === "service";
}

/**
 * CONNECT: the service account against its configured password, a device against its stored
 * credential (not revoked, device not retired) and its own client id. Throws only when the
 * credential store cannot be read, so callers can answer "try later" instead of "wrong password".
 */
export async function authenticateBrokerClient(
  db: Db,
  login: { username: string | null | undefined; password: string | null | undefined; clientId: string },
  service: ServiceAccount = serviceAccountFromConfig(),
): Promise<BrokerLogin> {
  const username = login.username ?? "";
  const password = login.password ?? "";
  if (!username) return { ok: false, reason: "anonymous", message: "anonymous clients are not allowed" };
  if (username === service.username) {
    if (service.password && sameSecret(password, service.password)) return { ok: true, identity: { kind: "service" } };
    return { ok: false, reason: "bad_credentials", message: "bad username or password" };
  }
  if (deviceIdFromUsername(username) === null) return { ok: false, reason: "unknown_user", message: "bad username or password" };
  const deviceId = await verifyDeviceCredentials(db, username, password);
  if (!deviceId) return { ok: false, reason: "bad_credentials", message: "bad username or password" };
  if (!deviceOwnsClientId(deviceId, login.clientId)) {
    return { ok: false, reason: "client_id_mismatch", message: `client id "${login.clientId}" is not ${mqttIdentity(deviceId).clientId}` };
  }
  return { ok: true, identity: { kind: "device", deviceId } };
}

/** Whether a device's credential is still usable (not revoked, device not retired). */
export async function deviceCredentialActive(db: Db, deviceId: string): Promise<boolean> {
  const { username } = mqttIdentity(deviceId);
  const found = await db.deviceCredential.count({ where: { username, revokedAt: null, device: { deviceId, state: { not: "decommissioned" } } } });
  return found > 0;
}

/**
 * PUBLISH / SUBSCRIBE asked over HTTP by an external broker. A device's credential is checked
 * again, so a revoked device loses its topics within the broker's authorisation cache time even
 * on a connection opened before the revocation.
 */
export async function authorizeBrokerAccess(
  db: Db,
  request: { username: string | null | undefined; clientId: string; topic: string; action: BrokerAction; retain?: boolean },
  service: ServiceAccount = serviceAccountFromConfig(),
): Promise<boolean> {
  const identity = identityOfAuthenticatedClient(request.username ?? "", request.clientId, service);
  if (!mayAccess(identity, request.topic, request.action)) return false;
  if (request.action === "publish" && request.retain && !mayRetain(identity)) return false;
  if (identity?.kind === "device") return deviceCredentialActive(db, identity.deviceId);
  return true;
}

/** An open device connection as the broker remembers it: who, and the hash of the password it logged in with. */
export type DeviceSession = { username: string; passwordHash: string };

type StoredCredential = { username: string; passwordHash: string; revokedAt: Date | null; device: { state: string } };

/** Whether an open connection's login still holds: same password, not revoked, device not retired. */
export function sessionStillValid(session: DeviceSession, stored: StoredCredential | undefined): boolean {
  return Boolean(stored && !stored.revokedAt && stored.device.state !== "decommissioned" && stored.passwordHash === session.passwordHash);
}

/** Usernames per query: well under PostgreSQL's bind-parameter limit (P2035). */
const SESSION_CHECK_CHUNK = 5_000;

/**
 * The open device connections whose login no longer holds (credentials regenerated or revoked,
 * device retired since they connected): one query per 5,000 connections, so a broker can sweep
 * every few seconds and a replaced password stops working on open connections too.
 */
export async function invalidDeviceSessions<S extends DeviceSession>(db: Db, sessions: readonly S[]): Promise<S[]> {
  const invalid: S[] = [];
  const usernames = [...new Set(sessions.map((session) => session.username))];
  const stored = new Map<string, StoredCredential>();
  for (let start = 0; start < usernames.length; start += SESSION_CHECK_CHUNK) {
    const rows = await db.deviceCredential.findMany({
      where: { username: { in: usernames.slice(start, start + SESSION_CHECK_CHUNK) } },
      select: { username: true, passwordHash: true, revokedAt: true, device: { select: { state: true } } },
    });
    for (const row of rows) stored.set(row.username, row);
  }
  for (const session of sessions) if (!sessionStillValid(session, stored.get(session.username))) invalid.push(session);
  return invalid;
}
