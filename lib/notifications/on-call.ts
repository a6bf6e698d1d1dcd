/**
 * A farm's on-call list (I-013 appendix D): a critical alert nobody acknowledges within the farm's
 * escalation interval goes to level 1, then 2, … up to the last level; each level is one or more
 * people or channels. The farm's escalation interval and debounce are edited with it. The list is
 * replaced as a whole, in one transaction: the escalation never reads half a list.
 */
import { recordAudit } from "../audit/record";
import type { Actor } from "../auth/permissions";
import type { Db } from "../db";
import { assertFarmChannels, assertFarmPeople, manageableFarm, parseInput } from "./notification-access";
import { onCallSchema } from "./notification-schemas";

export type OnCallTarget = { kind: "user"; id: number; name: string; email: string } | { kind: "channel"; id: number; name: string; enabled: boolean };
export type OnCallView = {
  farmId: number;
  farmName: string;
  escalationIntervalMinutes: number;
  debounceMinutes: number;
  digestHour: number;
  levels: { level: number; userIds: number[]; channelIds: number[]; targets: OnCallTarget[] }[];
};

async function readOnCall(db: Pick<Db, "onCallEntry">, farm: { id: number; name: string; escalationIntervalMinutes: number; debounceMinutes: number; digestHour: number }): Promise<OnCallView> {
  const entries = await db.onCallEntry.findMany({
    where: { farmId: farm.id },
    orderBy: [{ level: "asc" }, { id: "asc" }],
    include: { user: { select: { id: true, name: true, email: true } }, channel: { select: { id: true, name: true, enabled: true } } },
  });
  const levels = new Map<number, OnCallView["levels"][number]>();
  for (const entry of entries) {
    const level = levels.get(entry.level) ?? { level: entry.level, userIds: [], channelIds: [], targets: [] };
    if (entry.user) {
      level.userIds.push(entry.user.id);
      level.targets.push({ kind: "user", ...entry.user });
    } else if (entry.channel) {
      level.channelIds.push(entry.channel.id);
      level.targets.push({ kind: "channel", ...entry.channel });
    }
    levels.set(entry.level, level);
  }
  return { farmId: farm.id, farmName: farm.name, escalationIntervalMinutes: farm.escalationIntervalMinutes, debounceMinutes: farm.debounceMinutes, digestHour: farm.digestHour, levels: [...levels.values()] };
}

export async function getOnCall(db: Db, actor: Actor, farmId: number): Promise<OnCallView> {
  return readOnCall(db, await manageableFarm(db, actor, farmId));
}

function auditable(view: OnCallView) {
  return { escalationIntervalMinutes: view.escalationIntervalMinutes, debounceMinutes: view.debounceMinutes, levels: view.levels.map(({ level, userIds, channelIds }) => ({ level, userIds, channelIds })) };
}

/** Replaces the list and the timing; levels are numbered by their order (the first is level 1). */
export async function replaceOnCall(db: Db, actor: Actor, farmId: number, input: unknown): Promise<OnCallView> {
  const data = parseInput(onCallSchema, input);
  await manageableFarm(db, actor, farmId);
  for (const [index, level] of data.levels.entries()) {
    await assertFarmPeople(db, farmId, level.userIds, `levels.${index}.userIds`);
    await assertFarmChannels(db, farmId, level.channelIds, `levels.${index}.channelIds`);
  }
  return db.$transaction(async (tx) => {
    // The row lock makes two saves at once take turns instead of interleaving their levels.
    await tx.$queryRaw`SELECT id FROM farms WHERE id = ${farmId} FOR UPDATE`;
    const farm = await manageableFarm(tx, actor, farmId);
    const before = await readOnCall(tx, farm);
    const updated = await tx.farm.update({
      where: { id: farmId },
      data: { escalationIntervalMinutes: data.escalationIntervalMinutes, debounceMinutes: data.debounceMinutes },
      select: { id: true, name: true, escalationIntervalMinutes: true, debounceMinutes: true, digestHour: true },
    });
    await tx.onCallEntry.deleteMany({ where: { farmId } });
    const rows = data.levels.flatMap((level, index) => [
      ...[...new Set(level.userIds)].map((userId) => ({ farmId, level: index + 1, userId })),
      ...[...new Set(level.channelIds)].map((channelId) => ({ farmId, level: index + 1, channelId })),
    ]);
    if (rows.length) await tx.onCallEntry.createMany({ data: rows });
    const after = await readOnCall(tx, updated);
    await recordAudit(tx, actor, { entityType: "farm", entityId: String(farmId), action: "on_call.replace", before: auditable(before), after: auditable(after) });
    return after;
  });
}
