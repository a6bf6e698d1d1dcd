import { Secret, TOTP } from "otpauth";
import { describe, expect, it } from "vitest";
import { acceptedTotpStep, groupedSecret, hashRecoveryCode, newRecoveryCodes, newTotpSecret, normalizeRecoveryCode, normalizeTotpCode, totpCodeAt, totpStepAt, totpUri } from "./totp";
import { adminTwoFactorRequired, mustEnrolTwoFactor } from "./two-factor";

const secret = newTotpSecret();
const now = Date.UTC(2026, 11, 3, 22, 30, 10);
const step = totpStepAt(now);

describe("TOTP codes", () => {
  it("makes a 160-bit base32 secret and an otpauth URI apps read", () => {
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = totpUri(secret, "anna@farm.example");
    expect(uri).toMatch(/^otpauth:\/\/totp\/Smart%20Dairy:anna%40farm\.example\?/);
    expect(uri).toContain(`secret=${secret}`);
    expect(uri).toContain("digits=6");
    expect(uri).toContain("period=30");
    expect(groupedSecret(secret).replace(/ /g, "")).toBe(secret);
  });

  it("agrees with an independent authenticator (otpauth used as a phone would)", () => {
    const phone = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: "SHA1" });
    expect(totpCodeAt(secret, now)).toBe(phone.generate({ timestamp: now }));
  });

  it("accepts the current code and the steps either side, nothing further", () => {
    expect(acceptedTotpStep(secret, totpCodeAt(secret, now), null, now)).toBe(step);
    expect(acceptedTotpStep(secret, totpCodeAt(secret, now - 30_000), null, now)).toBe(step - 1);
    expect(acceptedTotpStep(secret, totpCodeAt(secret, now + 30_000), null, now)).toBe(step + 1);
    const twoBack = totpCodeAt(secret, now - 60_000);
    const twoAhead = totpCodeAt(secret, now + 60_000);
    // A code two steps away may by chance equal a nearby one; only test it when it differs.
    for (const far of [twoBack, twoAhead]) if (![-1, 0, 1].some((d) => totpCodeAt(secret, now + d * 30_000) === far)) expect(acceptedTotpStep(secret, far, null, now)).toBeNull();
  });

  it("refuses a replayed code, and any code of a step not newer than the last accepted", () => {
    const code = totpCodeAt(secret, now);
    const used = acceptedTotpStep(secret, code, null, now)!;
    expect(acceptedTotpStep(secret, code, used, now)).toBeNull();
    expect(acceptedTotpStep(secret, code, used, now + 10_000)).toBeNull();
    expect(acceptedTotpStep(secret, totpCodeAt(secret, now - 30_000), used, now)).toBeNull();
    // The next step's code is fine.
    expect(acceptedTotpStep(secret, totpCodeAt(secret, now + 30_000), used, now + 30_000)).toBe(used + 1);
  });

  it("takes spaces inside a code, refuses what is not six digits, and another secret's code", () => {
    const code = totpCodeAt(secret, now);
    expect(acceptedTotpStep(secret, `${code.slice(0, 3)} ${code.slice(3)}`, null, now)).toBe(step);
    expect(normalizeTotpCode("12345")).toBeNull();
    expect(normalizeTotpCode("1234567")).toBeNull();
    expect(normalizeTotpCode("12a456")).toBeNull();
    expect(acceptedTotpStep(secret, "", null, now)).toBeNull();
    const other = newTotpSecret();
    const theirs = totpCodeAt(other, now);
    if (![-1, 0, 1].some((d) => totpCodeAt(secret, now + d * 30_000) === theirs)) expect(acceptedTotpStep(secret, theirs, null, now)).toBeNull();
  });
});

describe("recovery codes", () => {
  it("are ten distinct codes of two groups of five, without look-alike characters", () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) {
      expect(code).toMatch(/^[a-hjkmnp-z2-9]{5}-[a-hjkmnp-z2-9]{5}$/);
      expect(code).not.toMatch(/[01ilo]/);
    }
  });

  it("match however they are typed, and are stored as a hash that does not contain them", () => {
    const [code] = newRecoveryCodes(1);
    const normalized = normalizeRecoveryCode(code!)!;
    expect(normalizeRecoveryCode(code!.toUpperCase().replace("-", " "))).toBe(normalized);
    expect(hashRecoveryCode(normalized)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashRecoveryCode(normalized)).not.toContain(normalized);
    expect(normalizeRecoveryCode("abcde-fghi")).toBeNull();
    expect(normalizeRecoveryCode("abcde-fghi0")).toBeNull();
    expect(normalizeRecoveryCode("123456")).toBeNull();
  });
});

describe("required for admins", () => {
  it("reads REQUIRE_ADMIN_TOTP and holds only admins without two-factor", () => {
    expect(adminTwoFactorRequired({ REQUIRE_ADMIN_TOTP: "true" })).toBe(true);
    expect(adminTwoFactorRequired({ REQUIRE_ADMIN_TOTP: "false" })).toBe(false);
    expect(adminTwoFactorRequired({})).toBe(false);
    expect(mustEnrolTwoFactor({ role: "admin", totpEnabledAt: null }, true)).toBe(true);
    expect(mustEnrolTwoFactor({ role: "admin", totpEnabledAt: new Date() }, true)).toBe(false);
    expect(mustEnrolTwoFactor({ role: "manager", totpEnabledAt: null }, true)).toBe(false);
    expect(mustEnrolTwoFactor({ role: "admin", totpEnabledAt: null }, false)).toBe(false);
  });
});
