/**
 * Device tags (M92 `iot.device.tag`): free labels with a colour, shared by every farm. Managers and
 * admins write them (groups.write); everyone who reads devices sees them with their device count.
 */
import { Prisma } from "@prisma/client";
import { recordAudit } from "../audit/record";
import { can, farmScope, type Actor } from "../auth/permissions";
import type { Db } from "../db";
import { ConflictError, ForbiddenError, NotFoundError } from "../errors";
import { changedFields } from "../groups/group-rules";
import { equalsInsensitive } from "../search/like-pattern";
import type { TagCreateInput, TagUpdateInput } from "./tag-schemas";

export type TagSummary = { id: number; name: string; color: number; deviceCount: number; createdAt: Date };

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
  return { id: true, name: true, color: true, createdAt: true, _count: { select: { devices: { where: countedLinks(actor, farmId) } } } } satisfies Prisma.DeviceTagSelect;
}

type TagRow = Prisma.DeviceTagGetPayload<{ select: ReturnType<typeof tagSelect> }>;

function summary({ _count, ...tag }: TagRow): TagSummary {
  return { ...tag, deviceCount: _count.devices };
}

/** Every tag, by name; `farmId` narrows the counts to one farm (the farm switcher). */
export async function listTags(db: Db, actor: Actor, options: { farmId?: number | null } = {}): Promise<TagSummary[]> {
  const rows = await db.deviceTag.findMany({ orderBy: { name: "asc" }, select: tagSelect(actor, options.farmId ?? null) });
  return rows.map(summary);
}

export async function getTag(db: Db, actor: Actor, id: number): Promise<TagSummary> {
  const row = await db.deviceTag.findUnique({ where: { id }, select: tagSelect(actor, null) });
  if (!row) throw new NotFoundError(`Tag ${id} not found.`);
  return summary(row);
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
      const created = await tx.deviceTag.create({ data: { name: input.name, color: input.color }, select: { id: true, name: true, color: true } });
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
      const before = await tx.deviceTag.findUnique({ where: { id }, select: { name: true, color: true } });
      if (!before) throw new NotFoundError(`Tag ${id} not found.`);
      if (input.name !== undefined && input.name !== before.name) await assertNameFree(tx, input.name, id);
      const after = await tx.deviceTag.update({ where: { id }, data: { name: input.name, color: input.color }, select: { name: true, color: true } });
      const changes = changedFields(before, after);
      if (changes) await recordAudit(tx, actor, { entityType: "tag", entityId: String(id), action: "updated", before: changes.before, after: changes.after });
    });
    return await getTag(db, actor, id);
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(input.name ?? "");
    throw error;
  }
}

/** Deleting a tag takes it off every device (the links cascade); the history keeps how many. */
export async function deleteTag(db: Db, actor: Actor, id: number): Promise<{ id: number }> {
  assertMayWrite(actor);
  return db.$transaction(async (tx) => {
    const before = await tx.deviceTag.findUnique({ where: { id }, select: { name: true, color: true, _count: { select: { devices: true } } } });
    if (!before) throw new NotFoundError(`Tag ${id} not found.`);
    await tx.deviceTag.delete({ where: { id } });
    await recordAudit(tx, actor, { entityType: "tag", entityId: String(id), action: "deleted", before: { name: before.name, color: before.color, devices: before._count.devices } });
    return { id };
  });
}
