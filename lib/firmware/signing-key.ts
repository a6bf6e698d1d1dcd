import { loadConfig } from "../config/env";
import { loadOrCreateSigningKey, publicKeyPem, type SigningKey } from "./signing";

let key: SigningKey | undefined;

/** This server's firmware signing key (made on first use, then kept in DATA_DIR). */
export function getSigningKey(): SigningKey {
  if (!key) {
    const config = loadConfig();
    key = loadOrCreateSigningKey({ dataDir: config.DATA_DIR, pem: config.FIRMWARE_SIGNING_KEY });
  }
  return key;
}

/** What device makers need: the public key (PEM) and its id. */
export function signingPublicKey(): { keyId: string; pem: string } {
  const signing = getSigningKey();
  return { keyId: signing.keyId, pem: publicKeyPem(signing) };
}
