/**
 * Notification rules: per farm (or one group of it), which alert types from which severity go to
 * which people and channels, with quiet hours (farm-local; non-critical notifications wait until
 * they end), the daily digest instead of one message each, and an on/off switch. The worker's
 * fan-out reads them (lib/notifications, notify-engine); here they are written and shown.
 */
import type { NotificationRule } from "@prisma/client";
import { recordAudit } from "../audit/record";
import { farmScope, type Actor } from "../auth/permissions";
import type { Db } from "../db";
import { InvalidError, NotFoundError } from "../errors";
import { assertFarmChannels, assertFarmPeople, assertManage, manageableFarm, parseInput } from "./notification-access";
import { minutesOfDay, ruleCreateSchema, ruleUpdateSchema, timeOfDay } from "./notification-schemas";

export type RuleView = {
  id: number;
  farmId: number;
  farmName: string;
  groupId: number | null;
  groupName: string | null;
  name: string;
  alertTypes: string[];
  minSeverity: "low" | "warning" | "critical";
  userIds: number[];
  channelIds: number[];
  people: { id: number; name: string }[];
  channels: { id: number; name: string; kind: "email" | "webhook"; enabled: boolean }[];
  quietStart: string | null;
  quietEnd: string | null;
  digest: boolean;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
};

type Row = NotificationRule & { farm: { name: string } };

async function views(db: Pick<Db, "user" | "notificationChannel" | "deviceGroup">, rows: Row[]): Promise<RuleView[]> {
  const userIds = [...new Set(rows.flatMap((row) => row.userIds))];
  const channelIds = [...new Set(rows.flatMap((row) => row.channelIds))];
  const groupIds = [...new Set(rows.flatMap((row) => (row.groupId ? [row.groupId] : [])))];
  const [users, channels, groups] = await Promise.all([
    userIds.length ? db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, name: true } }) : [],
    channelIds.length ? db.notificationChannel.findMany({ where: { id: { in: channelIds } }, select: { id: true, name: true, kind: true, enabled: true } }) : [],
    groupIds.length ? db.deviceGroup.findMany({ where: { id: { in: groupIds } }, select: { id: true, name: true } }) : [],
  ]);
  const userById = new Map(users.map((user) => [user.id, user]));
  const channelById = new Map(channels.map((channel) => [channel.id, channel]));
  const groupById = new Map(groups.map((group) => [group.id, group]));
  return rows.map((row) => ({
    id: row.id,
    farmId: row.farmId,
    farmName: row.farm.name,
    groupId: row.groupId,
    groupName: row.groupId ? (groupById.get(row.groupId)?.name ?? null) : null,
    name: row.name,
    alertTypes: row.alertTypes,
    minSeverity: row.minSeverity,
    userIds: row.userIds,
    channelIds: row.channelIds,
    people: row.userIds.flatMap((id) => (userById.has(id) ? [userById.get(id)!] : [])),
    channels: row.channelIds.flatMap((id) => (channelById.has(id) ? [channelById.get(id)!] : [])),
    quietStart: timeOfDay(row.quietStart),
    quietEnd: timeOfDay(row.quietEnd),
    digest: row.digest,
    enabled: row.enabled,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }));
}

function auditable(rule: RuleView) {
  const { name, groupId, alertTypes, minSeverity, userIds, channelIds, quietStart, quietEnd, digest, enabled } = rule;
  return { farmId: rule.farmId, name, groupId, alertTypes, minSeverity, userIds, channelIds, quietStart, quietEnd, digest, enabled };
}

const withFarm = { farm: { select: { name: true } } } as const;

export async function listRules(db: Db, actor: Actor, options: { farmId?: number | null } = {}): Promise<RuleView[]> {
  assertManage(actor);
  const scope = farmScope(actor);
  if (options.farmId && scope !== null && options.farmId !== scope) throw new NotFoundError(`Farm ${options.farmId} not found.`);
  const farmId = scope ?? options.farmId ?? null;
  const rows = await db.notificationRule.findMany({ where: farmId === null ? undefined : { farmId }, include: withFarm, orderBy: [{ farmId: "asc" }, { name: "asc" }, { id: "asc" }] });
  return views(db, rows);
}

async function findRule(db: Pick<Db, "notificationRule">, actor: Actor, id: number) {
  const row = await db.notificationRule.findUnique({ where: { id }, include: withFarm });
  const scope = farmScope(actor);
  if (!row || (scope !== null && row.farmId !== scope)) throw new NotFoundError(`Rule ${id} not found.`);
  return row;
}

export async function getRule(db: Db, actor: Actor, id: number): Promise<RuleView> {
  assertManage(actor);
  return (await views(db, [await findRule(db, actor, id)]))[0]!;
}

type Checked = { groupId: number | null; userIds: number[]; channelIds: number[] };

/** The rule's group, people and channels must all belong to its farm (channels may be shared). */
async function checkTargets(db: Db, farmId: number, rule: Checked) {
  if (rule.groupId !== null) {
    const group = await db.deviceGroup.findUnique({ where: { id: rule.groupId }, select: { farmId: true } });
    if (!group || group.farmId !== farmId) throw new InvalidError("That group is not one of this farm's.", { groupId: ["Not one of this farm's groups"] });
  }
  await assertFarmPeople(db, farmId, rule.userIds, "userIds");
  await assertFarmChannels(db, farmId, rule.channelIds, "channelIds");
  if (rule.userIds.length + rule.channelIds.length === 0) throw new InvalidError("Pick at least one person or channel: a rule without recipients notifies nobody.", { userIds: ["Pick at least one person or channel"] });
}

export async function createRule(db: Db, actor: Actor, input: unknown): Promise<RuleView> {
  assertManage(actor);
  const data = parseInput(ruleCreateSchema, input);
  await manageableFarm(db, actor, data.farmId);
  const userIds = [...new Set(data.userIds)];
  const channelIds = [...new Set(data.channelIds)];
  await checkTargets(db, data.farmId, { groupId: data.groupId, userIds, channelIds });
  return db.$transaction(async (tx) => {
    const row = await tx.notificationRule.create({
      data: {
        farmId: data.farmId,
        groupId: data.groupId,
        name: data.name,
        alertTypes: [...new Set(data.alertTypes)],
        minSeverity: data.minSeverity,
        userIds,
        channelIds,
        quietStart: minutesOfDay(data.quietStart),
        quietEnd: minutesOfDay(data.quietEnd),
        digest: data.digest,
        enabled: data.enabled,
      },
      include: withFarm,
    });
    const [view] = await views(tx, [row]);
    await recordAudit(tx, actor, { entityType: "notification_rule", entityId: String(row.id), action: "notification_rule.create", after: auditable(view!) });
    return view!;
  });
}

export async function updateRule(db: Db, actor: Actor, id: number, input: unknown): Promise<RuleView> {
  assertManage(actor);
  const data = parseInput(ruleUpdateSchema, input);
  const current = await findRule(db, actor, id);
  const [before] = await views(db, [current]);
  const next = {
    groupId: data.groupId !== undefined ? data.groupId : current.groupId,
    userIds: data.userIds !== undefined ? [...new Set(data.userIds)] : current.userIds,
    channelIds: data.channelIds !== undefined ? [...new Set(data.channelIds)] : current.channelIds,
  };
  // Quiet hours come as a pair; one end alone changes only that end and must still make a pair.
  const quietStart = data.quietStart !== undefined ? minutesOfDay(data.quietStart) : current.quietStart;
  const quietEnd = data.quietEnd !== undefined ? minutesOfDay(data.quietEnd) : current.quietEnd;
  if ((quietStart === null) !== (quietEnd === null)) throw new InvalidError("Quiet hours need a start and an end.", { [quietStart === null ? "quietStart" : "quietEnd"]: ["Quiet hours need a start and an end"] });
  if (quietStart !== null && quietStart === quietEnd) throw new InvalidError("The quiet hours must end at another time than they start.", { quietEnd: ["The quiet hours must end at another time than they start"] });
  await checkTargets(db, current.farmId, next);
  return db.$transaction(async (tx) => {
    const row = await tx.notificationRule.update({
      where: { id },
      data: {
        name: data.name,
        groupId: next.groupId,
        alertTypes: data.alertTypes ? [...new Set(data.alertTypes)] : undefined,
        minSeverity: data.minSeverity,
        userIds: next.userIds,
        channelIds: next.channelIds,
        quietStart,
        quietEnd,
        digest: data.digest,
        enabled: data.enabled,
      },
      include: withFarm,
    });
    const [view] = await views(tx, [row]);
    await recordAudit(tx, actor, { entityType: "notification_rule", entityId: String(id), action: "notification_rule.update", before: auditable(before!), after: auditable(view!) });
    return view!;
  });
}

export async function deleteRule(db: Db, actor: Actor, id: number): Promise<{ id: number; deleted: true }> {
  assertManage(actor);
  const current = await findRule(db, actor, id);
  const [before] = await views(db, [current]);
  await db.$transaction(async (tx) => {
    await tx.notificationRule.delete({ where: { id } });
    await recordAudit(tx, actor, { entityType: "notification_rule", entityId: String(id), action: "notification_rule.delete", before: auditable(before!) });
  });
  return { id, deleted: true };
}
