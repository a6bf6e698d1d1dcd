import { describe, expect, it } from "vitest";
import type { Db } from "../db";
import { hashSecret } from "../provisioning/credentials";
import { authenticateBrokerClient, deviceIdFromUsername, deviceOwnsClientId, identityOfAuthenticatedClient, isOwnUsername, mayAccess, mayRetain, sameSecret, sessionStillValid, type ServiceAccount } from "./broker-access";

const service: ServiceAccount = { username: "sdm-service", password: "service-secret" };
const device = { kind: "device", deviceId: "MM001" } as const;

describe("the broker ACL", () => {
  it("keeps a device inside devices/{itsOwnId}/", () => {
    for (const topic of ["devices/MM001/telemetry", "devices/MM001/status", "devices/MM001/commands/c-1/response", "devices/MM001/ota/status", "devices/MM001/#", "devices/MM001/+/update"]) {
      expect(mayAccess(device, topic), topic).toBe(true);
    }
  });

  it("refuses another device's topics, wildcards over devices and anything outside devices/", () => {
    for (const topic of ["devices/MM002/telemetry", "devices/MM0011/telemetry", "devices/+/telemetry", "devices/#", "#", "+/MM001/telemetry", "$SYS/broker/uptime", "devices/MM001", "$share/g/devices/MM001/commands", ""]) {
      expect(mayAccess(device, topic), topic).toBe(false);
    }
  });

  it("lets a device subscribe to its commands and publish only what devices send (command responses, not commands)", () => {
    expect(mayAccess(device, "devices/MM001/commands", "subscribe")).toBe(true);
    expect(mayAccess(device, "devices/MM001/commands", "read")).toBe(true);
    for (const topic of ["devices/MM001/telemetry", "devices/MM001/status", "devices/MM001/commands/c-1/response", "devices/MM001/ota/status"]) {
      expect(mayAccess(device, topic, "publish"), topic).toBe(true);
    }
    for (const topic of ["devices/MM001/commands", "devices/MM001/config", "devices/MM001/ota/update", "devices/MM001/commands/c-1", "devices/MM002/commands/c-1/response", "devices/MM001/#"]) {
      expect(mayAccess(device, topic, "publish"), topic).toBe(false);
    }
    expect(mayAccess({ kind: "service" }, "devices/MM001/commands", "publish")).toBe(true);
  });

  it("lets the service account anywhere and nobody unknown anywhere", () => {
    expect(mayAccess({ kind: "service" }, "devices/+/telemetry")).toBe(true);
    expect(mayAccess({ kind: "service" }, "$share/iot-workers/devices/+/status")).toBe(true);
    expect(mayAccess(null, "devices/MM001/telemetry")).toBe(false);
    expect(mayAccess(undefined, "devices/MM001/telemetry")).toBe(false);
  });
});

describe("retained publishes", () => {
  it("are the service account's only", () => {
    expect(mayRetain({ kind: "service" })).toBe(true);
    expect(mayRetain({ kind: "device", deviceId: "MM001" })).toBe(false);
    expect(mayRetain(null)).toBe(false);
  });
});

describe("client ids and usernames", () => {
  it("binds a device to its own client id, optionally with a suffix", () => {
    expect(deviceOwnsClientId("MM001", "sdm-MM001")).toBe(true);
    expect(deviceOwnsClientId("MM001", "sdm-MM001-ota")).toBe(true);
    expect(deviceOwnsClientId("MM001", "sdm-MM0011")).toBe(false);
    expect(deviceOwnsClientId("MM001", "sdm-iot-worker")).toBe(false);
    expect(deviceOwnsClientId("MM001", "sdm-MM002")).toBe(false);
  });

  it("reads the device id from a device username only", () => {
    expect(deviceIdFromUsername("dev-MM001")).toBe("MM001");
    expect(deviceIdFromUsername("dev-")).toBeNull();
    expect(deviceIdFromUsername("dev-MM/001")).toBeNull();
    expect(deviceIdFromUsername("dev-+")).toBeNull();
    expect(deviceIdFromUsername("sdm-service")).toBeNull();
    expect(isOwnUsername("sdm-service", service)).toBe(true);
    expect(isOwnUsername("dashboard", service)).toBe(false);
  });

  it("knows an authenticated client by its username and client id together", () => {
    expect(identityOfAuthenticatedClient("sdm-service", "anything", service)).toEqual({ kind: "service" });
    expect(identityOfAuthenticatedClient("dev-MM001", "sdm-MM001", service)).toEqual(device);
    expect(identityOfAuthenticatedClient("dev-MM001", "sdm-MM002", service)).toBeNull();
    expect(identityOfAuthenticatedClient("", "sdm-MM001", service)).toBeNull();
    expect(identityOfAuthenticatedClient("someone", "sdm-MM001", service)).toBeNull();
  });

  it("compares secrets whatever their lengths", () => {
    expect(sameSecret("abc", "abc")).toBe(true);
    expect(sameSecret("abc", "abcd")).toBe(false);
    expect(sameSecret("", "abc")).toBe(false);
  });
});

describe("authenticateBrokerClient", () => {
  const password = "the-device-password";
  const rows: Record<string, { passwordHash: string; revokedAt: Date | null; device: { deviceId: string; state: string } }> = {
    "dev-MM001": { passwordHash: hashSecret(password), revokedAt: null, device: { deviceId: "MM001", state: "active" } },
    "dev-MM002": { passwordHash: hashSecret(password), revokedAt: new Date(), device: { deviceId: "MM002", state: "active" } },
    "dev-MM003": { passwordHash: hashSecret(password), revokedAt: null, device: { deviceId: "MM003", state: "decommissioned" } },
  };
  const db = { deviceCredential: { findUnique: async ({ where }: { where: { username: string } }) => rows[where.username] ?? null } } as unknown as Db;
  const login = (username: string | undefined, secret: string, clientId = "sdm-MM001") => authenticateBrokerClient(db, { username, password: secret, clientId }, service);

  it("lets a device in with its password and own client id", async () => {
    expect(await login("dev-MM001", password)).toEqual({ ok: true, identity: device });
  });

  it("refuses a wrong password, a revoked credential and a retired device", async () => {
    expect(await login("dev-MM001", "guess")).toMatchObject({ ok: false, reason: "bad_credentials" });
    expect(await login("dev-MM002", password, "sdm-MM002")).toMatchObject({ ok: false, reason: "bad_credentials" });
    expect(await login("dev-MM003", password, "sdm-MM003")).toMatchObject({ ok: false, reason: "bad_credentials" });
    expect(await login("dev-MM404", password, "sdm-MM404")).toMatchObject({ ok: false, reason: "bad_credentials" });
  });

  it("refuses a device that borrows another client id", async () => {
    expect(await login("dev-MM001", password, "sdm-iot-worker")).toMatchObject({ ok: false, reason: "client_id_mismatch" });
  });

  it("refuses anonymous clients and names it is not responsible for", async () => {
    expect(await login(undefined, "")).toMatchObject({ ok: false, reason: "anonymous" });
    expect(await login("dashboard-user", "x")).toMatchObject({ ok: false, reason: "unknown_user" });
  });

  it("checks the service account against its configured password, and refuses it when none is set", async () => {
    expect(await login("sdm-service", "service-secret", "sdm-iot-worker")).toEqual({ ok: true, identity: { kind: "service" } });
    expect(await login("sdm-service", "wrong")).toMatchObject({ ok: false, reason: "bad_credentials" });
    expect(await authenticateBrokerClient(db, { username: "sdm-service", password: "", clientId: "x" }, { username: "sdm-service", password: undefined })).toMatchObject({ ok: false, reason: "bad_credentials" });
  });
});

describe("sessionStillValid (open connections re-checked by the broker)", () => {
  const session = { username: "dev-MM001", passwordHash: hashSecret("pw") };
  const stored = { username: "dev-MM001", passwordHash: hashSecret("pw"), revokedAt: null, device: { state: "active" } };

  it("keeps a connection whose password still holds", () => {
    expect(sessionStillValid(session, stored)).toBe(true);
  });

  it("ends it once the password is regenerated, revoked, the device retired or its credential gone", () => {
    expect(sessionStillValid(session, { ...stored, passwordHash: hashSecret("new") })).toBe(false);
    expect(sessionStillValid(session, { ...stored, revokedAt: new Date() })).toBe(false);
    expect(sessionStillValid(session, { ...stored, device: { state: "decommissioned" } })).toBe(false);
    expect(sessionStillValid(session, undefined)).toBe(false);
  });
});
