import Link from "next/link";
import { dateInputValue, formatDate } from "@/components/devices/device-values";
import { allows, type Actor } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";
import { DEFAULT_DEPRECIATION_MONTHS } from "@/lib/inventory/asset-defaults";
import { getAssetRecord } from "@/lib/inventory/asset-record";
import { bookValueCents } from "@/lib/inventory/book-value";
import { DEFAULT_CURRENCY } from "@/lib/inventory/inventory-report";
import { deviceTransfers } from "@/lib/inventory/transfers";
import { warrantyStatus } from "@/lib/warranty/warranty-status";
import type { DeviceTypeName } from "@/lib/devices/device-id";
import { AssetRecordForm } from "./asset-record-form";
import { formatMoney } from "./money";
import { TransferHistory } from "./transfer-history";
import { WarrantyBadge } from "./warranty-badge";

function warrantyPeriod(start: Date | null, end: Date | null): string | null {
  if (start && end) return `${formatDate(start)} – ${formatDate(end)}`;
  if (end) return `until ${formatDate(end)}`;
  return start ? `from ${formatDate(start)}` : null;
}

type Props = {
  actor: Actor;
  device: { id: number; deviceId: string; deviceType: string; state: string; farmId: number; createdAt: Date; warrantyVoidedAt: Date | null };
};

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="flex flex-wrap justify-between gap-x-3 gap-y-0.5 py-1.5">
      <dt className="text-stone-500">{label}</dt>
      <dd className="min-w-0 text-right font-medium break-words text-stone-900">{children ?? <span className="font-normal text-stone-500">—</span>}</dd>
    </div>
  );
}

/**
 * The device page's "Asset record" card: supplier, purchase, cost and book value, warranty,
 * storage; an edit form for assets.manage; "Transfer to another farm" for an admin of every farm;
 * and the farms the device moved between.
 */
export async function DeviceAssetSection({ actor, device }: Props) {
  const db = getDb();
  const [record, transfers, rates] = await Promise.all([
    getAssetRecord(db, actor, device.id),
    deviceTransfers(db, actor, device.id),
    db.farmCostRates.findUnique({ where: { farmId: device.farmId }, select: { currency: true } }),
  ]);
  const currency = rates?.currency ?? DEFAULT_CURRENCY;
  const retired = device.state === "decommissioned";
  const mayEdit = !retired && allows(actor, "assets.manage");
  const mayTransfer = !retired && allows(actor, "inventory.transfer");
  const today = new Date();
  const book = record.unitCost === null ? null : bookValueCents(Math.round(record.unitCost * 100), record.effectiveDepreciationMonths, record.purchaseDate ?? device.createdAt, today) / 100;
  const status = warrantyStatus({ warrantyEnd: record.warrantyEnd, warrantyVoidedAt: device.warrantyVoidedAt }, today);
  const typeMonths = (DEFAULT_DEPRECIATION_MONTHS as Record<string, number>)[device.deviceType as DeviceTypeName] ?? 60;

  return (
    <section id="asset-record" aria-labelledby="asset-record-title" className="rounded-xl border border-stone-200 bg-white p-4 shadow-sm">
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <h2 id="asset-record-title" className="text-sm font-semibold text-stone-700">
          Asset record
        </h2>
        {mayTransfer ? (
          <Link href={`/inventory/transfers?devices=${device.deviceId}`} className="rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium text-stone-800 hover:bg-stone-50">
            Transfer to another farm
          </Link>
        ) : null}
      </div>
      <div className="grid gap-x-8 text-sm md:grid-cols-2">
        <dl className="divide-y divide-stone-100">
          <Row label="Supplier">{record.supplier}</Row>
          <Row label="Purchase order">{record.purchaseOrder}</Row>
          <Row label="Purchase date">{record.purchaseDate ? formatDate(record.purchaseDate) : null}</Row>
          <Row label="Unit cost">{record.unitCost === null ? null : formatMoney(record.unitCost, currency)}</Row>
          <Row label="Book value">{book === null ? null : `${formatMoney(book, currency)} (${record.effectiveDepreciationMonths} months${record.depreciationMonths === null ? ", type default" : ""})`}</Row>
        </dl>
        <dl className="divide-y divide-stone-100">
          <Row label="Warranty">
            <WarrantyBadge status={status} />
          </Row>
          <Row label="Warranty period">{warrantyPeriod(record.warrantyStart, record.warrantyEnd)}</Row>
          <Row label="Warranty terms">{record.warrantyTerms}</Row>
          <Row label="Storage location">{record.storageLocation}</Row>
          <Row label="In stock">{record.inStock ? "Yes, a spare" : "No"}</Row>
        </dl>
      </div>
      {mayEdit ? (
        <details className="group mt-3 rounded-md border border-stone-200">
          <summary className="cursor-pointer px-3 py-2 text-sm font-medium text-brand-700 select-none hover:bg-stone-50">Edit asset record</summary>
          <div className="border-t border-stone-200 p-3">
            <AssetRecordForm
              deviceId={device.deviceId}
              currency={currency}
              typeMonths={typeMonths}
              values={{
                supplier: record.supplier ?? "",
                purchaseOrder: record.purchaseOrder ?? "",
                purchaseDate: dateInputValue(record.purchaseDate),
                unitCost: record.unitCost === null ? "" : record.unitCost.toFixed(2),
                depreciationMonths: record.depreciationMonths === null ? "" : String(record.depreciationMonths),
                warrantyStart: dateInputValue(record.warrantyStart),
                warrantyEnd: dateInputValue(record.warrantyEnd),
                warrantyTerms: record.warrantyTerms ?? "",
                storageLocation: record.storageLocation ?? "",
              }}
            />
          </div>
        </details>
      ) : null}
      {transfers.length ? (
        <div className="mt-4">
          <h3 className="mb-2 text-sm font-semibold text-stone-700">Transfers between farms</h3>
          <TransferHistory transfers={transfers} showDevice={false} />
        </div>
      ) : null}
    </section>
  );
}
