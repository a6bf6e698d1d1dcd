/**
 * Password sign-in with rate limiting. Attempts are counted in PostgreSQL (login_attempts), per
 * e-mail and per client address, so several web instances share one limit.
 */
import { z } from "zod";
import type { Db } from "../db";
import { RateLimitedError } from "../errors";
import { dummyPasswordHash, verifyPassword } from "./password";
import type { Actor, RoleName } from "./permissions";

export const LOGIN_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_EMAIL = 5;
export const MAX_FAILURES_PER_IP = 30;

export const signInSchema = z.object({
  email: z.string().trim().toLowerCase().email("Enter your e-mail address"),
  password: z.string().min(1, "Enter your password").max(200),
});

async function assertNotThrottled(db: Db, email: string, ip: string) {
  const since = new Date(Date.now() - LOGIN_WINDOW_MS);
  const [byEmail, byIp] = await Promise.all([
    db.loginAttempt.findMany({ where: { email, success: false, createdAt: { gte: since } }, orderBy: { createdAt: "asc" }, select: { createdAt: true } }),
    db.loginAttempt.count({ where: { ip, success: false, createdAt: { gte: since } } }),
  ]);
  if (byEmail.length >= MAX_FAILURES_PER_EMAIL || byIp >= MAX_FAILURES_PER_IP) {
    const oldest = byEmail[0]?.createdAt ?? new Date();
    const retryAfterSeconds = Math.max(60, Math.ceil((oldest.getTime() + LOGIN_WINDOW_MS - Date.now()) / 1000));
    throw new RateLimitedError(
      `Too many failed sign-ins. Try again in ${Math.ceil(retryAfterSeconds / 60)} minutes.`,
      retryAfterSeconds,
    );
  }
}

/** The signed-in person, or null for a wrong e-mail/password. Throws RateLimitedError when locked. */
export async function signInWithPassword(db: Db, input: { email: string; password: string; ip: string }): Promise<Actor | null> {
  const parsed = signInSchema.safeParse(input);
  if (!parsed.success) return null;
  const { email, password } = parsed.data;
  const ip = input.ip.slice(0, 64) || "unknown";
  await assertNotThrottled(db, email, ip);

  const user = await db.user.findUnique({ where: { email }, omit: { passwordHash: false } });
  const ok = await verifyPassword(password, user?.passwordHash ?? dummyPasswordHash());
  const success = Boolean(user && user.active && ok);
  await db.loginAttempt.create({ data: { email, ip, success } });
  if (!success || !user) return null;

  await db.$transaction([
    db.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } }),
    // A successful sign-in clears the e-mail's failures, so a typo yesterday doesn't count today.
    db.loginAttempt.deleteMany({ where: { email, success: false } }),
  ]);
  return { kind: "user", id: user.id, label: user.email, name: user.name, role: user.role as RoleName, farmId: user.farmId };
}
