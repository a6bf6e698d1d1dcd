/**
 * Time-based one-time codes (RFC 6238, the 6-digit codes of Google Authenticator, Microsoft
 * Authenticator, 1Password…) and recovery codes. Pure: no database, so the window and replay rules
 * are tested on their own; lib/auth/two-factor.ts stores what these functions decide.
 */
import { randomInt } from "node:crypto";
import { Secret, TOTP } from "otpauth";
import { hashSecret } from "../provisioning/credentials";

export const TOTP_ISSUER = "Smart Dairy";
export const TOTP_PERIOD_SECONDS = 30;
/** Steps either side of now that still count: a phone clock a little off, a code typed as it changed. */
export const TOTP_WINDOW = 1;
export const RECOVERY_CODE_COUNT = 10;

function totp(secretBase32: string, label = "") {
  return new TOTP({ issuer: TOTP_ISSUER, label, algorithm: "SHA1", digits: 6, period: TOTP_PERIOD_SECONDS, secret: Secret.fromBase32(secretBase32) });
}

/** A new 160-bit secret, base32 (what authenticator apps take when typed in by hand). */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The otpauth:// URI an authenticator app reads from the QR code. */
export function totpUri(secretBase32: string, accountLabel: string): string {
  return totp(secretBase32, accountLabel).toString();
}

/** The secret in groups of four, easier to type into a phone. */
export function groupedSecret(secretBase32: string): string {
  return secretBase32.replace(/(.{4})/g, "$1 ").trim();
}

/** The code of a moment (tests and the e2e compute codes the way the phone does). */
export function totpCodeAt(secretBase32: string, timestampMs = Date.now()): string {
  return totp(secretBase32).generate({ timestamp: timestampMs });
}

export function totpStepAt(timestampMs = Date.now()): number {
  return Math.floor(timestampMs / 1000 / TOTP_PERIOD_SECONDS);
}

/** "123 456" and "123456" are the same code; anything else is not a TOTP code. */
export function normalizeTotpCode(input: string): string | null {
  const code = input.replace(/[\s-]/g, "");
  return /^\d{6}$/.test(code) ? code : null;
}

/**
 * The time step `code` belongs to, or null when it is wrong, outside the ±1 step window, or not
 * newer than `lastStep` (the step of the last code accepted): a code once used, or one older than
 * it, cannot be replayed by whoever saw it.
 */
export function acceptedTotpStep(secretBase32: string, input: string, lastStep: number | null, timestampMs = Date.now()): number | null {
  const code = normalizeTotpCode(input);
  if (!code) return null;
  const delta = totp(secretBase32).validate({ token: code, timestamp: timestampMs, window: TOTP_WINDOW });
  if (delta === null) return null;
  const step = totpStepAt(timestampMs) + delta;
  if (lastStep !== null && step <= lastStep) return null;
  return step;
}

// Recovery codes: 10 letters/digits in two groups of five, without look-alikes (0/o, 1/l/i), so a
// code read off paper is typed right. 31^10 ≈ 8·10^14: guessing one behind the sign-in throttle is hopeless.
const RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
const RECOVERY_LENGTH = 10;

export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  const codes = new Set<string>();
  while (codes.size < count) {
    let code = "";
    for (let i = 0; i < RECOVERY_LENGTH; i++) code += RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)];
    codes.add(`${code.slice(0, 5)}-${code.slice(5)}`);
  }
  return [...codes];
}

/** Case, spaces and the dash do not matter; null for something that cannot be a recovery code. */
export function normalizeRecoveryCode(input: string): string | null {
  const code = input.toLowerCase().replace(/[\s-]/g, "");
  if (code.length !== RECOVERY_LENGTH) return null;
  for (const char of code) if (!RECOVERY_ALPHABET.includes(char)) return null;
  return code;
}

/** What is stored: SHA-256 of the normalized code (the code has 49 bits of chance; a slow hash adds nothing). */
export function hashRecoveryCode(normalized: string): string {
  return hashSecret(`totp-recovery:${normalized}`);
}
