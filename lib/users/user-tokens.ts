/**
 * One-time links for people: the invitation (set your first password) and the password reset. The
 * link carries a random token; only its SHA-256 is stored, so a copy of the database opens nobody's
 * account. A link works once, until it expires, and only its newest copy: issuing another one of
 * the same purpose revokes the older (a re-sent invitation makes the first mail's link dead).
 */
import type { UserTokenPurpose } from "@prisma/client";
import type { Db } from "../db";
import { hashSecret, newSecret } from "../provisioning/credentials";

export const INVITATION_LIFETIME_DAYS = 7;
export const PASSWORD_RESET_LIFETIME_HOURS = 24;

export const TOKEN_LIFETIME_MS: Record<UserTokenPurpose, number> = {
  invitation: INVITATION_LIFETIME_DAYS * 24 * 3600_000,
  password_reset: PASSWORD_RESET_LIFETIME_HOURS * 3600_000,
};

type TokenWriter = Pick<Db, "userToken">;

/** A new link's token (shown once) and when it stops working; older open links of its kind are revoked. */
export async function issueUserToken(db: TokenWriter, input: { userId: number; purpose: UserTokenPurpose; createdById: number | null; now?: Date }) {
  const now = input.now ?? new Date();
  await db.userToken.updateMany({ where: { userId: input.userId, purpose: input.purpose, usedAt: null, revokedAt: null }, data: { revokedAt: now } });
  const token = newSecret(32);
  const row = await db.userToken.create({
    data: { userId: input.userId, purpose: input.purpose, tokenHash: hashSecret(token), expiresAt: new Date(now.getTime() + TOKEN_LIFETIME_MS[input.purpose]), createdById: input.createdById },
  });
  return { token, id: row.id, expiresAt: row.expiresAt };
}

/** Every link of the person that could still be used stops working (deactivation). */
export function revokeOpenTokens(db: TokenWriter, userId: number, now = new Date()) {
  return db.userToken.updateMany({ where: { userId, usedAt: null, revokedAt: null }, data: { revokedAt: now } });
}

export type TokenState = "valid" | "unknown" | "expired" | "used" | "revoked" | "inactive";

/** Why a link does not work, in the words the person who opened it needs. */
export const TOKEN_REFUSAL: Record<Exclude<TokenState, "valid">, Record<UserTokenPurpose, string>> = {
  unknown: {
    invitation: "This invitation link is not valid. Check that you copied all of it, or ask your admin for a new invitation.",
    password_reset: "This password reset link is not valid. Check that you copied all of it, or ask your admin for a new link.",
  },
  expired: {
    invitation: "This invitation has expired. Ask your admin to send it again.",
    password_reset: "This password reset link has expired. Ask your admin for a new one.",
  },
  used: {
    invitation: "This invitation has already been used. Sign in with the password you set, or ask your admin for a password reset link.",
    password_reset: "This password reset link has already been used. Sign in with your new password, or ask your admin for another link.",
  },
  revoked: {
    invitation: "This invitation was replaced by a newer one. Use the link in the most recent invitation mail.",
    password_reset: "This password reset link was replaced by a newer one or withdrawn. Use the most recent link, or ask your admin.",
  },
  inactive: {
    invitation: "This account has been deactivated. Ask your admin.",
    password_reset: "This account has been deactivated. Ask your admin.",
  },
};

/** The link's row and person, and whether it still works. */
export async function lookUpToken(db: Pick<Db, "userToken">, token: string, purpose: UserTokenPurpose, now = new Date()) {
  const row = token.length >= 20 && token.length <= 100 ? await db.userToken.findUnique({ where: { tokenHash: hashSecret(token) }, include: { user: { include: { farm: { select: { id: true, name: true, timezone: true } } } } } }) : null;
  if (!row || row.purpose !== purpose) return { state: "unknown" as const, row: null };
  const state: TokenState = row.usedAt ? "used" : row.revokedAt ? "revoked" : row.expiresAt.getTime() <= now.getTime() ? "expired" : !row.user.active ? "inactive" : "valid";
  return { state, row };
}

/**
 * Marks the link used, only if it still works at this moment: of two tabs submitting the same link
 * at once, one wins and the other is told it was used.
 */
export async function consumeToken(db: Pick<Db, "userToken">, id: number, now = new Date()): Promise<boolean> {
  const { count } = await db.userToken.updateMany({ where: { id, usedAt: null, revokedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
  return count === 1;
}
