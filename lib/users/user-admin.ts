/**
 * User administration: who may sign in, with which role, for which farm. Only an admin of every
 * farm (users.manage) does this — people reach every farm's data through their role, so a farm-bound
 * account may not hand out access. Every change is audited (never a password or a link's token),
 * and a change that takes access away ends the person's sessions at once (lib/auth/sessions.ts
 * would also end them at their next request; ending them here makes the session list say why).
 */
import { Prisma } from "@prisma/client";
import { recordAudit } from "../audit/record";
import { allows, ROLE_LABEL, type Actor, type RoleName } from "../auth/permissions";
import { endUserSessions } from "../auth/sessions";
import type { Db } from "../db";
import { ConflictError, ForbiddenError, InvalidError, NotFoundError } from "../errors";
import { clockFor, formatDateTime } from "../i18n/format";
import { queueMailToUser } from "../notifications/queue";
import { LINK_PLACEHOLDER } from "../notifications/sealed-link";
import { sealSecret } from "../security/secret-box";
import { invitationLink, passwordResetLink } from "./links";
import { issueUserToken, revokeOpenTokens } from "./user-tokens";
import type { InviteInput, UserStatus, UserUpdateInput } from "./user-schemas";

type Tx = Prisma.TransactionClient;

/** Refused for anyone but an admin of every farm (the API and the actions check it too; lib is the last word). */
export function assertUserAdmin(actor: Actor) {
  if (!allows(actor, "users.manage")) {
    throw new ForbiddenError(
      actor.role === "admin" ? "You are bound to one farm; only an admin of every farm manages people." : `Only an admin of every farm changes people's roles, farms and access; your role (${ROLE_LABEL[actor.role]}) does not allow it.`,
    );
  }
}

export type UserRow = {
  id: number;
  name: string;
  email: string;
  role: RoleName;
  farmId: number | null;
  farmName: string | null;
  status: UserStatus;
  /** For an invited person: is their newest link still good ("pending"), or has it run out ("expired")? */
  invitation: { state: "pending" | "expired"; expiresAt: Date | null } | null;
  lastLoginAt: Date | null;
  invitedAt: Date | null;
  joinedAt: Date | null;
  deactivatedAt: Date | null;
  createdAt: Date;
};

const rowInclude = {
  farm: { select: { name: true } },
  tokens: { where: { purpose: "invitation" as const, usedAt: null, revokedAt: null }, orderBy: { createdAt: "desc" as const }, take: 1, select: { expiresAt: true } },
};

type LoadedUser = Prisma.UserGetPayload<{ include: typeof rowInclude }>;

/** Invited = asked to join and not yet joined (by setting a password or signing in by SSO). */
export function userStatus(user: { active: boolean; invitedAt: Date | null; joinedAt: Date | null }): UserStatus {
  if (!user.active) return "deactivated";
  return user.invitedAt && !user.joinedAt ? "invited" : "active";
}

function toRow(user: LoadedUser, now = new Date()): UserRow {
  const status = userStatus(user);
  const link = user.tokens[0];
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    role: user.role as RoleName,
    farmId: user.farmId,
    farmName: user.farm?.name ?? null,
    status,
    invitation: status === "invited" ? { state: link && link.expiresAt > now ? "pending" : "expired", expiresAt: link?.expiresAt ?? null } : null,
    lastLoginAt: user.lastLoginAt,
    invitedAt: user.invitedAt,
    joinedAt: user.joinedAt,
    deactivatedAt: user.deactivatedAt,
    createdAt: user.createdAt,
  };
}

export async function listUsers(db: Db, actor: Actor, filter: { status?: UserStatus; role?: RoleName } = {}): Promise<UserRow[]> {
  assertUserAdmin(actor);
  const users = await db.user.findMany({ where: filter.role ? { role: filter.role } : {}, orderBy: [{ name: "asc" }, { id: "asc" }], include: rowInclude });
  return users.map((user) => toRow(user)).filter((row) => !filter.status || row.status === filter.status);
}

export async function getUser(db: Db | Tx, actor: Actor, id: number): Promise<UserRow> {
  assertUserAdmin(actor);
  const user = await db.user.findUnique({ where: { id }, include: rowInclude });
  if (!user) throw new NotFoundError("User not found.");
  return toRow(user);
}

async function assertFarm(tx: Tx, farmId: number | null | undefined) {
  if (farmId == null) return;
  if (!(await tx.farm.findUnique({ where: { id: farmId }, select: { id: true } }))) throw new InvalidError("Please correct the highlighted fields.", { farmId: ["No such farm"] });
}

/**
 * The last active admin of every farm cannot lose that: someone must be able to manage people.
 * The admin rows are locked (FOR UPDATE, in id order) for the rest of the transaction, so of two
 * admins demoting each other at the same moment the second waits, sees the first's change and is
 * refused — checking a count without the lock would let both pass.
 */
async function assertAnAdminRemains(tx: Tx, userId: number, after: { role: RoleName; farmId: number | null; active: boolean }) {
  const admins = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM users WHERE role = 'admin' AND farm_id IS NULL AND active ORDER BY id FOR UPDATE`;
  const staysAdmin = after.role === "admin" && after.farmId === null && after.active;
  if (!staysAdmin && admins.some((admin) => admin.id === userId) && admins.length <= 1) {
    throw new ConflictError(
      !after.active
        ? "This is the last active admin of every farm: invite or promote another admin before deactivating them."
        : after.role !== "admin"
          ? "This is the last active admin of every farm: promote another admin before changing this role."
          : "This is the last active admin of every farm: they cannot be bound to one farm until another admin of every farm exists.",
      after.role !== "admin" ? { role: ["The last admin of every farm stays an admin"] } : after.farmId !== null ? { farmId: ["The last admin of every farm stays unbound"] } : {},
    );
  }
}

function describeAccess(role: RoleName, farmName: string | null) {
  return `${ROLE_LABEL[role].toLowerCase()} ${farmName ? `of ${farmName}` : "of every farm"}`;
}

function invitationMail(input: { name: string; inviter: string; role: RoleName; farmName: string | null; link: string; expires: string }) {
  return {
    subject: "Your invitation to Smart Dairy Device Manager",
    body: [
      `Hello ${input.name},`,
      "",
      `${input.inviter} invited you to Smart Dairy Device Manager as ${describeAccess(input.role, input.farmName)}.`,
      "",
      `Set your password and sign in with this link. It works once, until ${input.expires}:`,
      input.link,
      "",
      "If you did not expect this invitation, you can ignore this mail; nothing happens until the link is used.",
    ].join("\n"),
  };
}

export type IssuedLink = { user: UserRow; link: string; expiresAt: Date; mailed: true };

/** Creates the person (no password yet), a 7-day link, and the invitation mail; the link is returned once. */
export async function inviteUser(db: Db, actor: Actor, input: InviteInput, baseUrl: string): Promise<IssuedLink> {
  assertUserAdmin(actor);
  const taken = { email: ["Someone with this e-mail address already has an account (see the list: re-send their invitation, or reactivate them)"] };
  try {
    return await db.$transaction(async (tx) => {
      await assertFarm(tx, input.farmId);
      if (await tx.user.findUnique({ where: { email: input.email }, select: { id: true } })) throw new ConflictError("This e-mail address already has an account.", taken);
      const now = new Date();
      const user = await tx.user.create({
        data: { name: input.name, email: input.email, role: input.role, farmId: input.farmId ?? null, passwordHash: "", invitedAt: now, invitedById: actor.kind === "user" ? actor.id : null },
        include: { farm: { select: { name: true, timezone: true } } },
      });
      const issued = await issueUserToken(tx, { userId: user.id, purpose: "invitation", createdById: actor.kind === "user" ? actor.id : null, now });
      const link = invitationLink(baseUrl, issued.token);
      const mail = invitationMail({ name: user.name, inviter: actor.name, role: input.role, farmName: user.farm?.name ?? null, link: LINK_PLACEHOLDER, expires: formatDateTime(issued.expiresAt, clockFor(user, user.farm), { zone: true }) });
      // the link (it holds the token) is stored sealed and put into the mail only when it is sent
      await queueMailToUser(tx, { dedupeKey: `user-token:${issued.id}`, userId: user.id, ...mail, payload: { kind: "invitation", userId: user.id, sealedLink: sealSecret(link) } });
      await recordAudit(tx, actor, { entityType: "user", entityId: String(user.id), action: "invited", after: { name: user.name, email: user.email, role: user.role, farmId: user.farmId, linkExpiresAt: issued.expiresAt.toISOString() } });
      return { user: await getUser(tx, actor, user.id), link, expiresAt: issued.expiresAt, mailed: true as const };
    });
  } catch (error) {
    // Two admins inviting the same address at once: the unique index decides, with the same words.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") throw new ConflictError("This e-mail address already has an account.", taken);
    throw error;
  }
}

/** A fresh link for someone who has not joined yet; the older link stops working. */
export async function resendInvitation(db: Db, actor: Actor, id: number, baseUrl: string): Promise<IssuedLink> {
  assertUserAdmin(actor);
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id }, include: { farm: { select: { name: true, timezone: true } } } });
    if (!user) throw new NotFoundError("User not found.");
    if (!user.active) throw new ConflictError(`${user.name} is deactivated: reactivate them first, then re-send the invitation.`);
    if (user.joinedAt || !user.invitedAt) throw new ConflictError(`${user.name} has already joined; send a password reset link if they cannot sign in.`);
    const issued = await issueUserToken(tx, { userId: user.id, purpose: "invitation", createdById: actor.kind === "user" ? actor.id : null });
    const link = invitationLink(baseUrl, issued.token);
    const mail = invitationMail({ name: user.name, inviter: actor.name, role: user.role as RoleName, farmName: user.farm?.name ?? null, link: LINK_PLACEHOLDER, expires: formatDateTime(issued.expiresAt, clockFor(user, user.farm), { zone: true }) });
    await queueMailToUser(tx, { dedupeKey: `user-token:${issued.id}`, userId: user.id, ...mail, payload: { kind: "invitation", userId: user.id, sealedLink: sealSecret(link) } });
    await tx.user.update({ where: { id: user.id }, data: { invitedAt: new Date(), invitedById: actor.kind === "user" ? actor.id : null } });
    await recordAudit(tx, actor, { entityType: "user", entityId: String(user.id), action: "invitation_resent", after: { linkExpiresAt: issued.expiresAt.toISOString() } });
    return { user: await getUser(tx, actor, user.id), link, expiresAt: issued.expiresAt, mailed: true as const };
  });
}

/** A 24-hour link with which the person sets a new password; also mailed to them. */
export async function createPasswordResetLink(db: Db, actor: Actor, id: number, baseUrl: string): Promise<IssuedLink> {
  assertUserAdmin(actor);
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id }, include: { farm: { select: { name: true, timezone: true } } } });
    if (!user) throw new NotFoundError("User not found.");
    if (!user.active) throw new ConflictError(`${user.name} is deactivated: reactivate them first.`);
    if (userStatus(user) === "invited") throw new ConflictError(`${user.name} has not accepted the invitation yet: re-send the invitation instead.`);
    const issued = await issueUserToken(tx, { userId: user.id, purpose: "password_reset", createdById: actor.kind === "user" ? actor.id : null });
    const link = passwordResetLink(baseUrl, issued.token);
    await queueMailToUser(tx, {
      dedupeKey: `user-token:${issued.id}`,
      userId: user.id,
      subject: "Set a new password for Smart Dairy Device Manager",
      body: [
        `Hello ${user.name},`,
        "",
        `${actor.name} made a password reset link for your account. It works once, until ${formatDateTime(issued.expiresAt, clockFor(user, user.farm), { zone: true })}:`,
        LINK_PLACEHOLDER,
        "",
        "Setting a new password signs you out everywhere else. If you did not ask for this, tell your admin.",
      ].join("\n"),
      payload: { kind: "password_reset", userId: user.id, sealedLink: sealSecret(link) },
    });
    await recordAudit(tx, actor, { entityType: "user", entityId: String(user.id), action: "password_reset_link_created", after: { linkExpiresAt: issued.expiresAt.toISOString() } });
    return { user: await getUser(tx, actor, user.id), link, expiresAt: issued.expiresAt, mailed: true as const };
  });
}

/**
 * Name, role, farm, active — one change, checked as one: the last-admin rule, "not yourself" for
 * deactivation, the farm must exist. Taking access away (role, farm, deactivation) ends the person's
 * sessions; deactivation also kills their open links. Their API keys stop by themselves
 * (lib/auth/api-keys.ts checks the creator is still an active admin of every farm).
 */
export async function updateUser(db: Db, actor: Actor, id: number, input: UserUpdateInput): Promise<UserRow> {
  assertUserAdmin(actor);
  if (input.active === false && actor.kind === "user" && actor.id === id) throw new ConflictError("You cannot deactivate yourself; another admin can.");
  return db.$transaction(async (tx) => {
    // Lock the person and every admin of every farm in one id-ordered statement before reading:
    // the change is built from the locked row, so a rename racing a deactivation cannot write
    // `active` back, and two admins' edits never wait on each other in opposite orders.
    await tx.$queryRaw`SELECT id FROM users WHERE id = ${id} OR (role = 'admin' AND farm_id IS NULL AND active) ORDER BY id FOR UPDATE`;
    const current = await tx.user.findUnique({ where: { id } });
    if (!current) throw new NotFoundError("User not found.");
    const next = {
      name: input.name ?? current.name,
      role: (input.role ?? current.role) as RoleName,
      farmId: input.farmId === undefined ? current.farmId : input.farmId,
      active: input.active ?? current.active,
    };
    if (input.farmId !== undefined) await assertFarm(tx, input.farmId);
    await assertAnAdminRemains(tx, id, next);
    const user = current;
    const before: Record<string, Prisma.InputJsonValue | null> = {};
    const after: Record<string, Prisma.InputJsonValue | null> = {};
    for (const key of ["name", "role", "farmId", "active"] as const) {
      if (next[key] !== user[key]) {
        before[key] = user[key];
        after[key] = next[key];
      }
    }
    if (!Object.keys(after).length) return getUser(tx, actor, id);
    const now = new Date();
    const deactivating = user.active && !next.active;
    const reactivating = !user.active && next.active;
    await tx.user.update({
      where: { id },
      data: { name: next.name, role: next.role, farmId: next.farmId, active: next.active, ...(deactivating ? { deactivatedAt: now } : reactivating ? { deactivatedAt: null } : {}) },
    });
    if (deactivating) {
      await revokeOpenTokens(tx, id, now);
      await endUserSessions(tx, id, "deactivated");
    } else if (next.role !== user.role || next.farmId !== user.farmId) {
      await endUserSessions(tx, id, "role_changed");
    }
    const action = deactivating ? "deactivated" : reactivating ? "reactivated" : "role" in after || "farmId" in after ? "access_changed" : "updated";
    await recordAudit(tx, actor, { entityType: "user", entityId: String(id), action, before, after });
    return getUser(tx, actor, id);
  });
}
