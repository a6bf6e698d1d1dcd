import { Card } from "@/components/ui/card";
import { DeviceMapLoader } from "@/components/map/device-map-loader";
import { HEALTH_COLOR, type DeviceMapData } from "@/lib/dashboard/device-map";

const LEGEND = [
  ["healthy", "Healthy"],
  ["warning", "Warning"],
  ["critical", "Critical"],
  ["unknown", "Unknown"],
] as const;

/** The map with its legend and the plain words around it: what is missing and how to get tiles. */
export function DeviceMapCard({ data, tileUrl, attribution }: { data: DeviceMapData; tileUrl: string | null; attribution: string }) {
  return (
    <Card title="Where the devices are">
      {data.devices.length === 0 ? (
        <p className="text-sm text-stone-600">No device has coordinates yet. Add a latitude and longitude on a device&apos;s page (Location) to see it here.</p>
      ) : (
        <DeviceMapLoader devices={data.devices} tileUrl={tileUrl} attribution={attribution} />
      )}
      <div className="mt-2 flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-stone-600">
        {LEGEND.map(([status, label]) => (
          <span key={status} className="inline-flex items-center gap-1">
            <span aria-hidden className="inline-block size-2.5 rounded-full" style={{ background: HEALTH_COLOR[status] }} />
            {label}
          </span>
        ))}
        <span className="inline-flex items-center gap-1">
          <span aria-hidden className="inline-block size-3 rounded-full border-2 border-stone-900" />
          Needs attention
        </span>
      </div>
      {data.withoutCoordinates > 0 ? (
        <p className="mt-1 text-xs text-stone-600" data-testid="map-missing">
          {data.withoutCoordinates === 1 ? "1 device has" : `${data.withoutCoordinates} devices have`} no coordinates and {data.withoutCoordinates === 1 ? "is" : "are"} not on the map.
        </p>
      ) : null}
      {data.notShown > 0 ? (
        <p className="mt-1 text-xs text-stone-600">
          Showing the {data.devices.length.toLocaleString("en-GB")} devices that most need attention; {data.notShown.toLocaleString("en-GB")} more are not drawn. Pick a farm to see its devices.
        </p>
      ) : null}
      {!tileUrl && data.devices.length > 0 ? (
        <p className="mt-1 text-xs text-stone-500 [overflow-wrap:anywhere]">Plain background: no map tiles are configured. Set MAP_TILE_URL (e.g. https://tile.openstreetmap.org/{"{z}/{x}/{y}"}.png) to draw streets and fields behind the devices.</p>
      ) : null}
    </Card>
  );
}
