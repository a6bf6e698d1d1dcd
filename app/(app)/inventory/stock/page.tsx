import type { Metadata } from "next";
import Link from "next/link";
import { formatDate } from "@/components/devices/device-values";
import { StockFilters } from "@/components/inventory/stock-filters";
import { WarrantyBadge } from "@/components/inventory/warranty-badge";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { allows } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { DEVICE_STATE_LABEL, type DeviceStateName } from "@/lib/devices/device-fields";
import { DEVICE_TYPE_LABEL, DEVICE_TYPES, type DeviceTypeName } from "@/lib/devices/device-id";
import { searchParamsToObject } from "@/lib/devices/device-schemas";
import { selectedFarmId } from "@/lib/farms/farm-scope";
import { listInventory } from "@/lib/inventory/inventory-list";
import { inventoryListQuerySchema } from "@/lib/inventory/inventory-schemas";

export const metadata: Metadata = { title: "Stock" };
export const dynamic = "force-dynamic";

/** Spares in stock by farm with their storage location; an admin ticks some and transfers them. */
export default async function StockPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePageActor("devices.read");
  const raw = searchParamsToObject(await searchParams);
  const parsed = inventoryListQuerySchema.safeParse({ ...raw, stock: "true", pageSize: "200" });
  const query = parsed.success ? parsed.data : inventoryListQuerySchema.parse({ stock: "true", pageSize: "200" });
  query.farm ??= (await selectedFarmId(actor)) ?? undefined;
  const page = await listInventory(getDb(), actor, query);
  const mayTransfer = allows(actor, "inventory.transfer");
  const byFarm = new Map<number, typeof page.data>();
  for (const item of page.data) byFarm.set(item.farm.id, [...(byFarm.get(item.farm.id) ?? []), item]);
  const filtered = Boolean(query.type?.length || query.location || query.q);
  const pageLink = (n: number) => `/inventory/stock?${new URLSearchParams({ ...(Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, String(v)]))), page: String(n) })}`;

  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-stone-900">Stock</h1>
        <p className="mt-1 text-sm text-stone-600">
          {page.total.toLocaleString("en")} {page.total === 1 ? "spare" : "spares"} in stock: manufactured, provisioned or registered, never connected.
        </p>
      </div>
      <StockFilters types={DEVICE_TYPES.map((type) => ({ value: type, label: DEVICE_TYPE_LABEL[type] }))} />
      {page.total === 0 ? (
        <EmptyState title={filtered ? "No spare matches these filters" : "No spares in stock"}>
          A device registered (or imported) that has never connected is a spare; give it a storage location in its asset record.
        </EmptyState>
      ) : (
        <form action="/inventory/transfers" method="get" className="space-y-4">
          {mayTransfer ? (
            <div className="sticky top-0 z-10 flex flex-wrap items-center justify-between gap-2 rounded-xl border border-stone-200 bg-white/95 p-3 shadow-sm backdrop-blur">
              <p className="text-sm text-stone-600">Tick the spares to move, then transfer them to another farm.</p>
              <button type="submit" className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700">
                Transfer selected…
              </button>
            </div>
          ) : null}
          {[...byFarm.entries()].map(([farmId, items]) => (
            <section key={farmId} aria-labelledby={`stock-farm-${farmId}`} className="space-y-2">
              <h2 id={`stock-farm-${farmId}`} className="text-base font-semibold text-stone-900">
                {items[0]!.farm.name} <span className="font-normal text-stone-500">· {items.length.toLocaleString("en")}</span>
              </h2>
              <DataTable columns={[...(mayTransfer ? [{ label: "Select" }] : []), { label: "Device" }, { label: "Type" }, { label: "Status" }, { label: "Storage location" }, { label: "Purchased" }, { label: "Warranty" }]} minWidth={760}>
                {items.map((item) => (
                  <tr key={item.id} className="hover:bg-stone-50">
                    {mayTransfer ? (
                      <td className="px-3 py-2">
                        <input type="checkbox" name="devices" value={item.deviceId} aria-label={`Select ${item.deviceId}`} className="h-4 w-4" />
                      </td>
                    ) : null}
                    <td className="px-3 py-2">
                      <Link href={`/devices/${item.deviceId}`} className="font-medium text-brand-700 hover:underline">
                        {item.deviceId}
                      </Link>
                      <div className="text-xs text-stone-500">{item.name}</div>
                    </td>
                    <td className="px-3 py-2">{DEVICE_TYPE_LABEL[item.deviceType as DeviceTypeName]}</td>
                    <td className="px-3 py-2">{DEVICE_STATE_LABEL[item.state as DeviceStateName]}</td>
                    <td className="px-3 py-2">{item.storageLocation ?? <span className="text-stone-500">Not recorded</span>}</td>
                    <td className="px-3 py-2 whitespace-nowrap">{formatDate(item.purchaseDate)}</td>
                    <td className="px-3 py-2">
                      <WarrantyBadge status={item.warrantyStatus} end={item.warrantyEnd} />
                    </td>
                  </tr>
                ))}
              </DataTable>
            </section>
          ))}
        </form>
      )}
      {page.pages > 1 ? (
        <nav aria-label="Pages" className="flex items-center justify-between text-sm">
          {page.page > 1 ? <Link href={pageLink(page.page - 1)} className="text-brand-700 hover:underline">← Previous</Link> : <span />}
          <span className="text-stone-600">
            Page {page.page} of {page.pages}
          </span>
          {page.page < page.pages ? <Link href={pageLink(page.page + 1)} className="text-brand-700 hover:underline">Next →</Link> : <span />}
        </nav>
      ) : null}
    </div>
  );
}
