/**
 * The selection values of a device (M92 task 1.1, I-013 §3) with the words the screens show.
 * Plain constants, safe in client components; the Prisma enums carry the same values and the
 * type checker keeps the two in step (see device-schemas.ts).
 */
export const DEVICE_STATES = ["manufactured", "provisioned", "registered", "active", "suspended", "maintenance", "decommissioned"] as const;
export const HEALTH_STATUSES = ["healthy", "warning", "critical", "unknown"] as const;
export const CONNECTION_STATUSES = ["online", "degraded", "offline", "connecting", "error", "unknown"] as const;
export const POWER_SOURCES = ["battery", "mains", "solar", "poe"] as const;
export const CONNECTION_TYPES = ["wifi", "ethernet", "lora", "cellular", "bluetooth"] as const;
export const CALIBRATION_STATUSES = ["not_required", "ok", "due", "overdue"] as const;
export const FIRMWARE_UPDATE_STATUSES = ["none", "scheduled", "downloading", "installing", "completed", "failed", "rolled_back"] as const;
export const PROVISIONING_METHODS = ["manual", "qr_code", "nfc", "csv_import", "api"] as const;

export type DeviceStateName = (typeof DEVICE_STATES)[number];

export const DEVICE_STATE_LABEL: Record<DeviceStateName, string> = {
  manufactured: "Manufactured",
  provisioned: "Provisioned",
  registered: "Registered",
  active: "Active",
  suspended: "Suspended",
  maintenance: "Maintenance",
  decommissioned: "Decommissioned",
};

export const HEALTH_LABEL: Record<(typeof HEALTH_STATUSES)[number], string> = { healthy: "Healthy", warning: "Warning", critical: "Critical", unknown: "Unknown" };

export const CONNECTION_LABEL: Record<(typeof CONNECTION_STATUSES)[number], string> = {
  online: "Online",
  degraded: "Degraded",
  offline: "Offline",
  connecting: "Connecting",
  error: "Error",
  unknown: "Never seen",
};

export const POWER_SOURCE_LABEL: Record<(typeof POWER_SOURCES)[number], string> = { battery: "Battery", mains: "Mains power", solar: "Solar", poe: "Power over Ethernet" };

export const CONNECTION_TYPE_LABEL: Record<(typeof CONNECTION_TYPES)[number], string> = { wifi: "WiFi", ethernet: "Ethernet", lora: "LoRaWAN", cellular: "Cellular", bluetooth: "Bluetooth" };

export const CALIBRATION_LABEL: Record<(typeof CALIBRATION_STATUSES)[number], string> = { not_required: "Not required", ok: "OK", due: "Due", overdue: "Overdue" };

export const FIRMWARE_UPDATE_STATUS_LABEL: Record<(typeof FIRMWARE_UPDATE_STATUSES)[number], string> = {
  none: "No update",
  scheduled: "Update scheduled",
  downloading: "Downloading",
  installing: "Installing",
  completed: "Update complete",
  failed: "Update failed",
  rolled_back: "Rolled back",
};

export const PROVISIONING_METHOD_LABEL: Record<(typeof PROVISIONING_METHODS)[number], string> = {
  manual: "Manual entry",
  qr_code: "QR code scan",
  nfc: "NFC tap",
  csv_import: "CSV import",
  api: "API registration",
};
