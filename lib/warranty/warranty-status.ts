/**
 * A warranty's status, computed from its dates and the void mark whenever it is read (I-013 §9.1
 * get_warranty_status), so it never goes stale the way a stored status would. The same rule is
 * written once more as SQL (warrantyStatusSql) for the list filters and the inventory report, which
 * must not load 100,000 devices to count them; warranty-status.test.ts holds the two to each other.
 */
export const WARRANTY_STATUSES = ["active", "expiring", "expired", "void", "none"] as const;
export type WarrantyStatusName = (typeof WARRANTY_STATUSES)[number];

/** "Expiring" is the seed's: fewer than 30 days left. */
export const WARRANTY_EXPIRING_DAYS = 30;

export const WARRANTY_STATUS_LABEL: Record<WarrantyStatusName, string> = {
  active: "Active",
  expiring: "Expiring",
  expired: "Expired",
  void: "Void",
  none: "No warranty",
};

const DAY = 86_400_000;

/** The calendar day (UTC midnight) of an instant: warranty dates are whole days. */
export function utcDay(at: Date): number {
  return Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
}

export type WarrantyDates = { warrantyEnd: Date | null; warrantyVoidedAt: Date | null };

/**
 * The warranty covers the device through its end date (inclusive). Expired from the day after;
 * expiring while fewer than WARRANTY_EXPIRING_DAYS days remain.
 */
export function warrantyStatus(device: WarrantyDates, today: Date = new Date()): WarrantyStatusName {
  if (device.warrantyVoidedAt) return "void";
  if (!device.warrantyEnd) return "none";
  const left = warrantyDaysLeft(device.warrantyEnd, today);
  if (left < 0) return "expired";
  if (left < WARRANTY_EXPIRING_DAYS) return "expiring";
  return "active";
}

/** Whole days from today to the end date: 0 on the last covered day, negative once expired. */
export function warrantyDaysLeft(warrantyEnd: Date, today: Date = new Date()): number {
  return Math.round((utcDay(warrantyEnd) - utcDay(today)) / DAY);
}

/**
 * The same rule as a SQL condition on the devices table (alias `d`), for one status. `$today` is the
 * placeholder of a date parameter the caller binds (today's UTC date).
 */
export function warrantyStatusSql(status: WarrantyStatusName, today: string): string {
  switch (status) {
    case "void":
      return `d.warranty_voided_at IS NOT NULL`;
    case "none":
      return `(d.warranty_voided_at IS NULL AND d.warranty_end IS NULL)`;
    case "expired":
      return `(d.warranty_voided_at IS NULL AND d.warranty_end < ${today}::date)`;
    case "expiring":
      return `(d.warranty_voided_at IS NULL AND d.warranty_end >= ${today}::date AND d.warranty_end < ${today}::date + ${WARRANTY_EXPIRING_DAYS})`;
    case "active":
      return `(d.warranty_voided_at IS NULL AND d.warranty_end >= ${today}::date + ${WARRANTY_EXPIRING_DAYS})`;
  }
}

/** The same rule as a Prisma `where` on Device, for the list filters that are built with Prisma. */
export function warrantyStatusWhere(status: WarrantyStatusName, today: Date = new Date()) {
  const day = new Date(utcDay(today));
  const edge = new Date(utcDay(today) + WARRANTY_EXPIRING_DAYS * DAY);
  switch (status) {
    case "void":
      return { warrantyVoidedAt: { not: null } };
    case "none":
      return { warrantyVoidedAt: null, warrantyEnd: null };
    case "expired":
      return { warrantyVoidedAt: null, warrantyEnd: { lt: day } };
    case "expiring":
      return { warrantyVoidedAt: null, warrantyEnd: { gte: day, lt: edge } };
    case "active":
      return { warrantyVoidedAt: null, warrantyEnd: { gte: edge } };
  }
}
