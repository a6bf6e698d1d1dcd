import "server-only";
import type { MaintenanceCounts } from "@/components/maintenance/maintenance-summary";
import type { Actor } from "@/lib/auth/permissions";
import type { Db } from "@/lib/db";
import { listMaintenance } from "@/lib/maintenance/maintenance-queries";
import { maintenanceQueryToSearchParams, type MaintenanceFilter, type MaintenanceListQuery } from "@/lib/maintenance/maintenance-schemas";

/** The chips count what the list would show behind them: the same filters, the list's own totals. */
export async function maintenanceCounts(db: Db, actor: Actor, filter: Partial<MaintenanceFilter>): Promise<MaintenanceCounts> {
  const base: MaintenanceListQuery = { farm: filter.farm, type: filter.type, assignee: filter.assignee, device: filter.device, plan: filter.plan, page: 1, pageSize: 25, dir: "asc" };
  const count = async (changes: Partial<MaintenanceListQuery>) => (await listMaintenance(db, actor, { ...base, ...changes })).total;
  const [overdue, today, week, inProgress] = await Promise.all([count({ due: "overdue" }), count({ due: "today", status: ["scheduled", "in_progress", "overdue"] }), count({ due: "week", status: ["scheduled", "in_progress", "overdue"] }), count({ status: ["in_progress"] })]);
  return { overdue, today, week, inProgress };
}

/** The list behind a chip, with the screen's other filters kept. */
export function summaryHref(filter: Partial<MaintenanceFilter>, chip: keyof MaintenanceCounts): string {
  const keep: Partial<MaintenanceListQuery> = { farm: filter.farm, type: filter.type, assignee: filter.assignee, device: filter.device, plan: filter.plan };
  const params = maintenanceQueryToSearchParams({
    ...keep,
    ...(chip === "overdue" ? { due: "overdue" } : chip === "today" ? { due: "today", status: ["scheduled", "in_progress", "overdue"] } : chip === "week" ? { due: "week", status: ["scheduled", "in_progress", "overdue"] } : { status: ["in_progress"] }),
  });
  return `/maintenance/list?${params}`;
}
