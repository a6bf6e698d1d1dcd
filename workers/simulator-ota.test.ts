import { createHash, generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signedManifestOf } from "../lib/firmware/firmware-versions";
import { keyIdOf, publicKeyPem, type SigningKey } from "../lib/firmware/signing";
import type { OtaUpdatePayload } from "../lib/mqtt/payloads";
import { checkDownload, checkOffer, failsVersion, parseOtaFailVersions, verifyFirmware } from "./simulator-ota";

function newKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

const serverKey = newKey();
const trusted = publicKeyPem(serverKey);
const binary = Buffer.from("SDM-FIRMWARE\nmilk_meter 2.1.0\n" + "x".repeat(5_000));
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** An offer as the engine builds it: the stored version's fields, signed with `key`. */
function offerFor(bytes: Uint8Array, key = serverKey, overrides: Partial<OtaUpdatePayload> = {}): OtaUpdatePayload {
  const fields = {
    deviceType: "milk_meter" as const,
    version: "2.1.0",
    fileName: "mm-400-2.1.0.bin",
    sha256: sha256(bytes),
    sizeBytes: bytes.length,
    minPreviousVersion: null,
    compatibleModels: ["MM-400"],
    isMandatory: false,
  };
  const signed = signedManifestOf(fields, key);
  return {
    job_id: 7,
    version: "2.1.0",
    download_url: "http://127.0.0.1:1/firmware",
    sha256: fields.sha256,
    size: bytes.length,
    signature: signed.signature,
    mandatory: false,
    manifest: signed.manifest,
    signing_key_id: signed.keyId,
    rollback: false,
    ...overrides,
  };
}

describe("checking an offered firmware", () => {
  it("accepts the signed binary it describes", () => {
    const result = verifyFirmware(offerFor(binary), "milk_meter", binary, trusted);
    expect(result).toMatchObject({ ok: true, value: { version: "2.1.0", file_size: binary.length, sha256_hash: sha256(binary) } });
  });

  it("refuses a tampered binary of the same size with both hashes in the message", () => {
    const tampered = Buffer.from(binary);
    tampered[100] = tampered[100]! ^ 0xff;
    const result = verifyFirmware(offerFor(binary), "milk_meter", tampered, trusted);
    expect(result).toEqual({ ok: false, error: `SHA-256 mismatch: expected ${sha256(binary)} got ${sha256(tampered)}` });
  });

  it("refuses a binary of another size", () => {
    const manifest = checkOffer(offerFor(binary), "milk_meter", trusted);
    if (!manifest.ok) throw new Error(manifest.error);
    expect(checkDownload(manifest.value, { size: binary.length - 1, sha256: sha256(binary) })).toBe(`size mismatch: expected ${binary.length} bytes, got ${binary.length - 1}`);
  });

  it("refuses a manifest signed by a key it does not trust, naming both keys", () => {
    const stranger = newKey();
    const result = checkOffer(offerFor(binary, stranger), "milk_meter", trusted);
    expect(result).toEqual({ ok: false, error: `signature does not verify (signed with key ${stranger.keyId}, the device trusts ${serverKey.keyId})` });
  });

  it("refuses an edited manifest even when everything else matches", () => {
    const offer = offerFor(binary);
    const edited = offer.manifest!.replace('"mandatory":false', '"mandatory":true');
    expect(checkOffer({ ...offer, manifest: edited }, "milk_meter", trusted)).toEqual({ ok: false, error: "signature does not verify" });
  });

  it("refuses an offer whose fields disagree with its signed manifest", () => {
    const offer = offerFor(binary);
    expect(checkOffer({ ...offer, version: "2.2.0" }, "milk_meter", trusted)).toEqual({ ok: false, error: "manifest is for version 2.1.0, the offer says 2.2.0" });
    expect(checkOffer({ ...offer, size: 12 }, "milk_meter", trusted)).toMatchObject({ ok: false, error: expect.stringContaining("differs from the offer's 12") });
    expect(checkOffer({ ...offer, sha256: "0".repeat(64) }, "milk_meter", trusted)).toMatchObject({ ok: false, error: expect.stringContaining("differs from the offer's 000") });
  });

  it("refuses firmware for another device type, an unsigned offer and a device without a key", () => {
    expect(checkOffer(offerFor(binary), "collar", trusted)).toEqual({ ok: false, error: "firmware is for milk_meter, this device is a collar" });
    expect(checkOffer({ ...offerFor(binary), manifest: undefined }, "milk_meter", trusted)).toEqual({ ok: false, error: "the offer carries no signed manifest" });
    expect(checkOffer(offerFor(binary), "milk_meter", undefined)).toMatchObject({ ok: false, error: expect.stringContaining("no trusted firmware key") });
  });
});

describe("which devices fail a version", () => {
  const fleet = Array.from({ length: 1_000 }, (_, index) => `MM${String(index).padStart(4, "0")}`);

  it("fails about the share asked for, the same devices on every run", () => {
    const failing = fleet.filter((id) => failsVersion(id, "2.2.0", { "2.2.0": 0.5 }));
    expect(failing.length).toBeGreaterThan(430);
    expect(failing.length).toBeLessThan(570);
    expect(fleet.filter((id) => failsVersion(id, "2.2.0", { "2.2.0": 0.5 }))).toEqual(failing);
  });

  it("fails no other version, none at share 0 and all at share 1", () => {
    expect(fleet.some((id) => failsVersion(id, "2.1.0", { "2.2.0": 0.5 }))).toBe(false);
    expect(fleet.some((id) => failsVersion(id, "2.2.0", { "2.2.0": 0 }))).toBe(false);
    expect(fleet.every((id) => failsVersion(id, "2.2.0", { "2.2.0": 1 }))).toBe(true);
  });

  it("picks different devices for different versions", () => {
    const a = fleet.filter((id) => failsVersion(id, "2.2.0", { "2.2.0": 0.5, "2.3.0": 0.5 }));
    const b = fleet.filter((id) => failsVersion(id, "2.3.0", { "2.2.0": 0.5, "2.3.0": 0.5 }));
    expect(a).not.toEqual(b);
  });
});

describe("--ota-fail-version", () => {
  it("reads repeated and comma-separated pairs", () => {
    expect(parseOtaFailVersions(["2.2.0=0.5", "2.3.0=0.1, 3.0.0-rc.1=1"])).toEqual({ "2.2.0": 0.5, "2.3.0": 0.1, "3.0.0-rc.1": 1 });
    expect(parseOtaFailVersions(["none"])).toEqual({});
    expect(parseOtaFailVersions([])).toEqual({});
  });

  it("refuses anything else with a message naming the bad part", () => {
    expect(() => parseOtaFailVersions(["2.2.0"])).toThrow('not "2.2.0"');
    expect(() => parseOtaFailVersions(["2.2.0=1.5"])).toThrow("between 0 and 1");
    expect(() => parseOtaFailVersions(["=0.5"])).toThrow("--ota-fail-version must look like 2.2.0=0.5");
    expect(() => parseOtaFailVersions(["2.2.0=half"])).toThrow('not "2.2.0=half"');
  });
});
