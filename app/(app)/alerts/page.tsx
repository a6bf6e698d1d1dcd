import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";

export const metadata: Metadata = { title: "Alerts" };
export const dynamic = "force-dynamic";

export default async function AlertsPage() {
  await requirePageActor("alerts.read");
  const active = await getDb().alert.count({ where: { state: { not: "resolved" } } });
  return (
    <>
      <PageHeader title="Alerts" description="Raised by health checks, counted on repeat, resolved by people or by themselves." />
      <EmptyState title={active === 0 ? "No open alerts" : `${active} open alerts`} notBuilt>
        Alerts are raised by the health monitor (offline, low battery, poor signal, errors, calibration), which arrives with the health and alerts work, together with this list, its filters and acknowledge/resolve.
      </EmptyState>
    </>
  );
}
