"use client";

/**
 * Devices on a Leaflet map, one marker per device: its health is a colour and a shape (● healthy,
 * ▲ warning, ■ critical, ○ unknown, as on the badges), drawn as inline SVG (no marker images to host).
 * Markers are keyboard stops (Tab, Enter opens the popup) named by device and health. Devices
 * close together at the zoom shown are drawn as one cluster (leaflet.markercluster), so no two
 * markers overlap (WCAG 2.5.8): the cluster takes its worst device's shape and colour, shows the
 * count, and says in words how many of each health it holds; Enter or a click zooms into it.
 * Barns are often offline: without a tile URL the circles sit on a plain background fitted to the
 * devices, and when tiles fail the circles stay and a short notice says why the background is empty.
 * Loaded only in the browser (device-map-loader.tsx): Leaflet touches `window` on import.
 */
import "leaflet/dist/leaflet.css";
import "react-leaflet-cluster/dist/assets/MarkerCluster.css";
import Link from "next/link";
import { useState } from "react";
import { divIcon, type DivIcon, type MarkerCluster } from "leaflet";
import { MapContainer, Marker, Popup, ScaleControl, TileLayer } from "react-leaflet";
import MarkerClusterGroup from "react-leaflet-cluster";
import { timeAgo } from "@/components/ui/time-ago";
import { boundsOf, clusterSummary, HEALTH_COLOR, HEALTH_SHAPE, type MapDevice } from "@/lib/dashboard/device-map";

export type DeviceMapProps = { devices: MapDevice[]; tileUrl: string | null; attribution: string };

const HEALTH_LABEL = { healthy: "Healthy", warning: "Warning", critical: "Critical", unknown: "Unknown" } as const;
type Health = keyof typeof HEALTH_LABEL;

const icons = new Map<string, DivIcon>();
/** What each (shared) icon stands for: a cluster reads its markers' health back from their icons. */
const iconHealth = new WeakMap<object, { healthStatus: Health; needsAttention: boolean }>();
function markerIcon(health: Health, needsAttention: boolean): DivIcon {
  const key = `${health}-${needsAttention}`;
  let icon = icons.get(key);
  if (!icon) {
    // 24 px at least: the WCAG 2.5.8 target size (the shape inside is drawn smaller).
    const size = needsAttention ? 28 : 24;
    const stroke = needsAttention ? "#1c1917" : health === "unknown" ? HEALTH_COLOR.unknown : "#ffffff";
    const fill = health === "unknown" ? "#ffffff" : HEALTH_COLOR[health];
    icon = divIcon({
      className: "device-marker-icon",
      iconSize: [size, size],
      iconAnchor: [size / 2, size / 2],
      popupAnchor: [0, -size / 2],
      html: `<svg viewBox="-3 -3 26 26" width="${size}" height="${size}" aria-hidden="true" focusable="false"><path class="device-marker device-marker-${health}" d="${HEALTH_SHAPE[health]}" fill="${fill}" fill-opacity="0.95" stroke="${stroke}" stroke-width="${needsAttention ? 2.2 : 1.5}" stroke-linejoin="round"/></svg>`,
    });
    icons.set(key, icon);
    iconHealth.set(icon, { healthStatus: health, needsAttention });
  }
  return icon;
}

const CLUSTER_SIZE = 36;

/** A cluster: its worst device's shape and colour, the count, and every health in words for a screen reader. */
function clusterIcon(cluster: MarkerCluster): DivIcon {
  const summary = clusterSummary(cluster.getAllChildMarkers().map((marker) => iconHealth.get(marker.options.icon as object) ?? { healthStatus: "unknown" as const, needsAttention: false }));
  const fill = summary.worst === "unknown" ? "#ffffff" : HEALTH_COLOR[summary.worst];
  const stroke = summary.worst === "unknown" ? HEALTH_COLOR.unknown : "#ffffff";
  return divIcon({
    className: `device-marker-icon device-cluster-icon${summary.needsAttention ? " device-cluster-attention" : ""}`,
    iconSize: [CLUSTER_SIZE, CLUSTER_SIZE],
    iconAnchor: [CLUSTER_SIZE / 2, CLUSTER_SIZE / 2],
    html: `<span class="device-cluster" title="${summary.label}"><svg viewBox="-3 -3 26 26" width="14" height="14" aria-hidden="true" focusable="false"><path class="device-marker-${summary.worst}" d="${HEALTH_SHAPE[summary.worst]}" fill="${fill}" stroke="${stroke}" stroke-width="1.5" stroke-linejoin="round"/></svg><span aria-hidden="true">${summary.count}</span><span class="sr-only">${summary.label}</span></span>`,
  });
}

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
        <MarkerClusterGroup iconCreateFunction={clusterIcon} maxClusterRadius={60} showCoverageOnHover={false} chunkedLoading>
        {devices.map((device) => (
          <Marker
            key={device.deviceId}
            position={device.position}
            icon={markerIcon(device.healthStatus, device.needsAttention)}
            title={`${device.deviceId} ${device.name}: ${HEALTH_LABEL[device.healthStatus]}${device.needsAttention ? ", needs attention" : ""}`}
            zIndexOffset={device.needsAttention ? 1000 : 0}
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
          </Marker>
        ))}
        </MarkerClusterGroup>
      </MapContainer>
      {tileUrl && tilesFailed ? (
        <p role="status" className="pointer-events-none absolute top-2 right-2 left-12 z-[1000] rounded-md bg-white/90 px-2 py-1 text-xs text-stone-700 shadow sm:left-auto">
          Map tiles could not be loaded (no internet here?). The devices are still shown.
        </p>
      ) : null}
    </div>
  );
}
