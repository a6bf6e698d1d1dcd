/**
 * Firmware manifests signed with Ed25519 (I-013 appendix C.3; Ed25519 rather than its RSA-PSS: small
 * keys and signatures a milk meter's microcontroller verifies quickly, and no padding choices to get
 * wrong). The server's key is made on first start and kept in DATA_DIR, or given as
 * FIRMWARE_SIGNING_KEY; device makers bake its public key into their bootloaders.
 *
 * What is signed is the manifest's canonical JSON: fixed key order, no whitespace. A device checks
 * the signature over the manifest text it was sent, then that the binary it downloaded has the
 * manifest's size and SHA-256 — so the binary itself needs no separate signature.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export type FirmwareManifest = {
  device_type: string;
  version: string;
  firmware_file: string;
  file_size: number;
  sha256_hash: string;
  min_previous_version: string | null;
  compatible_models: string[];
  mandatory: boolean;
  signing_key_id: string;
};

const MANIFEST_KEYS: (keyof FirmwareManifest)[] = [
  "device_type",
  "version",
  "firmware_file",
  "file_size",
  "sha256_hash",
  "min_previous_version",
  "compatible_models",
  "mandatory",
  "signing_key_id",
];

/** The exact bytes that are signed: keys in MANIFEST_KEYS order, compact JSON. */
export function canonicalManifest(manifest: FirmwareManifest): string {
  return JSON.stringify(Object.fromEntries(MANIFEST_KEYS.map((key) => [key, manifest[key]])));
}

export type SigningKey = { privateKey: KeyObject; publicKey: KeyObject; keyId: string };

/** A short, stable name for a public key: the first 16 hex digits of SHA-256 of its raw bytes. */
export function keyIdOf(publicKey: KeyObject): string {
  const raw = publicKey.export({ format: "der", type: "spki" });
  return createHash("sha256").update(raw).digest("hex").slice(0, 16);
}

function fromPrivatePem(pem: string): SigningKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== "ed25519") throw new Error("FIRMWARE_SIGNING_KEY must be an Ed25519 key");
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

/**
 * The configured key, else the one in `dataDir`, else a new one written there (mode 600). Written
 * with the exclusive flag so two processes starting together cannot end up with different keys.
 */
export function loadOrCreateSigningKey(options: { dataDir: string; pem?: string }): SigningKey {
  if (options.pem) return fromPrivatePem(options.pem);
  const file = path.resolve(options.dataDir, "firmware-signing-key.pem");
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    const { privateKey } = generateKeyPairSync("ed25519");
    try {
      writeFileSync(file, privateKey.export({ format: "pem", type: "pkcs8" }), { mode: 0o600, flag: "wx" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  return fromPrivatePem(readFileSync(file, "utf8"));
}

export function signManifest(key: SigningKey, manifest: FirmwareManifest): string {
  return sign(null, Buffer.from(canonicalManifest(manifest), "utf8"), key.privateKey).toString("base64");
}

/** What a device does with the public key it trusts; used by the simulator and the tests. */
export function verifyManifest(publicKeyPem: string, manifestText: string, signatureBase64: string): boolean {
  try {
    return verify(null, Buffer.from(manifestText, "utf8"), createPublicKey(publicKeyPem), Buffer.from(signatureBase64, "base64"));
  } catch {
    return false;
  }
}

export function publicKeyPem(key: SigningKey): string {
  return key.publicKey.export({ format: "pem", type: "spki" }).toString();
}
