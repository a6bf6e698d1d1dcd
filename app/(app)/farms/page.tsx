import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { allows } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import { selectedFarmId, visibleFarms } from "@/lib/farms/farm-scope";

export const metadata: Metadata = { title: "Farms" };
export const dynamic = "force-dynamic";

/** The farms a manager or admin may configure; one farm (or the one chosen in the switcher) opens directly. */
export default async function FarmsPage() {
  const actor = await requirePageActor("config.manage");
  const [farms, chosen] = await Promise.all([visibleFarms(actor), selectedFarmId(actor)]);
  const only = farms.length === 1 ? farms[0]!.id : farms.find((farm) => farm.id === chosen)?.id;
  if (only) redirect(`/farms/${only}`);
  return (
    <>
      <PageHeader
        title="Farms"
        description="Settings and health thresholds every device of a farm inherits, per device type."
        actions={
          allows(actor, "farms.manage") ? (
            <Link href="/farms/new" className="rounded-md bg-brand-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-800">
              New farm
            </Link>
          ) : null
        }
      />
      {farms.length ? (
        <ul className="divide-y divide-stone-100 rounded-xl border border-stone-200 bg-white shadow-sm">
          {farms.map((farm) => (
            <li key={farm.id}>
              <Link href={`/farms/${farm.id}`} className="flex flex-wrap items-baseline justify-between gap-2 px-4 py-3 hover:bg-stone-50">
                <span className="font-medium text-stone-900">{farm.name}</span>
                <span className="text-xs text-stone-500">
                  {farm.code} · {farm.timezone}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      ) : (
        <EmptyState title="No farms">There is no farm you may configure.</EmptyState>
      )}
    </>
  );
}
