/**
 * Finding devices: the list's filters, sort, pages and group-by counts, all in SQL so the list
 * stays fast with a million devices (indexes in prisma/schema.prisma, trigram indexes for the
 * search; pages by keyset in ./device-cursor.ts, counts in ./device-count.ts). The page, /api/v1/devices, the CSV export and bulk actions share `deviceWhere`.
 */
import { Prisma } from "@prisma/client";
import { farmScope, type Actor } from "../auth/permissions";
import type { Db } from "../db";
import { InvalidError } from "../errors";
import type { DeviceFilter, DeviceGroupBy, DeviceListQuery } from "./device-schemas";
import { deviceListQuerySchema } from "./device-schemas";
import { fieldErrorsFromIssues } from "../errors";
import { CONNECTION_LABEL, DEVICE_STATE_LABEL, DEVICE_STATES, HEALTH_LABEL } from "./device-fields";
import { DEVICE_TYPE_LABEL } from "./device-id";
import { containsInsensitive, containsPattern } from "../search/like-pattern";
import type { ConfigSyncFilter } from "./device-schemas";
import { calibrationStatusWhere } from "../calibration/calibration-filters";
import { warrantyStatusWhere } from "../warranty/warranty-status";
import { stockWhere } from "../inventory/stock";
import { countMatching, type DeviceCount } from "./device-count";
import { cursorAt, seekSegments, type Segment } from "./device-cursor";

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

export const DEVICE_LIST_SELECT = {
  id: true,
  deviceId: true,
  name: true,
  deviceType: true,
  state: true,
  farmId: true,
  farm: { select: { code: true, name: true, timezone: true } },
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
  // the optional "Calibration due" and "Warranty" columns of the list
  nextCalibrationDue: true,
  warrantyEnd: true,
  warrantyVoidedAt: true,
} satisfies Prisma.DeviceSelect;

type ListedRow = Prisma.DeviceGetPayload<{ select: typeof DEVICE_LIST_SELECT }>;
export type ListedDevice = Omit<ListedRow, "tags"> & { tags: { id: number; name: string; color: number }[] };

/**
 * A page of the list. `total` is exact up to EXACT_COUNT_LIMIT and PostgreSQL's estimate beyond
 * (`totalKind` says which: lib/devices/device-count.ts). `nextCursor` / `prevCursor` lead to the
 * neighbouring pages (null at either end); `offset` is the rows before this page, for "51–100".
 */
export type DeviceListPage = {
  items: ListedDevice[];
  total: number;
  totalKind: DeviceCount["kind"];
  page: number;
  pageSize: number;
  pages: number;
  offset: number;
  nextCursor: string | null;
  prevCursor: string | null;
};

type IdReader = Pick<Db, "device">;

/**
 * Up to `take` ids from the segments in order, skipping `skip` rows first (only the old `?page=`
 * skips: a segment that ends inside the skip is counted to know how much of it was passed over).
 */
async function readSegments(db: IdReader, where: Prisma.DeviceWhereInput, segments: Segment[], skip: number, take: number): Promise<number[]> {
  const ids: number[] = [];
  for (const segment of segments) {
    const whereSegment = { AND: [where, ...segment.where] };
    const rows = await db.device.findMany({ where: whereSegment, orderBy: segment.orderBy, skip, take: take - ids.length, select: { id: true } });
    ids.push(...rows.map((row) => row.id));
    if (ids.length >= take) break;
    skip = rows.length || !skip ? 0 : Math.max(0, skip - (await db.device.count({ where: whereSegment })));
  }
  return ids;
}

/** The list rows of the ids, in the ids' order; a device deleted between the two reads is left out. */
async function listedRows(db: Reader, ids: number[]): Promise<ListedDevice[]> {
  const rows = ids.length ? await db.device.findMany({ where: { id: { in: ids } }, select: DEVICE_LIST_SELECT }) : [];
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [{ ...row, tags: row.tags.map((link) => link.tag) }] : [];
  });
}

export async function listDevices(db: Reader, actor: Actor, query: DeviceListQuery): Promise<DeviceListPage> {
  const where = await deviceWhere(db, actor, query);
  const { sort, dir, pageSize, cursor } = query;
  // The old `?page=N` still works (an offset: page N reads N × pageSize rows); its answer carries
  // cursors like every other, so the next step is a seek again.
  const offset = cursor ? cursor.offset : (query.page - 1) * pageSize;
  const before = cursor?.before ?? false;
  // The page's ids first, then its rows: PostgreSQL computes every selected column of each row it
  // sorts, so sorting the whole fleet by battery with the 20 list columns took 50 ms at 100,000
  // devices, and with the id alone 25 ms (scripts/bench-registry.ts). The second query reads 50 rows by key.
  const [total, read] = await Promise.all([
    countMatching(db, actor, query, where, async () => (typeof query.group === "number" ? groupSubtree(db, query.group) : null)),
    // one row more than the page says whether there is a page beyond it
    readSegments(db, where, seekSegments(sort, dir, cursor ?? null, before), cursor ? 0 : offset, pageSize + 1),
  ]);
  let ids = read.slice(0, pageSize);
  const more = read.length > pageSize;
  if (before) ids = ids.reverse();
  // Previous from a page whose earlier rows were since deleted: fewer rows than a page are left
  // before it, so show the first page instead of a short one.
  if (before && !more && ids.length < pageSize) return listDevices(db, actor, { ...query, cursor: undefined, page: 1 });
  const items = await listedRows(db, ids);
  const start = before && !more ? 0 : offset;
  const hasNext = before ? true : more;
  const hasPrev = before ? more : start > 0;
  const first = items[0];
  const last = items.at(-1);
  const pagesTotal = total.kind === "exact" ? total.value : Math.max(total.value, start + items.length);
  return {
    items,
    total: total.value,
    totalKind: total.kind,
    page: Math.floor(start / pageSize) + 1,
    pageSize,
    pages: Math.max(1, Math.ceil(pagesTotal / pageSize)),
    offset: start,
    nextCursor: hasNext && last ? cursorAt(last, sort, dir, false, start + items.length) : null,
    prevCursor: hasPrev && first ? cursorAt(first, sort, dir, true, start - pageSize) : null,
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
