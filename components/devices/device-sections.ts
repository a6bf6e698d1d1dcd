/**
 * The device page's sections below its first screen, in tab order. Safe in client and server
 * code: the page renders the remembered or addressed section on the server (no flash of the
 * wrong tab), the tabs switch on the client.
 */
export const DEVICE_SECTIONS = ["details", "health", "updates", "commands", "maintenance", "history"] as const;
export type DeviceSection = (typeof DEVICE_SECTIONS)[number];

export const DEVICE_SECTION_LABEL: Record<DeviceSection, string> = {
  details: "Details",
  health: "Health history",
  updates: "Updates",
  commands: "Commands",
  maintenance: "Maintenance",
  history: "History",
};

export function isDeviceSection(value: unknown): value is DeviceSection {
  return typeof value === "string" && (DEVICE_SECTIONS as readonly string[]).includes(value);
}

/** ?tab= wins (links from elsewhere), then the person's last choice, then Details. */
export function chosenDeviceSection(tab: unknown, remembered: unknown): DeviceSection {
  if (isDeviceSection(tab)) return tab;
  if (isDeviceSection(remembered)) return remembered;
  return "details";
}
