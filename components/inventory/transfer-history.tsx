import Link from "next/link";
import { formatDateTime } from "@/components/devices/device-values";
import { DataTable } from "@/components/ui/data-table";
import type { TransferView } from "@/lib/inventory/transfers";

/** Transfers newest first: which device, from where to where, by whom and why. */
export function TransferHistory({ transfers, showDevice = true }: { transfers: TransferView[]; showDevice?: boolean }) {
  const place = (farm: TransferView["fromFarm"], group: TransferView["fromGroup"], location: string | null) => (
    <>
      <span className="font-medium text-stone-900">{farm?.name ?? "—"}</span>
      {group ? <span className="block text-xs text-stone-500">Group {group.name}</span> : null}
      {location ? <span className="block text-xs text-stone-500">{location}</span> : null}
    </>
  );
  return (
    <DataTable columns={[{ label: "When" }, ...(showDevice ? [{ label: "Device" }] : []), { label: "From" }, { label: "To" }, { label: "By" }, { label: "Reason" }]} minWidth={showDevice ? 760 : 620}>
      {transfers.map((row) => (
        <tr key={row.id} className="align-top">
          <td className="px-3 py-2 whitespace-nowrap text-stone-700">{formatDateTime(row.transferredAt, "UTC")}</td>
          {showDevice ? (
            <td className="px-3 py-2">
              <Link href={`/devices/${row.device.deviceId}`} className="font-medium text-brand-700 hover:underline">
                {row.device.deviceId}
              </Link>
              <span className="block text-xs text-stone-500">{row.device.name}</span>
            </td>
          ) : null}
          <td className="px-3 py-2">{place(row.fromFarm, row.fromGroup, row.fromLocation)}</td>
          <td className="px-3 py-2">{place(row.toFarm, row.toGroup, row.toLocation)}</td>
          <td className="px-3 py-2 text-stone-700">{row.transferredBy ?? "API key"}</td>
          <td className="px-3 py-2 text-stone-700">{row.reason ?? <span className="text-stone-500">—</span>}</td>
        </tr>
      ))}
    </DataTable>
  );
}
