"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { Bar, BarChart, Cell, LabelList, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { HEALTH_COLOR } from "@/lib/dashboard/device-map";

type Status = keyof typeof HEALTH_COLOR;
const STATUSES: Status[] = ["healthy", "warning", "critical", "unknown"];

/** Devices per health status as bars; a bar opens the device list filtered to that status. */
export function HealthDistributionChart({ counts }: { counts: Record<Status, number> }) {
  const router = useRouter();
  const t = useTranslations("dashboard");
  const tHealth = useTranslations("enums.health");
  const data = STATUSES.map((status) => ({ status, label: tHealth(status), count: counts[status] }));
  return (
    <div className="h-44 w-full" role="img" aria-label={`${t("fleetHealth")}: ${data.map((row) => `${row.count} ${row.label.toLowerCase()}`).join(", ")}`}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} layout="vertical" margin={{ top: 0, right: 36, bottom: 0, left: 0 }} accessibilityLayer={false}>
          <XAxis type="number" hide allowDecimals={false} />
          <YAxis type="category" dataKey="label" width={104} tickLine={false} axisLine={false} tick={{ fontSize: 12, fill: "#44403c" }} />
          <Tooltip cursor={{ fill: "#f5f5f4" }} formatter={(value) => [value, t("devices").toLowerCase()]} />
          <Bar dataKey="count" radius={[0, 4, 4, 0]} isAnimationActive={false} cursor="pointer" onClick={(entry) => router.push(`/devices?health=${(entry.payload as { status: Status }).status}`)}>
            {data.map((row) => (
              <Cell key={row.status} fill={HEALTH_COLOR[row.status]} />
            ))}
            <LabelList dataKey="count" position="right" style={{ fontSize: 12, fill: "#1c1917" }} />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
