import { describe, expect, it } from "vitest";
import { hashSecret } from "./credentials";
import { claimRefusal, claimUrl, newProvisioningToken, PROVISIONING_TOKEN_TTL_MS, provisioningTokenStatus } from "./provisioning-token";

const now = new Date("2026-03-01T08:00:00Z");
const later = (ms: number) => new Date(now.getTime() + ms);

describe("newProvisioningToken", () => {
  it("is 32 random bytes, URL-safe, valid 24 hours (M92 action_generate_provisioning_token)", () => {
    const { token, expiresAt } = newProvisioningToken(now);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(expiresAt.getTime() - now.getTime()).toBe(24 * 60 * 60 * 1000);
    expect(newProvisioningToken(now).token).not.toBe(token);
  });
});

describe("claimUrl", () => {
  it("carries the whole token, so the label's link can be verified (unlike the seed's [:32])", () => {
    const { token } = newProvisioningToken(now);
    const url = claimUrl("MM001", token);
    expect(url).toBe(`smartdairy://claim?d=MM001&t=${token}`);
    const parsed = new URL(url);
    expect(parsed.searchParams.get("d")).toBe("MM001");
    expect(parsed.searchParams.get("t")).toBe(token);
  });
});

describe("provisioningTokenStatus", () => {
  it("tells none, pending, expired and used apart", () => {
    expect(provisioningTokenStatus({ provisioningTokenHash: null, provisioningTokenExpiry: null }, now)).toBe("none");
    expect(provisioningTokenStatus({ provisioningTokenHash: "h", provisioningTokenExpiry: later(1) }, now)).toBe("pending");
    expect(provisioningTokenStatus({ provisioningTokenHash: "h", provisioningTokenExpiry: now }, now)).toBe("expired");
    expect(provisioningTokenStatus({ provisioningTokenHash: "h", provisioningTokenExpiry: null }, now)).toBe("used");
  });
});

describe("claimRefusal", () => {
  const token = "a-provisioning-token-of-enough-length";
  const device = (fields: Partial<{ state: string; provisioningTokenHash: string | null; provisioningTokenExpiry: Date | null }> = {}) => ({
    state: "registered",
    provisioningTokenHash: hashSecret(token),
    provisioningTokenExpiry: later(PROVISIONING_TOKEN_TTL_MS),
    ...fields,
  });

  it("accepts the right token before it expires", () => {
    expect(claimRefusal(device(), token, now)).toBeNull();
  });

  it("gives one answer for an unknown device, a device without a token and a wrong token", () => {
    expect(claimRefusal(null, token, now)).toBe("invalid_token");
    expect(claimRefusal(device({ provisioningTokenHash: null, provisioningTokenExpiry: null }), token, now)).toBe("invalid_token");
    expect(claimRefusal(device(), `${token}x`, now)).toBe("invalid_token");
  });

  it("tells the holder of the right token that it expired or was used", () => {
    expect(claimRefusal(device({ provisioningTokenExpiry: later(-1) }), token, now)).toBe("token_expired");
    expect(claimRefusal(device({ provisioningTokenExpiry: null }), token, now)).toBe("token_used");
  });

  it("refuses a retired device, and says so only to the token's holder", () => {
    expect(claimRefusal(device({ state: "decommissioned" }), token, now)).toBe("device_retired");
    expect(claimRefusal(device({ state: "decommissioned" }), "someone-elses-guess-at-a-token", now)).toBe("invalid_token");
  });
});

describe("the claim link and the label scanner", () => {
  it("agree: a scanned claim link gives back the device id and the whole token", async () => {
    const { parseLabel } = await import("./qr-payload");
    const { token } = newProvisioningToken(now);
    expect(parseLabel(claimUrl("FD123456", token))).toMatchObject({ ok: true, format: "claim_url", deviceId: "FD123456", claimToken: token });
  });
});
