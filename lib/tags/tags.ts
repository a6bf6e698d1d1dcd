/**
 * Device tags (M92 `iot.device.tag`): free labels with a colour, seen and used by every farm.
 * Managers and admins write them (groups.write); everyone who reads devices sees them with their
 * device count. A tag on several farms' devices is shared: only someone of every farm (an admin)
 * renames, recolours or deletes it, since the change lands on devices a farm-bound person may not
 * touch. A farm-bound manager changes a tag carried only by their farm's devices, or one made for
 * their farm that no device carries. Renaming or deleting a tag is written in the history of every
 * device carrying it, as assigning one is (device edit and bulk actions).
 */
import { Prisma } from "@prisma/client";
import { recordAudit } from "../audit/record";
import { can, farmScope, type Actor } from "../auth/permissions";
import type { Db } from "../db";
import { auditActor } from "../devices/device-history";
import { ConflictError, ForbiddenError, NotFoundError } from "../errors";
import { changedFields } from "../groups/group-rules";
import { equalsInsensitive } from "../search/like-pattern";
import type { TagCreateInput, TagUpdateInput } from "./tag-schemas";

export type TagSummary = {
  id: number;
  name: string;
  color: number;
  deviceCount: number;
  createdAt: Date;
  /** Whether this person may rename, recolour or delete it (role and the sharing rule). */
  editable: boolean;
  /** Carried by devices of a farm other than this person's: changed by an admin only. */
  shared: boolean;
};

function assertMayWrite(actor: Actor) {
  if (!can(actor.role, "groups.write")) throw new ForbiddenError(`Your role (${actor.role}) does not allow changing tags.`);
}

/**
 * The devices a tag counts for a person (M92 `_compute_device_count`): fleet devices only, and a
 * farm-bound person's own farm only, as the device list behind the count shows.
 */
function countedLinks(actor: Actor, farmId: number | null): Prisma.DeviceTagLinkWhereInput {
  const farm = farmScope(actor) ?? farmId;
  return { device: { state: { not: "decommissioned" }, ...(farm === null ? {} : { farmId: farm }) } };
}

function tagSelect(actor: Actor, farmId: number | null) {
  // One query: the count is a filtered sub-select per tag, not a query per tag.
  return { id: true, name: true, color: true, createdAt: true, farmId: true, _count: { select: { devices: { where: countedLinks(actor, farmId) } } } } satisfies Prisma.DeviceTagSelect;
}

type TagRow = Prisma.DeviceTagGetPayload<{ select: ReturnType<typeof tagSelect> }>;

/** Which farms' devices carry a tag, seen from one farm: every device, retired ones included. */
type TagReach = { ownFarmDevices: number; otherFarmDevices: number };

/** The reach of the given tags (all tags when `ids` is null) from `farmId`'s side. */
async function tagReach(db: Pick<Db, "$queryRaw">, farmId: number, ids: number[] | null): Promise<Map<number, TagReach>> {
  const rows = await db.$queryRaw<{ tag_id: number; own: number; other: number }[]>`
    SELECT l.tag_id, count(*) FILTER (WHERE d.farm_id = ${farmId})::int AS own, count(*) FILTER (WHERE d.farm_id <> ${farmId})::int AS other
      FROM device_tag_links l JOIN devices d ON d.id = l.device_id
     WHERE ${ids === null ? Prisma.sql`TRUE` : Prisma.sql`l.tag_id = ANY(${ids}::int[])`}
     GROUP BY l.tag_id`;
  return new Map(rows.map((row) => [row.tag_id, { ownFarmDevices: row.own, otherFarmDevices: row.other }]));
}

const UNUSED: TagReach = { ownFarmDevices: 0, otherFarmDevices: 0 };

/**
 * Why this person may not change the tag, or null if they may. The one rule for the API, the
 * actions and the tags panel (which hides the edit button where this refuses).
 */
function changeRefusal(actor: Actor, tag: { name: string; farmId: number | null }, reach: TagReach | null): string | null {
  if (!can(actor.role, "groups.write")) return `Your role (${actor.role}) does not allow changing tags.`;
  const scope = farmScope(actor);
  if (scope === null || reach === null) return null;
  if (reach.otherFarmDevices > 0) return `“${tag.name}” is also on other farms' devices: a shared tag is renamed, recoloured or deleted by an admin only.`;
  if (reach.ownFarmDevices > 0 || tag.farmId === scope) return null;
  return `“${tag.name}” was not made for your farm and none of your farm's devices carry it: an admin changes it.`;
}

function summary(actor: Actor, { _count, farmId, ...tag }: TagRow, reach: TagReach | null): TagSummary {
  return { ...tag, deviceCount: _count.devices, editable: changeRefusal(actor, { name: tag.name, farmId }, reach) === null, shared: (reach?.otherFarmDevices ?? 0) > 0 };
}

/** Every tag, by name; `farmId` narrows the counts to one farm (the farm switcher). */
export async function listTags(db: Db, actor: Actor, options: { farmId?: number | null } = {}): Promise<TagSummary[]> {
  const scope = farmScope(actor);
  const [rows, reach] = await Promise.all([
    db.deviceTag.findMany({ orderBy: { name: "asc" }, select: tagSelect(actor, options.farmId ?? null) }),
    scope === null ? null : tagReach(db, scope, null),
  ]);
  return rows.map((row) => summary(actor, row, reach ? (reach.get(row.id) ?? UNUSED) : null));
}

export async function getTag(db: Db, actor: Actor, id: number): Promise<TagSummary> {
  const scope = farmScope(actor);
  const [row, reach] = await Promise.all([db.deviceTag.findUnique({ where: { id }, select: tagSelect(actor, null) }), scope === null ? null : tagReach(db, scope, [id])]);
  if (!row) throw new NotFoundError(`Tag ${id} not found.`);
  return summary(actor, row, reach ? (reach.get(id) ?? UNUSED) : null);
}

type Tx = Prisma.TransactionClient;

/**
 * The tag, locked for the rest of the transaction, once this person may change it. The lock
 * (FOR UPDATE) waits for a device being tagged at the same moment (its link holds a key-share
 * lock on the tag), so the reach judged here is the reach the change lands on.
 */
async function lockForChange(tx: Tx, actor: Actor, id: number): Promise<{ name: string; color: number }> {
  const [locked] = await tx.$queryRaw<{ name: string; color: number; farm_id: number | null }[]>`SELECT name, color, farm_id FROM device_tags WHERE id = ${id} FOR UPDATE`;
  if (!locked) throw new NotFoundError(`Tag ${id} not found.`);
  const scope = farmScope(actor);
  const reach = scope === null ? null : ((await tagReach(tx, scope, [id])).get(id) ?? UNUSED);
  const refusal = changeRefusal(actor, { name: locked.name, farmId: locked.farm_id }, reach);
  if (refusal) throw new ForbiddenError(refusal);
  return { name: locked.name, color: locked.color };
}

/**
 * One history line on every device carrying the tag, written in one statement (a tag may be on
 * thousands of devices). The fields are the device history's own (lib/devices/device-history.ts).
 */
function recordOnCarriers(tx: Tx, actor: Actor, tagId: number, action: string, before: Record<string, unknown>, after: Record<string, unknown>) {
  const who = auditActor(actor);
  return tx.$executeRaw`
    INSERT INTO audit_events (entity_type, entity_id, action, actor_id, actor_label, before, after, farm_id, actor_role, via, credential, ip)
    SELECT 'device', d.device_id, ${action}, ${who.actorId}::int, ${who.actorLabel}, ${JSON.stringify(before)}::jsonb, ${JSON.stringify(after)}::jsonb,
           d.farm_id, ${who.actorRole}::text, ${who.via}::text, ${who.credential}::text, ${who.ip}::text
      FROM device_tag_links l JOIN devices d ON d.id = l.device_id
     WHERE l.tag_id = ${tagId}`;
}

function nameTaken(name: string) {
  return new ConflictError(`A tag named “${name}” already exists.`, { name: [`“${name}” already exists`] });
}

/** "Fresh cows" and "fresh cows" are one tag to a person reading chips, so names clash case-insensitively. */
async function assertNameFree(db: Pick<Db, "deviceTag">, name: string, exceptId?: number) {
  const clash = await db.deviceTag.findFirst({ where: { name: equalsInsensitive(name), ...(exceptId ? { id: { not: exceptId } } : {}) }, select: { name: true } });
  if (clash) throw nameTaken(clash.name);
}

function isUniqueViolation(error: unknown) {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

export async function createTag(db: Db, actor: Actor, input: TagCreateInput): Promise<TagSummary> {
  assertMayWrite(actor);
  try {
    const id = await db.$transaction(async (tx) => {
      await assertNameFree(tx, input.name);
      const created = await tx.deviceTag.create({ data: { name: input.name, color: input.color, farmId: farmScope(actor) }, select: { id: true, name: true, color: true } });
      await recordAudit(tx, actor, { entityType: "tag", entityId: String(created.id), action: "created", after: { name: created.name, color: created.color } });
      return created.id;
    });
    return await getTag(db, actor, id);
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(input.name);
    throw error;
  }
}

export async function updateTag(db: Db, actor: Actor, id: number, input: TagUpdateInput): Promise<TagSummary> {
  assertMayWrite(actor);
  try {
    await db.$transaction(async (tx) => {
      const before = await lockForChange(tx, actor, id);
      if (input.name !== undefined && input.name !== before.name) await assertNameFree(tx, input.name, id);
      const after = await tx.deviceTag.update({ where: { id }, data: { name: input.name, color: input.color }, select: { name: true, color: true } });
      const changes = changedFields(before, after);
      if (changes) await recordAudit(tx, actor, { entityType: "tag", entityId: String(id), action: "updated", before: changes.before, after: changes.after });
      if (after.name !== before.name) await recordOnCarriers(tx, actor, id, "tag_renamed", { tagRenamed: before.name }, { tagRenamed: after.name });
    });
    return await getTag(db, actor, id);
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(input.name ?? "");
    throw error;
  }
}

/** Deleting a tag takes it off every device (the links cascade); each device's history says so, the tag's how many. */
export async function deleteTag(db: Db, actor: Actor, id: number): Promise<{ id: number }> {
  assertMayWrite(actor);
  return db.$transaction(async (tx) => {
    const before = await lockForChange(tx, actor, id);
    const devices = await recordOnCarriers(tx, actor, id, "tag_deleted", { tagRemoved: before.name }, { tagRemoved: null });
    await tx.deviceTag.delete({ where: { id } });
    await recordAudit(tx, actor, { entityType: "tag", entityId: String(id), action: "deleted", before: { name: before.name, color: before.color, devices } });
    return { id };
  });
}
