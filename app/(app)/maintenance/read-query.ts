import "server-only";
/**
 * The maintenance screens' filters from the URL, read with the one schema of lib/maintenance. A
 * URL written by hand or kept from an older version may hold a filter we do not understand: those
 * parameters are dropped and named, and the rest is shown rather than failing.
 */
import type { Actor } from "@/lib/auth/permissions";
import { searchParamsToObject } from "@/lib/devices/device-schemas";
import { selectedFarmId, visibleFarms } from "@/lib/farms/farm-scope";
import { maintenanceListQuerySchema, type MaintenanceListQuery } from "@/lib/maintenance/maintenance-schemas";

export type RawSearchParams = Record<string, string | string[] | undefined>;

export const FILTER_KEYS = ["farm", "type", "status", "assignee", "due", "device", "plan"] as const;

export function readListQuery(raw: Record<string, unknown>): { query: MaintenanceListQuery; ignored: string[] } {
  const known = Object.fromEntries(Object.entries(raw).filter(([key]) => ([...FILTER_KEYS, "page", "pageSize", "dir", "from", "to"] as string[]).includes(key)));
  const first = maintenanceListQuerySchema.safeParse(known);
  if (first.success) return { query: first.data, ignored: [] };
  const ignored = [...new Set(first.error.issues.map((issue) => String(issue.path[0] ?? "")))].filter(Boolean);
  const cleaned = Object.fromEntries(Object.entries(known).filter(([key]) => !ignored.includes(key)));
  const second = maintenanceListQuerySchema.safeParse(cleaned);
  return { query: second.success ? second.data : maintenanceListQuerySchema.parse({}), ignored };
}

/**
 * The farm the screen shows and its clock: the farm in the URL, else the shell's farm switcher,
 * else (every farm) the first farm's time zone — "today" has to be read on some farm's clock.
 */
export async function screenFarm(actor: Actor, asked: number | undefined) {
  const [farms, selected] = await Promise.all([visibleFarms(actor), selectedFarmId(actor)]);
  const farmId = asked ?? selected ?? undefined;
  const farm = farms.find((row) => row.id === farmId) ?? null;
  return { farms, farmId: farm ? farm.id : undefined, timeZone: (farm ?? farms[0])?.timezone ?? "UTC" };
}

export function rawParams(params: RawSearchParams) {
  return searchParamsToObject(params);
}
