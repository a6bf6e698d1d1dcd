import type { Metadata } from "next";
import Link from "next/link";
import { TransferForm, type TransferCandidate } from "@/components/inventory/transfer-form";
import { TransferHistory } from "@/components/inventory/transfer-history";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { allows, type Actor } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { DEVICE_ID_PATTERN, DEVICE_TYPE_LABEL, type DeviceTypeName } from "@/lib/devices/device-id";
import { selectedFarmId } from "@/lib/farms/farm-scope";
import { listInventory } from "@/lib/inventory/inventory-list";
import { inventoryListQuerySchema } from "@/lib/inventory/inventory-schemas";
import { isInStock } from "@/lib/inventory/stock";
import { listTransfers } from "@/lib/inventory/transfers";

export const metadata: Metadata = { title: "Transfers" };
export const dynamic = "force-dynamic";

/** `?devices=MM001&devices=MM002` (from the Stock tab or a device page) or "MM001,MM002". */
function selectedDevices(raw: string | string[] | undefined): string[] {
  const values = (Array.isArray(raw) ? raw : raw ? [raw] : []).flatMap((value) => value.split(",")).map((value) => value.trim());
  return [...new Set(values.filter((value) => DEVICE_ID_PATTERN.test(value)))].slice(0, 500);
}

export default async function TransfersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePageActor("devices.read");
  const params = await searchParams;
  const db = getDb();
  const page = Math.min(100_000, Math.max(1, Math.trunc(Number(params.page)) || 1));
  const farm = await selectedFarmId(actor);
  const mayTransfer = allows(actor, "inventory.transfer");
  const selected = selectedDevices(params.devices);

  const [history, form] = await Promise.all([
    listTransfers(db, actor, { farm, page, pageSize: 50 }),
    mayTransfer ? transferFormData(actor, selected) : null,
  ]);

  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-stone-900">Transfers</h1>
        <p className="mt-1 text-sm text-stone-600">
          {history.total.toLocaleString("en")} {history.total === 1 ? "device" : "devices"} moved between farms{farm ? " to or from this farm" : ""}.
        </p>
      </div>
      <div className="grid gap-6 xl:grid-cols-[minmax(0,1fr)_minmax(0,26rem)]">
      <div className="order-2 min-w-0 space-y-3 xl:order-1">
        {history.total === 0 ? (
          <EmptyState title="No transfers yet">When devices move to another farm, each move is listed here with where it came from and where it went.</EmptyState>
        ) : (
          <TransferHistory transfers={history.data} />
        )}
        {history.pages > 1 ? (
          <nav aria-label="Pages" className="flex items-center justify-between text-sm">
            {history.page > 1 ? <Link href={`/inventory/transfers?page=${history.page - 1}`} className="text-brand-700 hover:underline">← Newer</Link> : <span />}
            <span className="text-stone-600">
              Page {history.page} of {history.pages}
            </span>
            {history.page < history.pages ? <Link href={`/inventory/transfers?page=${history.page + 1}`} className="text-brand-700 hover:underline">Older →</Link> : <span />}
          </nav>
        ) : null}
      </div>
      <div className="order-1 min-w-0 xl:order-2">
        {form ? (
          <Card title="Transfer devices">
            <TransferForm candidates={form.candidates} selected={selected} farms={form.farms} groups={form.groups} />
          </Card>
        ) : (
          <Card title="Transfer devices">
            <p className="text-sm text-stone-600">Moving devices between farms takes an admin account of every farm.</p>
          </Card>
        )}
      </div>
      </div>
    </div>
  );
}

/** The form's choices: spares in stock and the devices asked for, every farm, every active group. */
async function transferFormData(actor: Actor, selected: string[]) {
  const db = getDb();
  const [stock, asked, farms, groups] = await Promise.all([
    listInventory(db, actor, inventoryListQuerySchema.parse({ stock: "true", pageSize: "200" })),
    selected.length
      ? db.device.findMany({
          where: { deviceId: { in: selected }, state: { not: "decommissioned" } },
          select: { deviceId: true, name: true, deviceType: true, state: true, lastSeen: true, storageLocation: true, farm: { select: { id: true, name: true } } },
        })
      : [],
    db.farm.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true } }),
    db.deviceGroup.findMany({ where: { active: true }, orderBy: [{ sequence: "asc" }, { name: "asc" }], select: { id: true, name: true, farmId: true, farm: { select: { name: true } } } }),
  ]);
  const candidates: TransferCandidate[] = asked.map((device) => ({
    deviceId: device.deviceId,
    name: device.name,
    typeLabel: DEVICE_TYPE_LABEL[device.deviceType as DeviceTypeName],
    farmId: device.farm.id,
    farmName: device.farm.name,
    storageLocation: device.storageLocation,
    inStock: isInStock(device),
  }));
  const seen = new Set(candidates.map((device) => device.deviceId));
  for (const item of stock.data) {
    if (seen.has(item.deviceId)) continue;
    candidates.push({ deviceId: item.deviceId, name: item.name, typeLabel: DEVICE_TYPE_LABEL[item.deviceType as DeviceTypeName], farmId: item.farm.id, farmName: item.farm.name, storageLocation: item.storageLocation, inStock: true });
  }
  return { candidates, farms, groups: groups.map((group) => ({ id: group.id, name: group.name, farmId: group.farmId, farmName: group.farm?.name ?? null })) };
}
