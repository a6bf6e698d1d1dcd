/**
 * "How many devices match" without counting a million rows on every page view. Up to
 * EXACT_COUNT_LIMIT the count is exact (counting stops at the limit, so it costs at most that
 * many index entries); beyond it the list says "about N", N being PostgreSQL's own row estimate
 * for the filter (EXPLAIN, from the table statistics autovacuum keeps), or "more than 10,000" for
 * a filter the estimate cannot be written for.
 */
import { Prisma } from "@prisma/client";
import { farmScope, type Actor } from "../auth/permissions";
import type { Db } from "../db";
import { containsPattern } from "../search/like-pattern";
import { DEVICE_STATES } from "./device-fields";
import type { DeviceFilter } from "./device-schemas";

/** Counted exactly up to here (10,000 index entries: a few milliseconds). */
export const EXACT_COUNT_LIMIT = 10_000;

/** exact: the count; estimate: the planner's "about"; atLeast: more than `value`, no estimate. */
export type DeviceCount = { value: number; kind: "exact" | "estimate" | "atLeast" };

type Counter = Pick<Db, "device" | "$queryRaw">;

/**
 * Above this many estimated rows the capped count is not even tried: Prisma counts `SELECT id`,
 * which visits a table row for each index entry, so counting to 10,001 cost 85 ms at a million
 * devices (bench:registry). Column filters only: PostgreSQL guesses a text search (`q`) poorly.
 */
const SURELY_MORE = 3 * EXACT_COUNT_LIMIT;

export async function countMatching(db: Counter, actor: Actor, filter: DeviceFilter, where: Prisma.DeviceWhereInput, groupIds: () => Promise<number[] | null>): Promise<DeviceCount> {
  const condition = estimateCondition(actor, filter, await groupIds());
  if (condition && !filter.q) {
    const estimate = await plannerEstimate(db, condition);
    if (estimate > SURELY_MORE) return { value: estimate, kind: "estimate" };
  }
  const counted = await db.device.count({ where, take: EXACT_COUNT_LIMIT + 1 });
  if (counted <= EXACT_COUNT_LIMIT) return { value: counted, kind: "exact" };
  if (!condition) return { value: EXACT_COUNT_LIMIT, kind: "atLeast" };
  const estimate = await plannerEstimate(db, condition);
  // the estimate may undershoot what was just counted: never say "about 9,000" after counting 10,001
  return { value: Math.max(estimate, EXACT_COUNT_LIMIT + 1), kind: "estimate" };
}

/**
 * The filter as SQL for EXPLAIN, or null when a filter has no simple column form (tags, the
 * configuration, calibration, warranty and stock statuses): those read other tables, and an
 * estimate that left them out would be wrong by as much as they narrow.
 */
export function estimateCondition(actor: Actor, filter: DeviceFilter, groupIds: number[] | null): Prisma.Sql | null {
  if (filter.tag || filter.config?.length || filter.calibration?.length || filter.warranty?.length || filter.stock !== undefined || filter.drift !== undefined) return null;
  const and: Prisma.Sql[] = [];
  const scope = farmScope(actor);
  if (scope !== null) and.push(Prisma.sql`farm_id = ${scope}`);
  if (filter.farm) and.push(Prisma.sql`farm_id = ${filter.farm}`);
  const enumIn = (column: string, type: string, values: readonly string[]) => Prisma.sql`${Prisma.raw(column)} IN (${Prisma.join(values.map((value) => Prisma.sql`${value}::${Prisma.raw(`"${type}"`)}`))})`;
  if (!filter.retired && !filter.state?.includes("decommissioned")) and.push(enumIn("state", "DeviceState", DEVICE_STATES.filter((state) => state !== "decommissioned")));
  if (filter.state?.length) and.push(enumIn("state", "DeviceState", filter.state));
  if (filter.type?.length) and.push(enumIn("device_type", "DeviceType", filter.type));
  if (filter.health?.length) and.push(enumIn("health_status", "HealthStatus", filter.health));
  if (filter.connection?.length) and.push(enumIn("connection_status", "ConnectionStatus", filter.connection));
  if (filter.group === "none") and.push(Prisma.sql`group_id IS NULL`);
  else if (filter.group) and.push(groupIds?.length ? Prisma.sql`group_id IN (${Prisma.join(groupIds)})` : Prisma.sql`false`);
  if (filter.firmware) and.push(filter.firmware === "none" ? Prisma.sql`firmware_version IS NULL` : Prisma.sql`firmware_version = ${filter.firmware}`);
  if (filter.attention !== undefined) and.push(Prisma.sql`needs_attention = ${filter.attention}`);
  if (filter.maintenance !== undefined) and.push(Prisma.sql`maintenance_mode = ${filter.maintenance}`);
  if (filter.q) {
    const pattern = containsPattern(filter.q);
    and.push(Prisma.sql`(device_id ILIKE ${pattern} OR name ILIKE ${pattern} OR serial_number ILIKE ${pattern} OR mac_address ILIKE ${pattern})`);
  }
  return and.length ? Prisma.join(and, " AND ") : Prisma.sql`true`;
}

/** PostgreSQL's row estimate for the devices matching `condition` (planned, not run). */
export async function plannerEstimate(db: Pick<Db, "$queryRaw">, condition: Prisma.Sql): Promise<number> {
  const rows = await db.$queryRaw<{ "QUERY PLAN": [{ Plan: { "Plan Rows": number } }] }[]>`EXPLAIN (FORMAT JSON) SELECT 1 FROM devices WHERE ${condition}`;
  return Math.round(rows[0]?.["QUERY PLAN"][0]?.Plan["Plan Rows"] ?? 0);
}
