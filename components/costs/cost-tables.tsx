import Link from "next/link";
import { Card } from "@/components/ui/card";
import { DataTable } from "@/components/ui/data-table";
import { CATEGORY_LABEL, COST_CATEGORIES } from "@/lib/costs/cost-categories";
import type { CostSummary } from "@/lib/costs/cost-summary";
import { formatMoney } from "@/lib/costs/money";
import { DEVICE_TYPE_LABEL } from "@/lib/devices/device-id";

/** The month by device type and its costliest devices (each opens the device). */
export function CostTables({ summary }: { summary: CostSummary }) {
  const money = (value: number) => formatMoney(value, summary.currency);
  const shown = COST_CATEGORIES.filter((category) => summary.byType.some((row) => row.costs[category] !== 0));
  return (
    <div className="grid gap-5 xl:grid-cols-2">
      <section aria-labelledby="cost-by-type" className="min-w-0">
        <h2 id="cost-by-type" className="mb-2 text-sm font-semibold text-stone-700">
          By device type
        </h2>
        {summary.byType.length === 0 ? (
          <Card>
            <p className="text-sm text-stone-600">No costs this month.</p>
          </Card>
        ) : (
          <DataTable label="Costs by device type" columns={[{ label: "Type" }, { label: "Devices", align: "right" }, ...shown.map((category) => ({ label: CATEGORY_LABEL[category], align: "right" as const })), { label: "Total", align: "right" }]} minWidth={360 + shown.length * 90}>
            {summary.byType.map((row) => (
              <tr key={row.deviceType}>
                <th scope="row" className="px-3 py-2 text-left font-medium text-stone-900">
                  {DEVICE_TYPE_LABEL[row.deviceType]}
                </th>
                <td className="px-3 py-2 text-right tabular-nums">{row.devices}</td>
                {shown.map((category) => (
                  <td key={category} className="px-3 py-2 text-right tabular-nums">
                    {money(row.costs[category])}
                  </td>
                ))}
                <td className="px-3 py-2 text-right font-semibold tabular-nums">{money(row.costs.total)}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
      <section aria-labelledby="cost-top-devices" className="min-w-0">
        <h2 id="cost-top-devices" className="mb-2 text-sm font-semibold text-stone-700">
          Costliest devices
        </h2>
        {summary.topDevices.length === 0 ? (
          <Card>
            <p className="text-sm text-stone-600">No device cost anything this month.</p>
          </Card>
        ) : (
          <DataTable label="Costliest devices" columns={[{ label: "Device" }, { label: "Type" }, { label: "Largest part" }, { label: "Total", align: "right" }]} minWidth={480}>
            {summary.topDevices.map((device) => {
              const [largest] = Object.entries(device.costs).sort((a, b) => b[1] - a[1]);
              return (
                <tr key={device.id}>
                  <td className="px-3 py-2">
                    <Link href={`/devices/${device.deviceId}`} className="font-medium text-brand-700 hover:underline">
                      {device.deviceId}
                    </Link>
                    <span className="block truncate text-xs text-stone-500">{device.name}</span>
                  </td>
                  <td className="px-3 py-2 text-stone-700">{DEVICE_TYPE_LABEL[device.deviceType]}</td>
                  <td className="px-3 py-2 text-stone-700">{largest ? `${CATEGORY_LABEL[largest[0] as keyof typeof CATEGORY_LABEL]} ${money(largest[1])}` : "—"}</td>
                  <td className="px-3 py-2 text-right font-semibold tabular-nums">{money(device.total)}</td>
                </tr>
              );
            })}
          </DataTable>
        )}
      </section>
    </div>
  );
}
