"use client";

import dynamic from "next/dynamic";
import type { DeviceMapProps } from "./device-map";

/** Leaflet needs `window`: the map is rendered in the browser only (`ssr: false` must live in a client component). */
const DeviceMap = dynamic(() => import("./device-map"), {
  ssr: false,
  loading: () => <div className="flex h-80 w-full items-center justify-center rounded-lg bg-stone-100 text-sm text-stone-500 sm:h-96">Loading map…</div>,
});

export function DeviceMapLoader(props: DeviceMapProps) {
  return <DeviceMap {...props} />;
}
