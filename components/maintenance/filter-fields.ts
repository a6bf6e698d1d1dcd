import { MAINTENANCE_STATUS_LABEL, MAINTENANCE_STATUSES, MAINTENANCE_TYPE_LABEL, MAINTENANCE_TYPES, type MaintenanceDueFilter } from "@/lib/maintenance/maintenance-fields";
import type { FilterField } from "./maintenance-filters";

export const DUE_LABEL: Record<MaintenanceDueFilter, string> = { overdue: "Overdue", today: "Due today", week: "This week", upcoming: "Upcoming (today on)" };

/** The filter bar's choices, the same on the calendar and the list (the calendar has no "due"). */
export function maintenanceFilterFields({ farms, people, withDue }: { farms: { id: number; name: string }[]; people: { id: number; name: string }[]; withDue: boolean }): FilterField[] {
  return [
    ...(farms.length > 1 ? [{ name: "farm", label: "Farm", allLabel: "All farms", options: farms.map((farm) => ({ value: String(farm.id), label: farm.name })) }] : []),
    { name: "type", label: "Type", allLabel: "Any type", options: MAINTENANCE_TYPES.map((type) => ({ value: type, label: MAINTENANCE_TYPE_LABEL[type] })) },
    {
      name: "status",
      label: "Status",
      allLabel: "Any status",
      options: [{ value: "scheduled,in_progress,overdue", label: "Open (not done)" }, ...MAINTENANCE_STATUSES.map((status) => ({ value: status, label: MAINTENANCE_STATUS_LABEL[status] }))],
    },
    {
      name: "assignee",
      label: "Assigned to",
      allLabel: "Anyone",
      options: [{ value: "me", label: "Mine" }, { value: "none", label: "Nobody yet" }, ...people.map((person) => ({ value: String(person.id), label: person.name }))],
    },
    ...(withDue ? [{ name: "due", label: "Due", allLabel: "Any date", options: (Object.keys(DUE_LABEL) as MaintenanceDueFilter[]).map((due) => ({ value: due, label: DUE_LABEL[due] })) }] : []),
  ];
}
