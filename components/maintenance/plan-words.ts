import { DEVICE_TYPE_LABEL } from "@/lib/devices/device-id";
import type { PlanRow } from "@/lib/maintenance/maintenance-types";
import { firstOnOrAfter } from "@/lib/maintenance/recurrence";

/** "MM001", "Group Milking parlour", "Every milk meter". */
export function planDevices(plan: Pick<PlanRow, "scope" | "deviceId" | "groupName" | "deviceType">): string {
  if (plan.scope === "device") return plan.deviceId ?? "a device";
  if (plan.scope === "group") return `Group ${plan.groupName ?? ""}`.trim();
  return plan.deviceType ? `Every ${DEVICE_TYPE_LABEL[plan.deviceType].toLowerCase()}` : "Every device of a type";
}

/** The plan's next date from today on (YYYY-MM-DD), or null when it has none left or is stopped. */
export function planNextDate(plan: Pick<PlanRow, "startsOn" | "endsOn" | "everyCount" | "everyUnit" | "active">, today: string): string | null {
  if (!plan.active) return null;
  const next = firstOnOrAfter(
    { startsOn: new Date(`${plan.startsOn}T00:00:00Z`), endsOn: plan.endsOn ? new Date(`${plan.endsOn}T00:00:00Z`) : null, everyCount: plan.everyCount, everyUnit: plan.everyUnit },
    new Date(`${today}T00:00:00Z`),
  );
  return next ? next.toISOString().slice(0, 10) : null;
}
