/**
 * Finding devices: the list's filters, sort, pages and group-by counts, all in SQL so the list
 * stays fast with a hundred thousand devices (indexes in prisma/schema.prisma, trigram indexes
 * for the search). The page, /api/v1/devices, the CSV export and bulk actions share `deviceWhere`.
 */
import { Prisma } from "@prisma/client";
import { farmScope, type Actor } from "../auth/permissions";
import type { Db } from "../db";
import { InvalidError } from "../errors";
import type { DeviceFilter, DeviceGroupBy, DeviceListQuery, DeviceSortKey } from "./device-schemas";
import { deviceListQuerySchema } from "./device-schemas";
import { fieldErrorsFromIssues } from "../errors";
import { CONNECTION_LABEL, DEVICE_STATE_LABEL, DEVICE_STATES, HEALTH_LABEL } from "./device-fields";
import { DEVICE_TYPE_LABEL, type DeviceTypeName } from "./device-id";
import { containsInsensitive, containsPattern } from "../search/like-pattern";
import type { ConfigSyncFilter } from "./device-schemas";
import { CALIBRATION_DUE_SOON_DAYS, CALIBRATION_INTERVAL_DAYS, type CalibrationStatusName } from "../calibration/calibration-rules";
import { utcDay, warrantyStatusWhere } from "../warranty/warranty-status";
import { stockWhere } from "../inventory/stock";

type Reader = Pick<Db, "device" | "deviceGroup" | "farm" | "deviceShadow" | "$queryRaw">;

/** Parse a list query; a bad filter is a 400 with a message per parameter, never a silent default. */
export function parseDeviceListQuery(raw: Record<string, unknown>): DeviceListQuery {
  const parsed = deviceListQuerySchema.safeParse(raw);
  // `type=cow` fails as item 0 of the list; the person wrote one parameter, so name that one.
  if (!parsed.success) throw new InvalidError("The device filter is not valid.", fieldErrorsFromIssues(parsed.error.issues.map((issue) => ({ ...issue, path: issue.path.slice(0, 1) }))));
  return parsed.data;
}

/** The group and all groups below it (the "incl. sub-groups" of the group filter). */
export async function groupSubtree(db: Pick<Db, "$queryRaw">, groupId: number): Promise<number[]> {
  const rows = await db.$queryRaw<{ id: number }[]>`
    WITH RECURSIVE subtree AS (
      SELECT id FROM device_groups WHERE id = ${groupId}
      UNION
      SELECT g.id FROM device_groups g JOIN subtree s ON g.parent_id = s.id
    )
    SELECT id FROM subtree`;
  return rows.map((row) => row.id);
}

/**
 * Every state but "decommissioned", as a list: `state IN (…)` is an index condition on the state
 * index, `state <> …` only a filter applied to every entry (counting 100,000 devices: 7 ms vs 12 ms).
 */
const LIVE_STATES = DEVICE_STATES.filter((state) => state !== "decommissioned");

/** Above this many matches a search stays a plain ILIKE filter (see searchMatches). */
const SEARCH_PREFETCH_LIMIT = 2000;

/**
 * The ids of the devices whose id, name, serial or MAC contain `q`, found through the trigram
 * indexes, or null when there are more than SEARCH_PREFETCH_LIMIT (or `q` is too short for
 * trigrams). Why: PostgreSQL estimates `ILIKE '%0482%'` at ~1 % of the rows, so for a rare match
 * it walks the device-id index in sort order and filters 40,000 rows to fill a page (66 ms at
 * 100,000 devices); with `id IN (…)` it knows how few rows there are and sorts them (< 1 ms).
 * The pattern is the same as the Prisma fallback's (escaped alike), so the matches are the same.
 */
async function searchMatches(db: Pick<Db, "$queryRaw">, q: string): Promise<number[] | null> {
  if (q.length < 3) return null;
  const pattern = containsPattern(q);
  const rows = await db.$queryRaw<{ id: number }[]>`
    SELECT id FROM devices
    WHERE device_id ILIKE ${pattern} OR name ILIKE ${pattern} OR serial_number ILIKE ${pattern} OR mac_address ILIKE ${pattern}
    LIMIT ${SEARCH_PREFETCH_LIMIT + 1}`;
  return rows.length > SEARCH_PREFETCH_LIMIT ? null : rows.map((row) => row.id);
}

/**
 * The devices whose configuration sync status is `status`: lib/configuration/sync-status.ts
 * `syncStatus` written as a filter on the shadow (device_states), in the same order of precedence
 * ("pending" here includes "sent"). "In sync" compares the two hash columns (a field reference), so
 * it stays one query.
 */
function configSyncWhere(shadow: Pick<Db, "deviceShadow">["deviceShadow"], status: ConfigSyncFilter): Prisma.DeviceWhereInput {
  const versioned = { desiredVersion: { not: 0 }, desiredHash: { not: null } };
  const refused = { status: { in: ["rejected", "failed"] as ("rejected" | "failed")[] } };
  const inSync = { reportedHash: { equals: shadow.fields.desiredHash } };
  // NOT (a = b) is NULL, not true, when the reported hash is missing: say so explicitly
  const notInSync = { OR: [{ reportedHash: null }, { NOT: inSync }] };
  const settled = { ...versioned, drifted: false };
  const waiting = { ...settled, NOT: refused, AND: [notInSync] };
  switch (status) {
    case "drift":
      return { configShadow: { is: { ...versioned, drifted: true } } };
    case "rejected":
    case "failed":
      return { configShadow: { is: { ...settled, status } } };
    case "in_sync":
      return { configShadow: { is: { ...settled, NOT: refused, ...inSync } } };
    case "pending":
      return { configShadow: { is: { ...waiting, OR: [{ status: { in: ["pending", "sent"] } }, { reportedHash: { not: null } }] } } };
    case "unknown":
      return {
        OR: [
          { configShadow: { is: null } },
          { configShadow: { is: { OR: [{ desiredVersion: 0 }, { desiredHash: null }] } } },
          { configShadow: { is: { ...waiting, status: { notIn: ["pending", "sent"] }, reportedHash: null } } },
        ],
      };
  }
}

const DAY = 86_400_000;

/** The types calibrated by default (an interval in calibration-rules.ts). */
const CALIBRATED_TYPES = Object.entries(CALIBRATION_INTERVAL_DAYS)
  .filter(([, days]) => days !== null)
  .map(([type]) => type) as DeviceTypeName[];

/**
 * calibration-rules.ts `calibrationStatusOn` written as a filter on the due date (indexed), so the
 * list agrees with the device page whether or not the daily sweep has stored the status yet.
 */
export function calibrationStatusWhere(status: CalibrationStatusName, today: Date = new Date()): Prisma.DeviceWhereInput {
  const day = new Date(utcDay(today));
  const soon = new Date(utcDay(today) + CALIBRATION_DUE_SOON_DAYS * DAY);
  const hasInterval: Prisma.DeviceWhereInput = { OR: [{ calibrationIntervalDays: { not: null } }, { deviceType: { in: CALIBRATED_TYPES } }] };
  switch (status) {
    case "overdue":
      return { nextCalibrationDue: { lt: day } };
    case "due":
      // never calibrated but calibrated by its type: due now
      return { OR: [{ nextCalibrationDue: { gte: day, lte: soon } }, { nextCalibrationDue: null, ...hasInterval }] };
    case "ok":
      return { nextCalibrationDue: { gt: soon } };
    case "not_required":
      return { nextCalibrationDue: null, calibrationIntervalDays: null, deviceType: { notIn: CALIBRATED_TYPES } };
  }
}

/** The Prisma filter for a device list, always inside the actor's farms. */
export async function deviceWhere(db: Pick<Db, "$queryRaw"> & Partial<Pick<Db, "deviceShadow">>, actor: Actor, filter: DeviceFilter): Promise<Prisma.DeviceWhereInput> {
  const and: Prisma.DeviceWhereInput[] = [];
  const scope = farmScope(actor);
  if (scope !== null) and.push({ farmId: scope });
  if (filter.farm) and.push({ farmId: filter.farm });
  if (!filter.retired && !filter.state?.includes("decommissioned")) and.push({ state: { in: LIVE_STATES } });
  if (filter.q) {
    const matches = await searchMatches(db, filter.q);
    const contains = containsInsensitive(filter.q);
    and.push(matches ? { id: { in: matches } } : { OR: [{ deviceId: contains }, { name: contains }, { serialNumber: contains }, { macAddress: contains }] });
  }
  if (filter.type?.length) and.push({ deviceType: { in: filter.type } });
  if (filter.state?.length) and.push({ state: { in: filter.state } });
  if (filter.health?.length) and.push({ healthStatus: { in: filter.health } });
  if (filter.connection?.length) and.push({ connectionStatus: { in: filter.connection } });
  if (filter.group === "none") and.push({ groupId: null });
  else if (filter.group) and.push({ groupId: { in: await groupSubtree(db, filter.group) } });
  if (filter.tag) and.push({ tags: { some: { tagId: filter.tag } } });
  if (filter.firmware) and.push(filter.firmware === "none" ? { firmwareVersion: null } : { firmwareVersion: filter.firmware });
  if (filter.attention !== undefined) and.push({ needsAttention: filter.attention });
  if (filter.maintenance !== undefined) and.push({ maintenanceMode: filter.maintenance });
  if (filter.calibration?.length) and.push({ OR: filter.calibration.map((status) => calibrationStatusWhere(status)) });
  if (filter.warranty?.length) and.push({ OR: filter.warranty.map((status) => warrantyStatusWhere(status)) });
  if (filter.stock !== undefined) and.push(stockWhere(filter.stock));
  if (filter.config?.length) {
    // callers type their client narrowly; every one passes the whole client (or a transaction)
    const shadow = db.deviceShadow;
    if (!shadow) throw new Error("deviceWhere: the configuration status filter needs the deviceShadow delegate");
    and.push({ OR: filter.config.map((status) => configSyncWhere(shadow, status)) });
  }
  // the drift sweep's verdict (device_states.drifted, indexed), whatever else the status says
  if (filter.drift !== undefined) and.push(filter.drift ? { configShadow: { is: { drifted: true } } } : { OR: [{ configShadow: { is: null } }, { configShadow: { is: { drifted: false } } }] });
  return and.length ? { AND: and } : {};
}

const NULLS_LAST = (sort: Prisma.SortOrder) => ({ sort, nulls: "last" as const });

function deviceOrderBy(sort: DeviceSortKey, dir: Prisma.SortOrder): Prisma.DeviceOrderByWithRelationInput[] {
  const primary: Record<DeviceSortKey, Prisma.DeviceOrderByWithRelationInput> = {
    deviceId: { deviceId: dir },
    name: { name: dir },
    type: { deviceType: dir },
    farm: { farm: { code: dir } },
    group: { group: { name: dir } },
    state: { state: dir },
    health: { healthScore: dir },
    connection: { connectionStatus: dir },
    battery: { batteryLevel: NULLS_LAST(dir) },
    signal: { signalStrength: NULLS_LAST(dir) },
    firmware: { firmwareVersion: NULLS_LAST(dir) },
    lastSeen: { lastSeen: NULLS_LAST(dir) },
  };
  // device ids are unique, so pages never overlap or skip a row when the sort key ties
  return sort === "deviceId" ? [primary.deviceId] : [primary[sort], { deviceId: "asc" }];
}

export const DEVICE_LIST_SELECT = {
  id: true,
  deviceId: true,
  name: true,
  deviceType: true,
  state: true,
  farmId: true,
  farm: { select: { code: true, name: true } },
  groupId: true,
  group: { select: { code: true, name: true } },
  tags: { select: { tag: { select: { id: true, name: true, color: true } } } },
  serialNumber: true,
  macAddress: true,
  healthStatus: true,
  healthScore: true,
  needsAttention: true,
  connectionStatus: true,
  batteryLevel: true,
  signalStrength: true,
  signalQuality: true,
  firmwareVersion: true,
  firmwareUpdateStatus: true,
  maintenanceMode: true,
  lastSeen: true,
  // debug logging on (I-013 §7.2): the list shows a chip
  debugLevel: true,
  debugUntil: true,
} satisfies Prisma.DeviceSelect;

type ListedRow = Prisma.DeviceGetPayload<{ select: typeof DEVICE_LIST_SELECT }>;
export type ListedDevice = Omit<ListedRow, "tags"> & { tags: { id: number; name: string; color: number }[] };

export type DeviceListPage = { items: ListedDevice[]; total: number; page: number; pageSize: number; pages: number };

export async function listDevices(db: Reader, actor: Actor, query: DeviceListQuery): Promise<DeviceListPage> {
  const where = await deviceWhere(db, actor, query);
  // The page's ids first, then its rows: PostgreSQL computes every selected column of each row it
  // sorts, so sorting the whole fleet by battery with the 20 list columns took 50 ms at 100,000
  // devices, and with the id alone 25 ms (scripts/bench-registry.ts). The second query reads 50 rows by key.
  const [total, page] = await Promise.all([
    db.device.count({ where }),
    db.device.findMany({
      where,
      orderBy: deviceOrderBy(query.sort, query.dir),
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
      select: { id: true },
    }),
  ]);
  const ids = page.map((row) => row.id);
  const rows = ids.length ? await db.device.findMany({ where: { id: { in: ids } }, select: DEVICE_LIST_SELECT }) : [];
  const byId = new Map(rows.map((row) => [row.id, row]));
  return {
    // in the order of the sorted ids; a device deleted between the two reads is simply left out
    items: ids.flatMap((id) => {
      const row = byId.get(id);
      return row ? [{ ...row, tags: row.tags.map((link) => link.tag) }] : [];
    }),
    total,
    page: query.page,
    pageSize: query.pageSize,
    pages: Math.max(1, Math.ceil(total / query.pageSize)),
  };
}

export type GroupCount = { key: string; label: string; count: number };

/** "By type: Milk Meter 12, Collar 40 …" for the list's group-by panel and `?groupBy=`. */
export async function countDevicesBy(db: Reader, actor: Actor, filter: DeviceFilter, by: DeviceGroupBy): Promise<GroupCount[]> {
  const where = await deviceWhere(db, actor, filter);
  const column = ({ type: "deviceType", health: "healthStatus", farm: "farmId", group: "groupId", state: "state", connection: "connectionStatus" } as const)[by];
  // Prisma's groupBy types cannot follow a column chosen at run time; the rows are {column, _count}.
  const groupBy = db.device.groupBy as unknown as (args: object) => Promise<Array<Record<string, unknown> & { _count: { _all: number } }>>;
  const rows = await groupBy({ by: [column], where, _count: { _all: true } });
  const counts = rows.map((row) => ({ key: row[column] === null ? "none" : String(row[column]), count: row._count._all }));

  const names = new Map<string, string>(Object.entries(({ type: DEVICE_TYPE_LABEL, health: HEALTH_LABEL, state: DEVICE_STATE_LABEL, connection: CONNECTION_LABEL, farm: {}, group: {} } as const)[by]));
  if (by === "farm") {
    const farms = await db.farm.findMany({ where: { id: { in: counts.map((c) => Number(c.key)) } }, select: { id: true, name: true } });
    for (const farm of farms) names.set(String(farm.id), farm.name);
  }
  if (by === "group") {
    const ids = counts.filter((c) => c.key !== "none").map((c) => Number(c.key));
    const groups = await db.deviceGroup.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, farm: { select: { code: true } } } });
    // Farms reuse group names ("Herd collars"), so the farm tells them apart.
    for (const group of groups) names.set(String(group.id), `${group.name} · ${group.farm?.code ?? "all farms"}`);
    names.set("none", "No group");
  }
  return counts.map((count) => ({ ...count, label: names.get(count.key) ?? count.key })).sort((a, b) => b.count - a.count);
}
