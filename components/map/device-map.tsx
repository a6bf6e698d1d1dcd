"use client";

/**
 * Devices on a Leaflet map, one circle per device coloured by health (no marker images to host).
 * Barns are often offline: without a tile URL the circles sit on a plain background fitted to the
 * devices, and when tiles fail the circles stay and a short notice says why the background is empty.
 * Loaded only in the browser (device-map-loader.tsx): Leaflet touches `window` on import.
 */
import "leaflet/dist/leaflet.css";
import Link from "next/link";
import { useState } from "react";
import { CircleMarker, MapContainer, Popup, ScaleControl, TileLayer } from "react-leaflet";
import { timeAgo } from "@/components/ui/time-ago";
import { boundsOf, HEALTH_COLOR, type MapDevice } from "@/lib/dashboard/device-map";

export type DeviceMapProps = { devices: MapDevice[]; tileUrl: string | null; attribution: string };

const HEALTH_LABEL = { healthy: "Healthy", warning: "Warning", critical: "Critical", unknown: "Unknown" } as const;

export default function DeviceMap({ devices, tileUrl, attribution }: DeviceMapProps) {
  const [tilesFailed, setTilesFailed] = useState(false);
  // Only the first render's bounds are used by Leaflet: a live refresh moves markers, not the view.
  const bounds = boundsOf(devices.map((device) => device.position))!;

  return (
    <div className="relative">
      <MapContainer
        bounds={bounds}
        boundsOptions={{ padding: [28, 28], maxZoom: 18 }}
        maxZoom={19}
        scrollWheelZoom={false}
        className={`h-80 w-full rounded-lg sm:h-96 ${tileUrl && !tilesFailed ? "" : "map-plain"}`}
        style={tileUrl && !tilesFailed ? undefined : { background: "repeating-linear-gradient(45deg, #f5f5f4 0 12px, #fafaf9 12px 24px)" }}
        aria-label="Map of devices coloured by health"
      >
        {tileUrl ? <TileLayer url={tileUrl} attribution={attribution} maxZoom={19} eventHandlers={{ tileerror: () => setTilesFailed(true) }} /> : null}
        <ScaleControl position="bottomleft" imperial={false} />
        {devices.map((device) => (
          <CircleMarker
            key={device.deviceId}
            center={device.position}
            radius={device.needsAttention ? 9 : 7}
            // A constructor option: Leaflet sets a path's class once, when it creates it, and
            // react-leaflet only applies pathOptions afterwards (setStyle), which ignores className.
            className={`device-marker device-marker-${device.healthStatus}`}
            pathOptions={{
              color: device.needsAttention ? "#1c1917" : "#ffffff",
              weight: device.needsAttention ? 2 : 1.5,
              fillColor: HEALTH_COLOR[device.healthStatus],
              fillOpacity: 0.9,
            }}
          >
            <Popup>
              <div className="space-y-0.5 text-sm">
                <p className="font-mono text-xs text-stone-500">{device.deviceId}</p>
                <p className="font-medium text-stone-900">{device.name}</p>
                <p>
                  {HEALTH_LABEL[device.healthStatus]} · score {Math.round(device.healthScore)}
                  {device.needsAttention ? " · needs attention" : ""}
                </p>
                <p className="text-stone-600">Last seen {timeAgo(device.lastSeen ? new Date(device.lastSeen) : null)}</p>
                <Link href={`/devices/${device.deviceId}`} className="font-medium text-brand-700 underline">
                  Open device
                </Link>
              </div>
            </Popup>
          </CircleMarker>
        ))}
      </MapContainer>
      {tileUrl && tilesFailed ? (
        <p role="status" className="pointer-events-none absolute top-2 right-2 left-12 z-[1000] rounded-md bg-white/90 px-2 py-1 text-xs text-stone-700 shadow sm:left-auto">
          Map tiles could not be loaded (no internet here?). The devices are still shown.
        </p>
      ) : null}
    </div>
  );
}
