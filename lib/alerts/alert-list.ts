/**
 * Finding alerts: the list's filters and pages, one alert with its device, group and the people
 * who handled it, and the open-alert counts of the shell's badge. An alert has no farm of its
 * own: a device alert belongs to its device's farm, a group alert to its group's. Alerts of a
 * cross-farm group (no farm) are seen only by people who see every farm, and only without a farm
 * filter: they are no one farm's.
 */
import { Prisma } from "@prisma/client";
import { farmScope, type Actor } from "../auth/permissions";
import type { Db } from "../db";
import { fieldErrorsFromIssues, InvalidError, NotFoundError } from "../errors";
import { groupSubtree } from "../devices/device-list";
import { AUTO_RESOLVED_PREFIX, statesFor, type AlertSeverityName, type AlertStateName, type AlertTypeName } from "./alert-fields";
import { alertListQuerySchema, type AlertFilter, type AlertListQuery } from "./alert-schemas";

type Reader = Pick<Db, "alert" | "user" | "deviceGroup" | "auditEvent" | "$queryRaw">;

/** Parse a list query; a bad filter is a 400 with a message per parameter, never a silent default. */
export function parseAlertListQuery(raw: Record<string, unknown>): AlertListQuery {
  const parsed = alertListQuerySchema.safeParse(raw);
  // `severity=huge` fails as item 0 of the list; the person wrote one parameter, so name that one.
  if (!parsed.success) throw new InvalidError("The alert filter is not valid.", fieldErrorsFromIssues(parsed.error.issues.map((issue) => ({ ...issue, path: issue.path.slice(0, 1) }))));
  return parsed.data;
}

/** `a` is the alert, `d` its device, `g` its group (for group alerts): see FROM_ALERTS. */
const FROM_ALERTS = Prisma.sql`FROM alerts a LEFT JOIN devices d ON d.id = a.device_id LEFT JOIN device_groups g ON g.id = a.group_id`;

function inFarm(farmId: number): Prisma.Sql {
  return Prisma.sql`(d.farm_id = ${farmId} OR (a.device_id IS NULL AND g.farm_id = ${farmId}))`;
}

/** Enum values as typed parameters, so `state IN (…)` stays an index condition on (state, severity). */
function enumList(values: readonly string[], type: "AlertState" | "AlertSeverity" | "AlertType"): Prisma.Sql {
  return Prisma.join(values.map((value) => Prisma.sql`${value}::${Prisma.raw(`"${type}"`)}`));
}

/** The SQL conditions of a list, always inside the actor's farms. */
async function alertConditions(db: Pick<Db, "$queryRaw">, actor: Actor, filter: AlertFilter): Promise<Prisma.Sql> {
  const and: Prisma.Sql[] = [Prisma.sql`a.state IN (${enumList(statesFor(filter.state), "AlertState")})`];
  const scope = farmScope(actor);
  if (scope !== null) and.push(inFarm(scope));
  if (filter.farm) and.push(inFarm(filter.farm));
  if (filter.severity?.length) and.push(Prisma.sql`a.severity IN (${enumList(filter.severity, "AlertSeverity")})`);
  if (filter.type?.length) and.push(Prisma.sql`a.alert_type IN (${enumList(filter.type, "AlertType")})`);
  if (filter.device) and.push(Prisma.sql`upper(d.device_id) = ${filter.device}`);
  if (filter.group) {
    const groups = await groupSubtree(db, filter.group);
    and.push(groups.length ? Prisma.sql`(a.group_id IN (${Prisma.join(groups)}) OR d.group_id IN (${Prisma.join(groups)}))` : Prisma.sql`FALSE`);
  }
  return Prisma.join(and, " AND ");
}

export type ListedAlert = {
  id: number;
  alertType: AlertTypeName;
  severity: AlertSeverityName;
  state: AlertStateName;
  message: string | null;
  occurrenceCount: number;
  firstOccurrence: Date;
  lastOccurrence: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  acknowledgeNotes: string | null;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  resolutionNotes: string | null;
  /** Closed by the health monitor because the cause went away (M92 `_resolve_stale_alerts`). */
  autoResolved: boolean;
  device: { deviceId: string; name: string; farm: { code: string; name: string } } | null;
  /** Farms reuse group names ("Milking parlour"): the farm tells them apart; null for a cross-farm group. */
  group: { id: number; code: string; name: string; farm: { code: string; name: string } | null } | null;
};

export type AlertListPage = { items: ListedAlert[]; total: number; page: number; pageSize: number; pages: number };

const ALERT_SELECT = {
  id: true,
  alertType: true,
  severity: true,
  state: true,
  message: true,
  occurrenceCount: true,
  firstOccurrence: true,
  lastOccurrence: true,
  groupId: true,
  acknowledgedById: true,
  acknowledgedAt: true,
  acknowledgeNotes: true,
  resolvedById: true,
  resolvedAt: true,
  resolutionNotes: true,
  device: { select: { deviceId: true, name: true, farm: { select: { code: true, name: true } } } },
} satisfies Prisma.AlertSelect;

type AlertRow = Prisma.AlertGetPayload<{ select: typeof ALERT_SELECT }>;

/**
 * Who acknowledged and who resolved: people by name; an API key (no person to point at) by the
 * label its change history kept; the health monitor when it closed the alert itself.
 */
async function withPeople(db: Reader, rows: AlertRow[]): Promise<ListedAlert[]> {
  const userIds = [...new Set(rows.flatMap((row) => [row.acknowledgedById, row.resolvedById]).filter((id): id is number => id !== null))];
  const groupIds = [...new Set(rows.map((row) => row.groupId).filter((id): id is number => id !== null))];
  const byKey = rows.filter((row) => (row.acknowledgedAt && row.acknowledgedById === null) || (row.resolvedAt && row.resolvedById === null)).map((row) => String(row.id));
  const [users, groups, events] = await Promise.all([
    userIds.length ? db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, name: true } }) : [],
    groupIds.length ? db.deviceGroup.findMany({ where: { id: { in: groupIds } }, select: { id: true, code: true, name: true, farm: { select: { code: true, name: true } } } }) : [],
    byKey.length ? db.auditEvent.findMany({ where: { entityType: "alert", entityId: { in: byKey }, action: { in: ["acknowledge", "resolve"] } }, select: { entityId: true, action: true, actorLabel: true } }) : [],
  ]);
  const names = new Map(users.map((user) => [user.id, user.name]));
  const groupsById = new Map(groups.map((group) => [group.id, group]));
  const labels = new Map(events.map((event) => [`${event.entityId}:${event.action}`, event.actorLabel]));
  return rows.map(({ groupId, acknowledgedById, resolvedById, ...row }) => {
    const autoResolved = row.state === "resolved" && resolvedById === null && (row.resolutionNotes ?? "").startsWith(AUTO_RESOLVED_PREFIX);
    return {
      ...row,
      acknowledgedBy: acknowledgedById !== null ? (names.get(acknowledgedById) ?? null) : row.acknowledgedAt ? (labels.get(`${row.id}:acknowledge`) ?? null) : null,
      resolvedBy: resolvedById !== null ? (names.get(resolvedById) ?? null) : row.resolvedAt ? (labels.get(`${row.id}:resolve`) ?? (autoResolved ? "Health monitor" : null)) : null,
      autoResolved,
      group: groupId !== null ? (groupsById.get(groupId) ?? null) : null,
    };
  });
}

/** Open critical alerts first (they need someone now), then the newest. */
export async function listAlerts(db: Reader, actor: Actor, query: AlertListQuery): Promise<AlertListPage> {
  const where = await alertConditions(db, actor, query);
  const [counted, page] = await Promise.all([
    db.$queryRaw<{ total: number }[]>`SELECT count(*)::int AS total ${FROM_ALERTS} WHERE ${where}`,
    db.$queryRaw<{ id: number }[]>`
      SELECT a.id ${FROM_ALERTS} WHERE ${where}
      ORDER BY (a.state <> 'resolved' AND a.severity = 'critical') DESC, a.last_occurrence DESC, a.id DESC
      LIMIT ${query.pageSize} OFFSET ${(query.page - 1) * query.pageSize}`,
  ]);
  const total = counted[0]?.total ?? 0;
  const ids = page.map((row) => row.id);
  const rows = ids.length ? await db.alert.findMany({ where: { id: { in: ids } }, select: ALERT_SELECT }) : [];
  const byId = new Map(rows.map((row) => [row.id, row]));
  // in the order of the sorted ids; an alert deleted between the two reads is simply left out
  const ordered = ids.flatMap((id) => byId.get(id) ?? []);
  return { items: await withPeople(db, ordered), total, page: query.page, pageSize: query.pageSize, pages: Math.max(1, Math.ceil(total / query.pageSize)) };
}

/** May this actor see an alert of this device farm / group farm? (no farm: a cross-farm group) */
export function alertVisibleTo(actor: Actor, where: { deviceFarmId: number | null; groupFarmId: number | null }): boolean {
  const scope = farmScope(actor);
  if (scope === null) return true;
  return (where.deviceFarmId ?? where.groupFarmId) === scope;
}

export type AlertHistoryEntry = { id: string; at: Date; who: string; action: string; notes: string | null };

/** Everything the alert page and `GET /api/v1/iot/alerts/{id}` show; another farm's alert is "not found". */
export async function getAlert(db: Pick<Db, "alert" | "user" | "deviceGroup" | "auditEvent" | "$queryRaw" | "device">, actor: Actor, id: number) {
  const row = await db.alert.findUnique({ where: { id }, select: { ...ALERT_SELECT, deviceId: true } });
  const group = row?.groupId ? await db.deviceGroup.findUnique({ where: { id: row.groupId }, select: { id: true, code: true, name: true, farmId: true, offlineAlertThreshold: true, farm: { select: { code: true, name: true } } } }) : null;
  const device = row?.deviceId
    ? await db.device.findUnique({
        where: { id: row.deviceId },
        select: {
          deviceId: true,
          name: true,
          deviceType: true,
          farmId: true,
          farm: { select: { code: true, name: true } },
          group: { select: { id: true, name: true } },
          healthStatus: true,
          healthScore: true,
          connectionStatus: true,
          batteryLevel: true,
          signalStrength: true,
          lastSeen: true,
          maintenanceMode: true,
        },
      })
    : null;
  if (!row || !alertVisibleTo(actor, { deviceFarmId: device?.farmId ?? null, groupFarmId: group?.farmId ?? null })) throw new NotFoundError(`Alert ${id} not found.`);
  const [listed] = await withPeople(db, [row]);
  if (!listed) throw new NotFoundError(`Alert ${id} not found.`);
  const events = await db.auditEvent.findMany({ where: { entityType: "alert", entityId: String(id) }, orderBy: { createdAt: "desc" }, take: 50, select: { id: true, createdAt: true, actorId: true, actorLabel: true, action: true, after: true } });
  // the history keeps e-mails (they outlive a renamed person); the page names the people it knows
  const actorIds = [...new Set(events.map((event) => event.actorId).filter((actorId): actorId is number => actorId !== null))];
  const people = new Map((actorIds.length ? await db.user.findMany({ where: { id: { in: actorIds } }, select: { id: true, name: true } }) : []).map((user) => [user.id, user.name]));
  const history: AlertHistoryEntry[] = events.map((event) => {
    const after = event.after as { notes?: unknown } | null;
    const who = (event.actorId !== null ? people.get(event.actorId) : undefined) ?? event.actorLabel;
    return { id: String(event.id), at: event.createdAt, who, action: event.action, notes: typeof after?.notes === "string" ? after.notes : null };
  });
  return { ...listed, device, group, history };
}

export type AlertDetail = Awaited<ReturnType<typeof getAlert>>;

export type OpenAlertCounts = { critical: number; warning: number };

/**
 * The shell's badge: open critical and warning alerts in the farm shown (null: every farm the
 * actor sees). It runs on every page, so it is one count over the (state, severity) index.
 */
export async function countOpenAlerts(db: Pick<Db, "$queryRaw">, actor: Actor, farmId: number | null): Promise<OpenAlertCounts> {
  const farms = [farmScope(actor), farmId].filter((id): id is number => id !== null);
  const from = farms.length ? FROM_ALERTS : Prisma.sql`FROM alerts a`;
  const inFarms = farms.length ? Prisma.sql` AND ${Prisma.join(farms.map(inFarm), " AND ")}` : Prisma.empty;
  const rows = await db.$queryRaw<{ severity: "critical" | "warning"; count: number }[]>`
    SELECT a.severity::text AS severity, count(*)::int AS count ${from}
    WHERE a.state IN ('active', 'acknowledged') AND a.severity IN ('critical', 'warning')${inFarms}
    GROUP BY a.severity`;
  const counts: OpenAlertCounts = { critical: 0, warning: 0 };
  for (const row of rows) counts[row.severity] = row.count;
  return counts;
}
