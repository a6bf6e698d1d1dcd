import Link from "next/link";
import { DataTable } from "@/components/ui/data-table";
import { DEVICE_TYPE_LABEL } from "@/lib/devices/device-id";
import type { InventoryFarmTotal, InventoryReportRow } from "@/lib/inventory/inventory-report";
import { formatMoney } from "./money";

const COLUMNS = [
  { label: "Type" },
  { label: "Total", align: "right" as const },
  { label: "In stock", align: "right" as const },
  { label: "In use", align: "right" as const },
  { label: "Maintenance", align: "right" as const },
  { label: "Suspended", align: "right" as const },
  { label: "Retired", align: "right" as const },
  { label: "Under warranty", align: "right" as const },
  { label: "Expiring", align: "right" as const },
  { label: "Expired", align: "right" as const },
  { label: "Void", align: "right" as const },
  { label: "Purchase value", align: "right" as const },
  { label: "Book value", align: "right" as const },
];

const NUM = "px-3 py-2 text-right tabular-nums";

/** One farm's report: a row per device type, the farm's subtotal below. Counts link to the devices behind them. */
export function InventoryReportTable({ farm, rows }: { farm: InventoryFarmTotal; rows: InventoryReportRow[] }) {
  const list = (params: Record<string, string>) => `/devices?${new URLSearchParams({ farm: String(farm.farmId), ...params })}`;
  const count = (value: number, params: Record<string, string>) => (value > 0 ? <Link href={list(params)} className="text-brand-700 hover:underline">{value.toLocaleString("en")}</Link> : <span className="text-stone-500">0</span>);
  return (
    <section aria-labelledby={`farm-${farm.farmId}`} className="space-y-2">
      <h2 id={`farm-${farm.farmId}`} className="text-base font-semibold text-stone-900">
        {farm.farmName} <span className="font-normal text-stone-500">· {farm.farmCode}</span>
      </h2>
      <DataTable columns={COLUMNS} minWidth={1100}>
        {rows.map((row) => (
          <tr key={row.deviceType}>
            <th scope="row" className="px-3 py-2 text-left font-medium whitespace-nowrap text-stone-900">
              {DEVICE_TYPE_LABEL[row.deviceType]}
            </th>
            <td className={NUM}>{count(row.total, { type: row.deviceType, retired: "true" })}</td>
            <td className={NUM}>{count(row.inStock, { type: row.deviceType, stock: "true" })}</td>
            <td className={NUM}>{count(row.inUse, { type: row.deviceType, state: "active,provisioned,registered,manufactured", stock: "false" })}</td>
            <td className={NUM}>{count(row.inMaintenance, { type: row.deviceType, state: "maintenance" })}</td>
            <td className={NUM}>{count(row.suspended, { type: row.deviceType, state: "suspended" })}</td>
            <td className={NUM}>{count(row.retired, { type: row.deviceType, state: "decommissioned" })}</td>
            <td className={NUM}>{count(row.inWarranty, { type: row.deviceType, warranty: "active,expiring" })}</td>
            <td className={NUM}>{count(row.expiring, { type: row.deviceType, warranty: "expiring" })}</td>
            <td className={NUM}>{count(row.expired, { type: row.deviceType, warranty: "expired" })}</td>
            <td className={NUM}>{count(row.warrantyVoid, { type: row.deviceType, warranty: "void" })}</td>
            <td className={NUM}>{formatMoney(row.purchaseValue, row.currency)}</td>
            <td className={NUM}>{formatMoney(row.bookValue, row.currency)}</td>
          </tr>
        ))}
        <tr className="bg-stone-50 font-semibold">
          <th scope="row" className="px-3 py-2 text-left text-stone-900">
            All types
          </th>
          {[farm.total, farm.inStock, farm.inUse, farm.inMaintenance, farm.suspended, farm.retired, farm.inWarranty, farm.expiring, farm.expired, farm.warrantyVoid].map((value, index) => (
            <td key={index} className={NUM}>
              {value.toLocaleString("en")}
            </td>
          ))}
          <td className={NUM}>{formatMoney(farm.purchaseValue, farm.currency)}</td>
          <td className={NUM}>{formatMoney(farm.bookValue, farm.currency)}</td>
        </tr>
      </DataTable>
    </section>
  );
}
