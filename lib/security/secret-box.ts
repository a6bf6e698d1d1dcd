/**
 * Secrets the app must read back later (TOTP secrets, webhook URLs and signing secrets) are stored
 * encrypted with AES-256-GCM, never in clear. The key is SECRETS_KEY when set, else derived from
 * AUTH_SECRET (which `npm start` persists per data directory), so a fresh install needs no extra
 * setting. Rotating the key makes old ciphertexts unreadable: open() then throws, and callers
 * ask for the secret again rather than failing silently.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

const VERSION = "v1";

function key(): Buffer {
  const material = process.env.SECRETS_KEY || process.env.AUTH_SECRET || process.env.NEXTAUTH_SECRET;
  if (!material) throw new Error("No SECRETS_KEY or AUTH_SECRET is set: encrypted secrets cannot be stored or read.");
  return Buffer.from(hkdfSync("sha256", material, "sdm-secret-box", "aes-256-gcm v1", 32));
}

/** "v1.<iv>.<tag>.<ciphertext>", base64url parts. */
export function sealSecret(plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
}

export class SecretUnreadableError extends Error {
  override name = "SecretUnreadableError";
}

export function openSecret(sealed: string): string {
  const [version, iv, tag, body] = sealed.split(".");
  if (version !== VERSION || !iv || !tag || body === undefined) throw new SecretUnreadableError("Not a sealed secret.");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key(), Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretUnreadableError("The secret cannot be decrypted with this server's key (was SECRETS_KEY or AUTH_SECRET changed?).");
  }
}
