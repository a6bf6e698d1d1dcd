import { useFormatter, useTranslations } from "next-intl";
import { Card } from "@/components/ui/card";
import { DeviceMapLoader } from "@/components/map/device-map-loader";
import { HEALTH_COLOR, HEALTH_SHAPE, type DeviceMapData } from "@/lib/dashboard/device-map";

const LEGEND = ["healthy", "warning", "critical", "unknown"] as const;

/** The map with its legend and the plain words around it: what is missing and how to get tiles. */
export function DeviceMapCard({ data, tileUrl, attribution }: { data: DeviceMapData; tileUrl: string | null; attribution: string }) {
  const t = useTranslations("dashboard");
  const tHealth = useTranslations("enums.health");
  const format = useFormatter();
  return (
    <Card title={t("mapTitle")}>
      {data.devices.length === 0 ? (
        <p className="text-sm text-stone-600">{t("mapEmpty")}</p>
      ) : (
        <DeviceMapLoader devices={data.devices} tileUrl={tileUrl} attribution={attribution} />
      )}
      <div className="mt-2 flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-stone-600">
        {LEGEND.map((status) => (
          <span key={status} className="inline-flex items-center gap-1">
            <svg viewBox="0 0 20 20" className="size-3" aria-hidden>
              <path d={HEALTH_SHAPE[status]} fill={status === "unknown" ? "#ffffff" : HEALTH_COLOR[status]} stroke={status === "unknown" ? HEALTH_COLOR.unknown : "none"} strokeWidth={2} />
            </svg>
            {tHealth(status)}
          </span>
        ))}
        <span className="inline-flex items-center gap-1">
          <span aria-hidden className="inline-block size-3 rounded-full border-2 border-stone-900" />
          {t("needsAttention")}
        </span>
      </div>
      {data.withoutCoordinates > 0 ? (
        <p className="mt-1 text-xs text-stone-600" data-testid="map-missing">
          {t("mapMissing", { count: data.withoutCoordinates })}
        </p>
      ) : null}
      {data.notShown > 0 ? (
        <p className="mt-1 text-xs text-stone-600">
          {t("mapNotShown", { shown: format.number(data.devices.length), notShown: format.number(data.notShown) })}
        </p>
      ) : null}
      {!tileUrl && data.devices.length > 0 ? (
        <p className="mt-1 text-xs text-stone-500 [overflow-wrap:anywhere]">{t("mapNoTiles", { example: "https://tile.openstreetmap.org/{z}/{x}/{y}.png" })}</p>
      ) : null}
    </Card>
  );
}
