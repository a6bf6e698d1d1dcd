import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hashSecret, mqttIdentity, newSecret, secretMatches } from "./credentials";

describe("device credentials", () => {
  it("stores a secret as its SHA-256 and recognises only that secret", () => {
    const secret = newSecret();
    const stored = hashSecret(secret);
    expect(stored).toBe(createHash("sha256").update(secret).digest("hex"));
    expect(secretMatches(secret, stored)).toBe(true);
    expect(secretMatches(`${secret}x`, stored)).toBe(false);
    expect(secretMatches(secret.slice(1), stored)).toBe(false);
  });

  it("answers no, rather than throwing, for a damaged stored hash", () => {
    expect(secretMatches("anything", "abc")).toBe(false);
    expect(secretMatches("anything", "")).toBe(false);
  });

  it("makes URL-safe secrets of the asked entropy, a new one every time", () => {
    const secret = newSecret();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret, "base64url")).toHaveLength(32);
    expect(newSecret(18)).toHaveLength(24);
    expect(new Set(Array.from({ length: 50 }, () => newSecret())).size).toBe(50);
  });

  it("derives the MQTT username and client id from the device id, so broker logs name the device", () => {
    expect(mqttIdentity("MM001")).toEqual({ username: "dev-MM001", clientId: "sdm-MM001" });
  });
});
