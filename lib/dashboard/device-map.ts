/**
 * The devices the dashboard's map shows (I-013 §10 geolocation): those with coordinates, with what
 * a popup needs; the others are only counted, so the page can say how many are missing.
 */
import type { Db } from "../db";

export type MapDevice = {
  deviceId: string;
  name: string;
  latitude: number;
  longitude: number;
  healthStatus: "healthy" | "warning" | "critical" | "unknown";
  healthScore: number;
  connectionStatus: string;
  needsAttention: boolean;
  /** ISO string: the map is a client component and receives plain JSON. */
  lastSeen: string | null;
  /** Where the marker is drawn: the coordinates, nudged apart when devices share them exactly. */
  position: [number, number];
};

export type DeviceMapData = {
  devices: MapDevice[];
  withoutCoordinates: number;
  /** Devices with coordinates left off because of MAP_MARKER_LIMIT (the healthiest ones). */
  notShown: number;
};

/** Marker colours by health (the same families as the health badges); shape/size carry attention. */
export const HEALTH_COLOR: Record<MapDevice["healthStatus"], string> = {
  healthy: "#16a34a",
  warning: "#f59e0b",
  critical: "#dc2626",
  unknown: "#78716c",
};

/**
 * Marker and legend shapes by health, in a 20 × 20 box: the badges' glyphs (● ▲ ■ ○), so colour is
 * never the only difference between two health states (WCAG 1.4.1).
 */
export const HEALTH_SHAPE: Record<MapDevice["healthStatus"], string> = {
  healthy: "M10 3a7 7 0 1 0 0.01 0Z",
  warning: "M10 1.8 18.6 17.2H1.4Z",
  critical: "M3 3h14v14H3Z",
  unknown: "M10 3.5a6.5 6.5 0 1 0 0.01 0Z",
};

/** South-west and north-east corners around the devices, or null when there is none. */
export function boundsOf(points: [number, number][]): [[number, number], [number, number]] | null {
  if (points.length === 0) return null;
  let south = Infinity, west = Infinity, north = -Infinity, east = -Infinity;
  for (const [latitude, longitude] of points) {
    south = Math.min(south, latitude);
    north = Math.max(north, latitude);
    west = Math.min(west, longitude);
    east = Math.max(east, longitude);
  }
  return [[south, west], [north, east]];
}

/** A coordinate Leaflet can place: numbers on the globe (0,0 is "never set" more often than the Gulf of Guinea). */
export function hasUsableCoordinates(latitude: number | null, longitude: number | null): boolean {
  return latitude !== null && longitude !== null && Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180 && !(latitude === 0 && longitude === 0);
}

/** About 4 m: devices registered at the same spot (one barn's coordinates) sit in a small ring. */
const SPREAD_DEGREES = 0.00004;

/**
 * Marker positions for devices that share exact coordinates, spread on a ring around the spot so
 * each one can be seen and clicked; a device alone at its spot stays where it is.
 */
export function spreadPositions(points: { latitude: number; longitude: number }[]): [number, number][] {
  const key = (point: { latitude: number; longitude: number }) => `${point.latitude.toFixed(6)},${point.longitude.toFixed(6)}`;
  const groups = new Map<string, number>();
  for (const point of points) groups.set(key(point), (groups.get(key(point)) ?? 0) + 1);
  const seen = new Map<string, number>();
  return points.map((point) => {
    const size = groups.get(key(point))!;
    if (size === 1) return [point.latitude, point.longitude];
    const index = seen.get(key(point)) ?? 0;
    seen.set(key(point), index + 1);
    const angle = (2 * Math.PI * index) / size;
    const radius = SPREAD_DEGREES * Math.max(1, size / 6);
    return [point.latitude + radius * Math.cos(angle), point.longitude + (radius * Math.sin(angle)) / Math.cos((point.latitude * Math.PI) / 180)];
  });
}

/** Critical devices drawn last, so they sit on top of healthy neighbours in a crowded barn. */
const DRAW_ORDER = { unknown: 0, healthy: 1, warning: 2, critical: 3 } as const;

/** More circles than this make a browser crawl and a map unreadable; the worst devices are kept. */
export const MAP_MARKER_LIMIT = 1000;

export async function deviceMapData(db: Db, farmId: number | null, limit = MAP_MARKER_LIMIT): Promise<DeviceMapData> {
  const fleet = { ...(farmId ? { farmId } : {}), state: { not: "decommissioned" as const } };
  const [total, rows] = await Promise.all([
    db.device.count({ where: fleet }),
    db.device.findMany({
      where: { ...fleet, latitude: { not: null, gte: -90, lte: 90 }, longitude: { not: null, gte: -180, lte: 180 }, NOT: { latitude: 0, longitude: 0 } },
      orderBy: [{ needsAttention: "desc" }, { healthScore: "asc" }, { deviceId: "asc" }],
      take: limit + 1,
      select: { deviceId: true, name: true, latitude: true, longitude: true, healthStatus: true, healthScore: true, connectionStatus: true, needsAttention: true, lastSeen: true },
    }),
  ]);
  const placed = rows
    .slice(0, limit)
    .filter((row) => hasUsableCoordinates(row.latitude, row.longitude))
    .map((row) => ({ ...row, latitude: row.latitude!, longitude: row.longitude!, lastSeen: row.lastSeen?.toISOString() ?? null }))
    .sort((a, b) => a.deviceId.localeCompare(b.deviceId));
  const withCoordinates = rows.length > limit ? await db.device.count({ where: { ...fleet, latitude: { not: null, gte: -90, lte: 90 }, longitude: { not: null, gte: -180, lte: 180 }, NOT: { latitude: 0, longitude: 0 } } }) : placed.length;
  const positions = spreadPositions(placed);
  const devices: MapDevice[] = placed.map((device, i) => ({ ...device, position: positions[i]! }));
  devices.sort((a, b) => DRAW_ORDER[a.healthStatus] - DRAW_ORDER[b.healthStatus] || a.deviceId.localeCompare(b.deviceId));
  return { devices, withoutCoordinates: total - withCoordinates, notShown: withCoordinates - devices.length };
}

const HEALTH_WORD: Record<MapDevice["healthStatus"], string> = { critical: "critical", warning: "warning", healthy: "healthy", unknown: "unknown" };
/** Worst first: a cluster takes the shape and colour of its worst device. */
const SEVERITY_ORDER: MapDevice["healthStatus"][] = ["critical", "warning", "unknown", "healthy"];

export type ClusterSummary = { count: number; worst: MapDevice["healthStatus"]; needsAttention: number; label: string };

/**
 * What a cluster of markers says (devices close together at this zoom drawn as one, so no two
 * markers overlap): how many, the worst health (its shape and colour) and, in words, the count per
 * health and of those needing attention: "12 devices: 2 critical, 1 warning, 9 healthy; 2 need attention".
 */
export function clusterSummary(devices: { healthStatus: MapDevice["healthStatus"]; needsAttention: boolean }[]): ClusterSummary {
  const counts = new Map<MapDevice["healthStatus"], number>();
  for (const device of devices) counts.set(device.healthStatus, (counts.get(device.healthStatus) ?? 0) + 1);
  const worst = SEVERITY_ORDER.find((health) => counts.has(health)) ?? "unknown";
  const needsAttention = devices.filter((device) => device.needsAttention).length;
  const parts = SEVERITY_ORDER.filter((health) => counts.has(health)).map((health) => `${counts.get(health)} ${HEALTH_WORD[health]}`);
  const label = `${devices.length} ${devices.length === 1 ? "device" : "devices"}: ${parts.join(", ")}${needsAttention ? `; ${needsAttention} ${needsAttention === 1 ? "needs" : "need"} attention` : ""}`;
  return { count: devices.length, worst, needsAttention, label };
}
