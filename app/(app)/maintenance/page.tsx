import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { selectedFarmId } from "@/lib/farms/farm-scope";

export const metadata: Metadata = { title: "Maintenance" };
export const dynamic = "force-dynamic";

export default async function MaintenancePage() {
  const actor = await requirePageActor("devices.read");
  const farmId = await selectedFarmId(actor);
  const inMaintenance = await getDb().device.count({ where: { maintenanceMode: true, ...(farmId ? { farmId } : {}) } });
  return (
    <>
      <PageHeader title="Maintenance" description="Scheduled and recorded maintenance, calibration and retirement." />
      <EmptyState title={`${inMaintenance} devices in maintenance mode`} notBuilt>
        Maintenance schedules and records, calibration tracking and the retirement workflow arrive with the lifecycle work.
      </EmptyState>
    </>
  );
}
