/**
 * Who may configure a farm's notifications: the `notifications.manage` permission (managers and
 * admins), and the farm — a farm-bound manager manages their own farm only; someone of every farm
 * (an admin) any farm. Another farm's rules, channels and list are "not found", like its devices.
 */
import { farmScope, permissionRefusal, type Actor } from "../auth/permissions";
import type { Db } from "../db";
import type { z } from "zod";
import { fieldErrorsFromIssues, ForbiddenError, InvalidError, NotFoundError } from "../errors";

type Who = Pick<Actor, "kind" | "role" | "farmId">;

export function assertManage(actor: Who) {
  const refusal = permissionRefusal(actor, "notifications.manage");
  if (refusal) throw new ForbiddenError(refusal);
}

/** May the actor see this farm at all (null = a shared record, visible to everyone)? */
export function seesFarm(actor: Who, farmId: number | null): boolean {
  const scope = farmScope(actor);
  return scope === null || farmId === null || farmId === scope;
}

/** May the actor change a record of this farm (null = shared: only someone of every farm)? */
export function managesFarm(actor: Who, farmId: number | null): boolean {
  const scope = farmScope(actor);
  return scope === null || (farmId !== null && farmId === scope);
}

export async function manageableFarm(db: Pick<Db, "farm">, actor: Who, farmId: number) {
  assertManage(actor);
  const farm = await db.farm.findUnique({ where: { id: farmId }, select: { id: true, name: true, timezone: true, escalationIntervalMinutes: true, debounceMinutes: true, digestHour: true } });
  if (!farm || !managesFarm(actor, farmId)) throw new NotFoundError(`Farm ${farmId} not found.`);
  return farm;
}

/** People who can see the farm (bound to it, or of every farm) and are still active. */
export function farmPeople(db: Pick<Db, "user">, farmId: number) {
  return db.user.findMany({ where: { active: true, OR: [{ farmId }, { farmId: null }] }, orderBy: { name: "asc" }, select: { id: true, name: true, email: true, role: true } });
}

/** Refuses the ids that are not people of the farm, naming them on `field`. */
export async function assertFarmPeople(db: Pick<Db, "user">, farmId: number, userIds: number[], field: string) {
  if (!userIds.length) return;
  const allowed = new Set((await farmPeople(db, farmId)).map((person) => person.id));
  const refused = [...new Set(userIds)].filter((id) => !allowed.has(id));
  if (refused.length) {
    const message = `${refused.length === 1 ? "Person" : "People"} ${refused.join(", ")} cannot see this farm (or no longer have access).`;
    throw new InvalidError(message, { [field]: [message] });
  }
}

/** Channels of this farm or shared ones; others (another farm's, unknown) are refused on `field`. */
export async function assertFarmChannels(db: Pick<Db, "notificationChannel">, farmId: number, channelIds: number[], field: string) {
  if (!channelIds.length) return;
  const unique = [...new Set(channelIds)];
  const found = await db.notificationChannel.findMany({ where: { id: { in: unique }, OR: [{ farmId }, { farmId: null }] }, select: { id: true } });
  const allowed = new Set(found.map((channel) => channel.id));
  const refused = unique.filter((id) => !allowed.has(id));
  if (refused.length) {
    const message = `Channel${refused.length === 1 ? "" : "s"} ${refused.join(", ")} ${refused.length === 1 ? "is" : "are"} not this farm's or shared.`;
    throw new InvalidError(message, { [field]: [message] });
  }
}

/** Input parsed with the area's schema; anything wrong is a 400 naming each field, nothing written. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new InvalidError("Please correct the highlighted fields.", fieldErrorsFromIssues(parsed.error.issues));
  return parsed.data;
}

/** A record id from a URL path; anything else is a 404, like an id that does not exist. */
export function idFromPath(raw: string, what: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0 || value > 2_147_483_647) throw new NotFoundError(`${what} ${raw} not found.`);
  return value;
}
