/** What the warranty routes share: the claim id of a path, and the JSON of a device's warranty. */
import { NotFoundError } from "../errors";
import { claimJson } from "./warranty-claims";
import type { DeviceWarranty } from "./warranty-coverage";

export function claimIdFromPath(raw: string): number {
  // WC-000123 or 123: people quote the number, scripts the id.
  const match = /^(?:WC-)?0*(\d{1,9})$/i.exec(decodeURIComponent(raw).trim());
  if (!match) throw new NotFoundError("No such warranty claim.");
  return Number(match[1]);
}

const day = (value: Date | null) => (value ? value.toISOString().slice(0, 10) : null);

export function deviceWarrantyJson(view: DeviceWarranty) {
  const { device } = view;
  return {
    deviceId: device.deviceId,
    status: view.status,
    daysLeft: view.daysLeft,
    purchaseDate: day(device.purchaseDate),
    warrantyStart: day(device.warrantyStart),
    warrantyEnd: day(device.warrantyEnd),
    warrantyTerms: device.warrantyTerms,
    voidedAt: device.warrantyVoidedAt?.toISOString() ?? null,
    voidReason: device.warrantyVoidReason,
    eligibility: view.eligibility,
    currency: view.currency,
    claims: view.claims.map((claim) => claimJson({ ...claim, device: { deviceId: device.deviceId, name: device.name } })),
    extensions: view.extensions.map((extension) => ({
      id: extension.id,
      previousEnd: day(extension.previousEnd),
      newEnd: day(extension.newEnd)!,
      months: extension.months,
      cost: Number(extension.cost),
      provider: extension.provider,
      createdAt: extension.createdAt.toISOString(),
    })),
  };
}
