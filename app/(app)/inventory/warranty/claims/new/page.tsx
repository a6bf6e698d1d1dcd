import type { Metadata } from "next";
import Link from "next/link";
import { formatDate } from "@/components/devices/device-values";
import { PageHeader } from "@/components/ui/page-header";
import { FileClaimForm } from "@/components/warranty/file-claim-form";
import { daysLeftText, WarrantyStatusBadge } from "@/components/warranty/warranty-status-badge";
import { farmScope } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { NotFoundError } from "@/lib/errors";
import { selectedFarmId } from "@/lib/farms/farm-scope";
import { deviceWarranty } from "@/lib/warranty/warranty-coverage";

export const metadata: Metadata = { title: "File a warranty claim" };
export const dynamic = "force-dynamic";

/** Pick a device (or come from its page with ?device=), then the claim form with its eligibility. */
export default async function NewClaimPage({ searchParams }: { searchParams: Promise<{ device?: string }> }) {
  const actor = await requirePageActor("assets.manage");
  const asked = (await searchParams).device?.trim().toUpperCase() ?? "";
  const db = getDb();
  let view: Awaited<ReturnType<typeof deviceWarranty>> | null = null;
  let notFound = false;
  if (asked) {
    try {
      view = await deviceWarranty(db, actor, asked);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      notFound = true;
    }
  }
  const farm = farmScope(actor) ?? (await selectedFarmId(actor));
  // Devices that have a warranty on record, for the picker's suggestions.
  const suggestions = view
    ? []
    : await db.device.findMany({
        where: { ...(farm ? { farmId: farm } : {}), warrantyEnd: { not: null }, state: { not: "decommissioned" } },
        orderBy: { deviceId: "asc" },
        take: 300,
        select: { deviceId: true, name: true },
      });
  const work = view
    ? await db.maintenance.findMany({
        where: { deviceId: view.device.id },
        orderBy: [{ scheduledDate: "desc" }, { id: "desc" }],
        take: 20,
        select: { id: true, maintenanceType: true, scheduledDate: true, description: true },
      })
    : [];

  return (
    <div className="mx-auto max-w-2xl space-y-5">
      <PageHeader title="File a warranty claim" description="For a device that failed: the claim gets a WC number to quote to the supplier." />
      <p className="text-sm">
        <Link href="/inventory/warranty" className="text-brand-700 underline">
          ← All claims
        </Link>
      </p>
      {!view ? (
        <form method="get" className="space-y-3 rounded-xl border border-stone-200 bg-white p-4 shadow-sm" aria-label="Pick a device">
          <label htmlFor="claim-device" className="block text-sm font-medium text-stone-800">
            Device
          </label>
          <div className="flex flex-wrap gap-2">
            <input id="claim-device" name="device" list="claim-devices" defaultValue={asked} placeholder="e.g. CL001" className="min-w-0 flex-1 rounded-md border border-stone-300 px-3 py-2 font-mono text-sm" aria-invalid={notFound} />
            <datalist id="claim-devices">
              {suggestions.map((device) => (
                <option key={device.deviceId} value={device.deviceId}>
                  {device.name}
                </option>
              ))}
            </datalist>
            <button type="submit" className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800">
              Continue
            </button>
          </div>
          {notFound ? <p className="text-sm text-red-700">No device {asked} on your farms.</p> : <p className="text-xs text-stone-500">Or open the device’s page and choose File claim in its Warranty section.</p>}
        </form>
      ) : (
        <div className="space-y-4 rounded-xl border border-stone-200 bg-white p-4 shadow-sm">
          <div className="flex flex-wrap items-center justify-between gap-2 border-b border-stone-100 pb-3">
            <div>
              <Link href={`/devices/${view.device.deviceId}`} className="font-mono text-brand-700 underline">
                {view.device.deviceId}
              </Link>{" "}
              <span className="text-stone-700">{view.device.name}</span>
              <p className="text-xs text-stone-500">
                Warranty ends {formatDate(view.device.warrantyEnd)}
                {view.device.warrantyTerms ? ` · ${view.device.warrantyTerms}` : ""}
              </p>
            </div>
            <span className="flex items-center gap-2">
              <WarrantyStatusBadge status={view.status} />
              <span className="text-xs text-stone-600">{view.status !== "void" ? daysLeftText(view.daysLeft) : null}</span>
              <Link href="/inventory/warranty/claims/new" className="text-xs text-brand-700 underline">
                Other device
              </Link>
            </span>
          </div>
          <FileClaimForm
            device={{
              deviceId: view.device.deviceId,
              name: view.device.name,
              warrantyEnd: view.device.warrantyEnd?.toISOString() ?? null,
              warrantyVoidedAt: view.device.warrantyVoidedAt?.toISOString() ?? null,
              warrantyVoidReason: view.device.warrantyVoidReason,
              warrantyTerms: view.device.warrantyTerms,
            }}
            work={work.map((record) => ({ id: record.id, label: `${formatDate(record.scheduledDate)} · ${record.maintenanceType.replace("_", " ")}${record.description ? ` · ${record.description.slice(0, 60)}` : ""}` }))}
          />
        </div>
      )}
    </div>
  );
}
