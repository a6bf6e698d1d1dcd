import type { DeviceTypeName } from "@/lib/devices/device-id";

/**
 * One drawn icon per device type (M92 task 3.1 gave Font Awesome names for four; the registry has
 * nine). Inline SVG: no icon font, nothing fetched, and it prints.
 */
const PATHS: Record<DeviceTypeName, string[]> = {
  // a drop over a flow gauge (M92 fa-tint)
  milk_meter: ["M12 2.5c-2.6 3.4-5 6.3-5 9.2a5 5 0 0010 0c0-2.9-2.4-5.8-5-9.2z", "M9.5 12.5a2.5 2.5 0 005 0", "M5 21h14"],
  // a thermometer (M92 fa-thermometer-half)
  temperature: ["M10 13.5V5a2 2 0 114 0v8.5a4 4 0 11-4 0z", "M12 9v7.5", "M17 6h2M17 9.5h2"],
  // wind and sun: the barn climate
  environmental: ["M3 10h9a2.5 2.5 0 10-2.5-2.5", "M3 14h13a2.5 2.5 0 11-2.5 2.5", "M3 18h6", "M18 3.5v1.5M21.5 7H20M15.5 5l1 1"],
  // a paw on a collar band (M92 fa-paw)
  collar: [
    "M8.5 8.5a1.5 1.8 0 103 0 1.5 1.8 0 10-3 0",
    "M12.5 8.5a1.5 1.8 0 103 0 1.5 1.8 0 10-3 0",
    "M5.5 12a1.4 1.6 0 102.8 0 1.4 1.6 0 10-2.8 0",
    "M15.7 12a1.4 1.6 0 102.8 0 1.4 1.6 0 10-2.8 0",
    "M12 12.5c-2.2 0-4 2.5-4 4.2 0 1.3 1 1.8 2 1.8.8 0 1.2-.4 2-.4s1.2.4 2 .4c1 0 2-.5 2-1.8 0-1.7-1.8-4.2-4-4.2z",
  ],
  // a hopper over a trough (M92 fa-utensils)
  feeder: ["M5 3h14l-4 7H9z", "M12 10v3", "M3 14h18l-2 6H5z"],
  // a barred gate between posts
  gate: ["M4 3v18M20 3v18", "M4 7h16M4 17h16", "M8 7v10M12 7v10M16 7v10", "M4 17L20 7"],
  // a drop over a water trough
  waterer: ["M12 2.5c-1.6 2.1-3 3.9-3 5.6a3 3 0 006 0c0-1.7-1.4-3.5-3-5.6z", "M3 14h18v2a4 4 0 01-4 4H7a4 4 0 01-4-4z", "M6 17h2M11 17h2M16 17h2"],
  // a reader with radio waves and an ear tag
  rfid_reader: ["M4 9h9v11H4z", "M7 13h3M7 16h3", "M16 9a4 4 0 014 4", "M16 5.5a7.5 7.5 0 017.5 7.5", "M16 12.5a.5.5 0 011 .5"],
  // a box with antennas: the gateway
  gateway: ["M3 13h18v7H3z", "M7 13V8M17 13V8", "M7 16.5h.01M10.5 16.5h.01", "M4.5 6a3.5 3.5 0 015 0M14.5 6a3.5 3.5 0 015 0"],
};

export function DeviceTypeIcon({ type, className = "h-8 w-8" }: { type: DeviceTypeName; className?: string }) {
  return (
    <svg viewBox="0 0 24 24" className={className} fill="none" stroke="currentColor" strokeWidth={1.6} strokeLinecap="round" strokeLinejoin="round" aria-hidden focusable="false">
      {PATHS[type].map((d) => (
        <path key={d} d={d} />
      ))}
    </svg>
  );
}

/** What each type does, in a few words for the card. */
export const DEVICE_TYPE_HINT: Record<DeviceTypeName, string> = {
  milk_meter: "Yield and flow at the stall",
  temperature: "Milk tank or room temperature",
  environmental: "Barn air: heat, humidity, ammonia",
  collar: "Activity and rumination",
  feeder: "Dispenses and weighs feed",
  gate: "Sorting and access gates",
  waterer: "Water flow and temperature",
  rfid_reader: "Reads ear tags",
  gateway: "Links sensors to the network",
};
