/**
 * A device's warranty as a whole: its status and days left, eligibility, claims and extensions (the
 * device page's Warranty section, GET /api/v1/devices/{id}/warranty); buying an extension (I-013
 * extend_warranty: the end moves by whole months from the later of the current end and today);
 * voiding it with a reason, and lifting the void. All audited, all farm-scoped.
 */
import { Prisma } from "@prisma/client";
import { recordAudit } from "../audit/record";
import { farmScope, type Actor } from "../auth/permissions";
import type { Db } from "../db";
import { findScopedDevice, type DeviceRef } from "../devices/find-device";
import { ConflictError, InvalidError } from "../errors";
import { checkWarrantyEligibility } from "./warranty-eligibility";
import type { ExtensionInput, VoidInput } from "./warranty-schemas";
import { utcDay, warrantyDaysLeft, warrantyStatus, WARRANTY_EXPIRING_DAYS } from "./warranty-status";

const DAY = 86_400_000;

/** `months` calendar months after a day, kept to the month's last day (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(day: Date, months: number): Date {
  const year = day.getUTCFullYear();
  const month = day.getUTCMonth() + months;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(day.getUTCDate(), last)));
}

/** The end an extension of `months` gives: from the current end, or from today when it has already passed (or there is none). */
export function extendedEnd(currentEnd: Date | null, months: number, today: Date = new Date()): Date {
  const from = currentEnd && utcDay(currentEnd) >= utcDay(today) ? new Date(utcDay(currentEnd)) : new Date(utcDay(today));
  return addMonths(from, months);
}

const DEVICE_SELECT = {
  id: true,
  deviceId: true,
  name: true,
  farmId: true,
  state: true,
  purchaseDate: true,
  warrantyStart: true,
  warrantyEnd: true,
  warrantyTerms: true,
  warrantyVoidedAt: true,
  warrantyVoidReason: true,
} as const;

export async function deviceWarranty(db: Db, actor: Pick<Actor, "farmId" | "role">, ref: DeviceRef, today = new Date()) {
  const device = await findScopedDevice(db, actor, ref, DEVICE_SELECT);
  const [claims, extensions, farm] = await Promise.all([
    db.warrantyClaim.findMany({ where: { deviceId: device.id }, orderBy: [{ filedAt: "desc" }, { id: "desc" }] }),
    db.warrantyExtension.findMany({ where: { deviceId: device.id }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] }),
    db.farm.findUnique({ where: { id: device.farmId }, select: { costRates: { select: { currency: true } } } }),
  ]);
  return {
    device,
    status: warrantyStatus(device, today),
    daysLeft: device.warrantyEnd ? warrantyDaysLeft(device.warrantyEnd, today) : null,
    /** For a defect (the usual claim); the claim form checks the issue type it is filed with. */
    eligibility: checkWarrantyEligibility(device, "hardware_failure", today),
    claims,
    extensions,
    currency: farm?.costRates?.currency ?? "EUR",
  };
}

export type DeviceWarranty = Awaited<ReturnType<typeof deviceWarranty>>;

export async function extendWarranty(db: Db, actor: Actor, ref: DeviceRef, input: ExtensionInput, today = new Date()) {
  return db.$transaction(async (tx) => {
    const device = await findScopedDevice(tx, actor, ref, DEVICE_SELECT);
    if (device.state === "decommissioned") throw new InvalidError(`${device.deviceId} is retired: its warranty is not extended.`);
    if (device.warrantyVoidedAt) throw new InvalidError(`The warranty of ${device.deviceId} is void: lift the void first if the supplier agrees to cover it again.`, { months: ["The warranty is void"] });
    const newEnd = extendedEnd(device.warrantyEnd, input.months, today);
    // Guarded by the end read: two extensions at once must both count, not overwrite each other.
    const moved = await tx.device.updateMany({
      where: { id: device.id, warrantyEnd: device.warrantyEnd, warrantyVoidedAt: null },
      data: { warrantyEnd: newEnd, ...(device.warrantyStart ? {} : { warrantyStart: new Date(utcDay(today)) }) },
    });
    if (moved.count === 0) throw new ConflictError(`The warranty of ${device.deviceId} changed meanwhile. Reload and try again.`);
    const extension = await tx.warrantyExtension.create({
      data: {
        deviceId: device.id,
        farmId: device.farmId,
        previousEnd: device.warrantyEnd,
        newEnd,
        months: input.months,
        cost: new Prisma.Decimal(input.cost.toFixed(2)),
        provider: input.provider ?? null,
        createdById: actor.kind === "user" ? actor.id : null,
      },
    });
    await recordAudit(tx, actor, {
      entityType: "device",
      entityId: device.deviceId,
      action: "warranty.extended",
      before: { warrantyEnd: device.warrantyEnd?.toISOString().slice(0, 10) ?? null },
      after: { warrantyEnd: newEnd.toISOString().slice(0, 10), months: input.months, cost: input.cost.toFixed(2), provider: input.provider ?? null },
    });
    return extension;
  });
}

export async function setWarrantyVoid(db: Db, actor: Actor, ref: DeviceRef, input: VoidInput, now = new Date()) {
  return db.$transaction(async (tx) => {
    const device = await findScopedDevice(tx, actor, ref, DEVICE_SELECT);
    if (input.void && device.warrantyVoidedAt) throw new ConflictError(`The warranty of ${device.deviceId} is already void (${device.warrantyVoidReason ?? "no reason given"}).`);
    if (!input.void && !device.warrantyVoidedAt) throw new ConflictError(`The warranty of ${device.deviceId} is not void.`);
    const data = input.void ? { warrantyVoidedAt: now, warrantyVoidReason: input.reason! } : { warrantyVoidedAt: null, warrantyVoidReason: null };
    const moved = await tx.device.updateMany({ where: { id: device.id, warrantyVoidedAt: device.warrantyVoidedAt }, data });
    if (moved.count === 0) throw new ConflictError(`The warranty of ${device.deviceId} changed meanwhile. Reload and try again.`);
    await recordAudit(tx, actor, {
      entityType: "device",
      entityId: device.deviceId,
      action: input.void ? "warranty.voided" : "warranty.unvoided",
      before: { voidReason: device.warrantyVoidReason },
      after: { voidReason: input.void ? input.reason! : null, ...(input.reason && !input.void ? { note: input.reason } : {}) },
    });
    return { deviceId: device.deviceId, voided: input.void, reason: input.void ? input.reason! : null, at: input.void ? now : null };
  });
}

/**
 * Devices whose warranty ends within `days` (today included), soonest first: the dashboard's digest
 * and the warranty screen's table. Void and retired devices are left out. On the warranty_end index.
 */
export async function expiringWarranties(db: Db, actor: Pick<Actor, "farmId" | "role">, options: { farmId?: number | null; days: number; take?: number }, today = new Date()) {
  const scope = farmScope(actor) ?? options.farmId ?? null;
  const from = new Date(utcDay(today));
  const until = new Date(utcDay(today) + (options.days - 1) * DAY);
  const where: Prisma.DeviceWhereInput = {
    ...(scope !== null ? { farmId: scope } : {}),
    state: { not: "decommissioned" },
    warrantyVoidedAt: null,
    warrantyEnd: { gte: from, lte: until },
  };
  const [rows, total] = await Promise.all([
    db.device.findMany({
      where,
      orderBy: [{ warrantyEnd: "asc" }, { deviceId: "asc" }],
      take: options.take ?? 200,
      select: { id: true, deviceId: true, name: true, deviceType: true, warrantyEnd: true, warrantyTerms: true, supplier: true, farm: { select: { name: true } } },
    }),
    db.device.count({ where }),
  ]);
  return { total, data: rows.map((row) => ({ ...row, daysLeft: warrantyDaysLeft(row.warrantyEnd!, today) })) };
}

export { WARRANTY_EXPIRING_DAYS };
