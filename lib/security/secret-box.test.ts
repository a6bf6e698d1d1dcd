import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSecret, sealSecret, SecretUnreadableError } from "./secret-box";

describe("secret box", () => {
  const saved = { ...process.env };
  beforeEach(() => {
    process.env.SECRETS_KEY = "test-key-one";
  });
  afterEach(() => {
    process.env = { ...saved };
  });

  it("opens what it sealed, and never shows the secret in the sealed text", () => {
    const sealed = sealSecret("https://hooks.slack.com/services/T000/B000/XXXX");
    expect(sealed).not.toContain("hooks.slack.com");
    expect(openSecret(sealed)).toBe("https://hooks.slack.com/services/T000/B000/XXXX");
    expect(sealSecret("same")).not.toBe(sealSecret("same"));
  });

  it("refuses a tampered text or another key", () => {
    const sealed = sealSecret("JBSWY3DPEHPK3PXP");
    const parts = sealed.split(".");
    parts[3] = Buffer.from("tampered").toString("base64url");
    expect(() => openSecret(parts.join("."))).toThrow(SecretUnreadableError);
    process.env.SECRETS_KEY = "another-key";
    expect(() => openSecret(sealed)).toThrow(/cannot be decrypted/);
    expect(() => openSecret("plain")).toThrow(SecretUnreadableError);
  });
});
