import type { Metadata } from "next";
import { Kpi } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { InventoryReportTable } from "@/components/inventory/inventory-report-table";
import { formatMoney } from "@/components/inventory/money";
import { formatDate } from "@/components/devices/device-values";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { selectedFarmId } from "@/lib/farms/farm-scope";
import { inventoryReport } from "@/lib/inventory/inventory-report";

export const metadata: Metadata = { title: "Inventory" };
export const dynamic = "force-dynamic";
// A main area: going back to it within 30 s reuses what the browser has (no new request); an action
// that revalidates, or router.refresh() (after saving, the auto-refresh), drops that copy (README "Navigation cache").
export const unstable_dynamicStaleTime = 30;

/** The inventory report per farm and device type (I-013 generate_inventory_report), with its CSV. */
export default async function InventoryOverviewPage() {
  const actor = await requirePageActor("devices.read");
  const farmId = await selectedFarmId(actor);
  const report = await inventoryReport(getDb(), actor, { farmId });
  const { totals } = report;
  const csv = `/api/v1/inventory/report?${new URLSearchParams({ format: "csv", ...(farmId ? { farm: String(farmId) } : {}) })}`;
  const held = totals.total - totals.retired;
  const farmQuery = farmId ? `&farm=${farmId}` : "";

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="min-w-0">
          <h1 className="text-2xl font-semibold tracking-tight text-stone-900">Inventory</h1>
          <p className="mt-1 text-sm text-stone-600">
            {report.farms.length === 1 ? report.farms[0]!.farmName : `${report.farms.length} farms`} · {held.toLocaleString("en")} devices held · warranty and book value on {formatDate(report.today)}
          </p>
        </div>
        <a href={csv} download className="rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium text-stone-800 hover:bg-stone-50">
          Download CSV
        </a>
      </div>

      <div className="grid grid-cols-2 gap-3 lg:grid-cols-5">
        <Kpi label="In stock" value={totals.inStock.toLocaleString("en")} hint="Spares, never connected" href="/inventory/stock" />
        <Kpi label="In use" value={totals.inUse.toLocaleString("en")} hint={`${totals.inMaintenance.toLocaleString("en")} in maintenance`} href={`/devices?state=active,provisioned,registered,manufactured&stock=false${farmQuery}`} />
        <Kpi label="Under warranty" value={totals.inWarranty.toLocaleString("en")} hint={`${totals.expired.toLocaleString("en")} expired · ${totals.warrantyVoid.toLocaleString("en")} void`} tone="good" href={`/devices?warranty=active,expiring${farmQuery}`} />
        <Kpi label="Expiring ≤ 30 days" value={totals.expiring.toLocaleString("en")} hint="Warranty ends within 30 days" tone={totals.expiring > 0 ? "warn" : "neutral"} href={`/devices?warranty=expiring${farmQuery}`} />
        <Kpi label="Book value" value={<span className="text-2xl [overflow-wrap:anywhere]">{formatMoney(totals.bookValue, totals.currency)}</span>} hint={`Bought for ${formatMoney(totals.purchaseValue, totals.currency)}`} />
      </div>

      {report.farms.length === 0 ? (
        <EmptyState title="No devices yet">Register devices or import them; the report counts them by farm and type.</EmptyState>
      ) : (
        report.farms.map((farm) => <InventoryReportTable key={farm.farmId} farm={farm} rows={report.rows.filter((row) => row.farmId === farm.farmId)} />)
      )}
      <p className="text-xs text-stone-500">
        In stock: manufactured, provisioned or registered and never connected (a spare). In use: active, or registered and already reporting. Under warranty: active or expiring, of the devices held (retired devices are written off). Book value: unit cost less straight-line depreciation over the device&apos;s
        depreciation period (its type&apos;s default when its asset record names none).
      </p>
    </div>
  );
}
