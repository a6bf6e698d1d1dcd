import type { Metadata } from "next";
import Link from "next/link";
import { todayIn } from "@/components/maintenance/calendar-dates";
import { PlanForm, type PlanFormValues } from "@/components/maintenance/plan-form";
import { PageHeader } from "@/components/ui/page-header";
import { farmScope } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { DEVICE_TYPES, type DeviceTypeName } from "@/lib/devices/device-id";
import { MAINTENANCE_TYPES, type MaintenanceTypeName } from "@/lib/maintenance/maintenance-fields";
import { planFormOptions } from "../../maintenance-options";
import { screenFarm, type RawSearchParams } from "../../read-query";

export const metadata: Metadata = { title: "Plan maintenance" };
export const dynamic = "force-dynamic";

const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? "";

/**
 * A new plan. "Plan work" on a device or group page opens it with `?device=MM001` or `?group=12`
 * (and `type=calibration`): the form starts from there.
 */
export default async function NewPlanPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const actor = await requirePageActor("maintenance.plan");
  const raw = await searchParams;
  const options = await planFormOptions(getDb(), actor);
  const askedDevice = one(raw.device).trim().toUpperCase();
  const device = options.devices.find((row) => row.deviceId === askedDevice);
  const group = options.groups.find((row) => String(row.id) === one(raw.group));
  const { farmId, timeZone } = await screenFarm(actor, undefined);
  const farm = device?.farmId ?? group?.farmId ?? farmScope(actor) ?? farmId ?? (options.farms.length === 1 ? options.farms[0]!.id : null);
  const type = one(raw.type);
  const deviceType = one(raw.deviceType);
  const today = todayIn(options.farms.length && farm ? timeZone : "UTC");

  const values: PlanFormValues = {
    name: "",
    maintenanceType: (MAINTENANCE_TYPES as readonly string[]).includes(type) ? (type as MaintenanceTypeName) : "calibration",
    scope: device ? "device" : group ? "group" : (DEVICE_TYPES as readonly string[]).includes(deviceType) ? "device_type" : "group",
    farmId: farm,
    device: device?.deviceId ?? "",
    groupId: group?.id ?? null,
    deviceType: (DEVICE_TYPES as readonly string[]).includes(deviceType) ? (deviceType as DeviceTypeName) : "",
    everyCount: null,
    everyUnit: null,
    startsOn: today,
    endsOn: "",
    assigneeId: null,
    description: "",
    durationMinutes: null,
    useMaintenanceMode: true,
  };

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-stone-600">
        <Link href="/maintenance/plans" className="text-brand-700 hover:underline">
          Maintenance plans
        </Link>
        {" / new"}
      </nav>
      <PageHeader title="Plan maintenance" description="What to do, on which devices, how often and by whom. The work appears in the calendar and in the technician's day." />
      <div className="max-w-4xl rounded-xl border border-stone-200 bg-white p-4 shadow-sm sm:p-5">
        <PlanForm values={values} options={options} today={today} farmLocked={farmScope(actor) !== null} />
      </div>
    </>
  );
}
