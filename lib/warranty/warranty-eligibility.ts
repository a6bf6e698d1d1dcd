/**
 * Is a repair covered? I-013 §9.2 check_warranty_eligibility: an expired, void or missing warranty
 * is not; an issue the warranty excludes (damage and misuse) is not; otherwise it is, with the days
 * left. Either "no" names the alternative the seed names: a paid repair. A plain function, shown
 * beside the claim form and returned by GET /api/v1/devices/{id}/warranty.
 */
import { warrantyDaysLeft, warrantyStatus, type WarrantyDates, type WarrantyStatusName } from "./warranty-status";

export const WARRANTY_ISSUE_TYPES = [
  "hardware_failure",
  "sensor_failure",
  "battery_failure",
  "power_supply",
  "connectivity",
  "firmware_defect",
  "physical_damage",
  "water_damage",
  "misuse",
  "other",
] as const;
export type WarrantyIssueType = (typeof WARRANTY_ISSUE_TYPES)[number];

export const WARRANTY_ISSUE_LABEL: Record<WarrantyIssueType, string> = {
  hardware_failure: "Hardware failure",
  sensor_failure: "Sensor failure",
  battery_failure: "Battery failure",
  power_supply: "Power supply",
  connectivity: "Connectivity (radio, network)",
  firmware_defect: "Firmware defect",
  physical_damage: "Physical damage",
  water_damage: "Water damage",
  misuse: "Misuse",
  other: "Other",
};

/** What the standard terms do not cover (a supplier's warranty covers defects, not accidents). */
export const EXCLUDED_ISSUE_TYPES: readonly WarrantyIssueType[] = ["physical_damage", "water_damage", "misuse"];

export type WarrantyEligibility =
  | { eligible: true; status: WarrantyStatusName; daysRemaining: number; coverage: string }
  | { eligible: false; status: WarrantyStatusName; reason: string; alternative: "paid_repair"; daysRemaining: number | null };

export function checkWarrantyEligibility(
  device: WarrantyDates & { warrantyTerms?: string | null; warrantyVoidReason?: string | null },
  issueType: string,
  today: Date = new Date(),
): WarrantyEligibility {
  const status = warrantyStatus(device, today);
  const daysRemaining = device.warrantyEnd ? warrantyDaysLeft(device.warrantyEnd, today) : null;
  const no = (reason: string): WarrantyEligibility => ({ eligible: false, status, reason, alternative: "paid_repair", daysRemaining });
  if (status === "void") return no(device.warrantyVoidReason ? `Warranty void: ${device.warrantyVoidReason}` : "Warranty void");
  if (status === "none") return no("No warranty on record");
  if (status === "expired") return no(`Warranty expired on ${device.warrantyEnd!.toISOString().slice(0, 10)}`);
  if ((EXCLUDED_ISSUE_TYPES as readonly string[]).includes(issueType)) {
    const label = WARRANTY_ISSUE_LABEL[issueType as WarrantyIssueType] ?? issueType;
    return no(`${label} is not covered by the warranty`);
  }
  return { eligible: true, status, daysRemaining: daysRemaining!, coverage: device.warrantyTerms?.trim() || "Standard" };
}
