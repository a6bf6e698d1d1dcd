import { mkdtempSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { canonicalManifest, loadOrCreateSigningKey, publicKeyPem, signManifest, verifyManifest, type FirmwareManifest } from "./signing";

const manifest = (key: string): FirmwareManifest => ({
  device_type: "milk_meter",
  version: "2.1.0",
  firmware_file: "mm-2.1.0.bin",
  file_size: 1024,
  sha256_hash: "a".repeat(64),
  min_previous_version: "2.0.0",
  compatible_models: ["MM-100"],
  mandatory: false,
  signing_key_id: key,
});

describe("firmware manifest signing", () => {
  it("creates the key once, keeps it private, and reuses it", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "sdm-sign-"));
    const first = loadOrCreateSigningKey({ dataDir: dir });
    const second = loadOrCreateSigningKey({ dataDir: dir });
    expect(second.keyId).toBe(first.keyId);
    expect(statSync(path.join(dir, "firmware-signing-key.pem")).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(dir, "firmware-signing-key.pem"), "utf8")).toContain("BEGIN PRIVATE KEY");
  });

  it("signs the canonical manifest; any change to it breaks the signature", () => {
    const key = loadOrCreateSigningKey({ dataDir: mkdtempSync(path.join(os.tmpdir(), "sdm-sign-")) });
    const signed = manifest(key.keyId);
    const signature = signManifest(key, signed);
    const pem = publicKeyPem(key);
    expect(verifyManifest(pem, canonicalManifest(signed), signature)).toBe(true);
    expect(verifyManifest(pem, canonicalManifest({ ...signed, sha256_hash: "b".repeat(64) }), signature)).toBe(false);
    expect(verifyManifest(pem, canonicalManifest({ ...signed, file_size: 1025 }), signature)).toBe(false);
    expect(verifyManifest(pem, canonicalManifest(signed), "not-a-signature")).toBe(false);
    const other = loadOrCreateSigningKey({ dataDir: mkdtempSync(path.join(os.tmpdir(), "sdm-sign-")) });
    expect(verifyManifest(publicKeyPem(other), canonicalManifest(signed), signature)).toBe(false);
  });

  it("writes keys in one fixed order whatever the object's order", () => {
    const key = "k";
    const reordered = Object.fromEntries(Object.entries(manifest(key)).reverse()) as FirmwareManifest;
    expect(canonicalManifest(reordered)).toBe(canonicalManifest(manifest(key)));
    expect(canonicalManifest(manifest(key)).startsWith('{"device_type":"milk_meter","version":"2.1.0"')).toBe(true);
  });

  it("accepts a configured Ed25519 key and refuses another kind", async () => {
    const { generateKeyPairSync } = await import("node:crypto");
    const ed = generateKeyPairSync("ed25519").privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    expect(loadOrCreateSigningKey({ dataDir: "/nonexistent", pem: ed }).keyId).toMatch(/^[0-9a-f]{16}$/);
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    expect(() => loadOrCreateSigningKey({ dataDir: "/nonexistent", pem: rsa })).toThrow(/Ed25519/);
  });
});
