/**
 * Warranty claims (I-013 §9.2): filed for a device the actor may see, numbered WC-000123, sent to the
 * supplier with an RMA number, approved or rejected, closed with a resolution and the cost the
 * supplier covered. One table of allowed moves; anything else is refused with the reason.
 *
 * A device that is not eligible (warranty expired, void, none, or an excluded issue) may still get
 * a claim, but only with an override reason: suppliers do accept goodwill claims, and the person
 * filing must say why they expect one. The reason leads the claim's description and is audited.
 */
import { Prisma } from "@prisma/client";
import { recordAudit } from "../audit/record";
import { farmScope, type Actor } from "../auth/permissions";
import type { Db } from "../db";
import { findScopedDevice } from "../devices/find-device";
import { ConflictError, InvalidError, NotFoundError } from "../errors";
import { checkWarrantyEligibility, type WarrantyEligibility } from "./warranty-eligibility";
import type { ClaimFileInput, ClaimListQuery, ClaimStatus, ClaimTransitionInput } from "./warranty-schemas";

type Tx = Prisma.TransactionClient;

/** The moves a claim may make, from each status. */
export const CLAIM_TRANSITIONS: Record<ClaimStatus, readonly ClaimStatus[]> = {
  open: ["submitted"],
  submitted: ["approved", "rejected"],
  approved: ["closed"],
  rejected: ["closed"],
  closed: [],
};

export function claimNumber(id: number): string {
  return `WC-${String(id).padStart(6, "0")}`;
}

/** The claim's number is its row id, taken from the id sequence before the insert, so the two never disagree. */
async function nextClaimId(tx: Tx): Promise<number> {
  const [row] = await tx.$queryRaw<{ id: number }[]>`SELECT nextval(pg_get_serial_sequence('warranty_claims', 'id'))::int AS id`;
  return row!.id;
}

const WARRANTY_SELECT = { id: true, deviceId: true, name: true, farmId: true, state: true, warrantyEnd: true, warrantyVoidedAt: true, warrantyVoidReason: true, warrantyTerms: true } as const;

export async function fileWarrantyClaim(db: Db, actor: Actor, input: ClaimFileInput, today = new Date()) {
  return db.$transaction(async (tx) => {
    const device = await findScopedDevice(tx, actor, input.deviceId, WARRANTY_SELECT);
    const eligibility = checkWarrantyEligibility(device, input.issueType, today);
    if (!eligibility.eligible && !input.overrideReason) {
      throw new InvalidError(`${device.deviceId} is not eligible: ${eligibility.reason}. The alternative is a paid repair; to file a goodwill claim anyway, give a reason.`, {
        overrideReason: [`Not eligible (${eligibility.reason}): give a reason to file anyway`],
      });
    }
    if (input.maintenanceId) {
      const work = await tx.maintenance.findFirst({ where: { id: input.maintenanceId, deviceId: device.id }, select: { id: true } });
      if (!work) throw new InvalidError("That maintenance record is not one of this device's.", { maintenanceId: [`Not a maintenance record of ${device.deviceId}`] });
    }
    const id = await nextClaimId(tx);
    const override = !eligibility.eligible ? input.overrideReason! : null;
    const claim = await tx.warrantyClaim.create({
      data: {
        id,
        claimNumber: claimNumber(id),
        deviceId: device.id,
        farmId: device.farmId,
        maintenanceId: input.maintenanceId ?? null,
        issueType: input.issueType,
        issueDescription: override ? `Goodwill claim (not eligible: ${(eligibility as { reason: string }).reason}). ${override}\n\n${input.issueDescription}` : input.issueDescription,
        filedAt: today,
        filedById: actor.kind === "user" ? actor.id : null,
      },
    });
    await recordAudit(tx, actor, {
      entityType: "warranty_claim",
      entityId: claim.claimNumber,
      action: "warranty_claim.filed",
      after: { device: device.deviceId, issueType: input.issueType, eligible: eligibility.eligible, ...(override ? { overrideReason: override } : {}) },
    });
    await recordAudit(tx, actor, { entityType: "device", entityId: device.deviceId, action: "warranty_claim.filed", after: { claim: claim.claimNumber, issueType: input.issueType } });
    return { claim, eligibility };
  });
}

/** Moves a claim on; a move the table does not allow, or a claim changed meanwhile, is refused. */
export async function moveWarrantyClaim(db: Db, actor: Actor, id: number, input: ClaimTransitionInput, now = new Date()) {
  return db.$transaction(async (tx) => {
    const claim = await scopedClaim(tx, actor, id);
    const from = claim.status as ClaimStatus;
    if (!CLAIM_TRANSITIONS[from].includes(input.status)) {
      const allowed = CLAIM_TRANSITIONS[from];
      throw new ConflictError(
        `${claim.claimNumber} is ${from}: it cannot be ${input.status}. ${allowed.length ? `From ${from} it can only be ${allowed.join(" or ")}.` : "A closed claim is final."}`,
        { status: [`Not allowed from ${from}`] },
      );
    }
    let data: Prisma.WarrantyClaimUpdateManyMutationInput;
    switch (input.status) {
      case "submitted":
        data = { status: "submitted", rmaNumber: input.rmaNumber, submittedAt: now };
        break;
      case "approved":
      case "rejected":
        data = { status: input.status, ...(input.resolutionNotes ? { resolutionNotes: input.resolutionNotes } : {}) };
        break;
      case "closed": {
        if (from === "rejected" && input.resolution !== "rejected") {
          throw new InvalidError("A rejected claim closes as rejected.", { resolution: ["The supplier rejected this claim: close it as rejected"] });
        }
        if (from === "approved" && input.resolution === "rejected") {
          throw new InvalidError("An approved claim closes as repaired, replaced or refunded.", { resolution: ["The supplier approved this claim: repaired, replaced or refunded"] });
        }
        if (input.resolution === "rejected" && (input.costCovered ?? 0) > 0) {
          throw new InvalidError("A rejected claim covers no cost.", { costCovered: ["A rejected claim covers nothing"] });
        }
        data = {
          status: "closed",
          resolution: input.resolution,
          resolutionNotes: input.resolutionNotes ?? claim.resolutionNotes,
          costCovered: new Prisma.Decimal((input.costCovered ?? 0).toFixed(2)),
          closedAt: now,
          closedById: actor.kind === "user" ? actor.id : null,
        };
        break;
      }
    }
    // Guarded by the status read: a second person's move in between makes this one a no-op, refused.
    const moved = await tx.warrantyClaim.updateMany({ where: { id: claim.id, status: from }, data });
    if (moved.count === 0) throw new ConflictError(`${claim.claimNumber} changed meanwhile. Reload it and try again.`);
    await recordAudit(tx, actor, {
      entityType: "warranty_claim",
      entityId: claim.claimNumber,
      action: `warranty_claim.${input.status}`,
      before: { status: from },
      after: JSON.parse(JSON.stringify({ ...data, status: input.status })) as Prisma.InputJsonValue,
    });
    return tx.warrantyClaim.findUniqueOrThrow({ where: { id: claim.id }, include: CLAIM_INCLUDE });
  });
}

async function scopedClaim(db: Pick<Tx, "warrantyClaim">, actor: Pick<Actor, "farmId" | "role">, id: number) {
  const scope = farmScope(actor);
  const claim = await db.warrantyClaim.findFirst({ where: { id, ...(scope !== null ? { farmId: scope } : {}) } });
  if (!claim) throw new NotFoundError(`No warranty claim ${id}.`);
  return claim;
}

export const CLAIM_INCLUDE = {
  device: { select: { deviceId: true, name: true, deviceType: true, warrantyEnd: true, warrantyVoidedAt: true, warrantyVoidReason: true, warrantyTerms: true } },
  maintenance: { select: { id: true, maintenanceType: true, status: true, scheduledDate: true, description: true } },
} as const;

export type ClaimWithDevice = Prisma.WarrantyClaimGetPayload<{ include: typeof CLAIM_INCLUDE }>;

export async function getWarrantyClaim(db: Db, actor: Pick<Actor, "farmId" | "role">, id: number) {
  const claim = await scopedClaim(db, actor, id);
  const full = await db.warrantyClaim.findUniqueOrThrow({ where: { id: claim.id }, include: CLAIM_INCLUDE });
  const people = await db.user.findMany({ where: { id: { in: [full.filedById, full.closedById].filter((x): x is number => x !== null) } }, select: { id: true, name: true } });
  const name = (who: number | null) => people.find((person) => person.id === who)?.name ?? null;
  const farm = await db.farm.findUnique({ where: { id: full.farmId }, select: { name: true, timezone: true, costRates: { select: { currency: true } } } });
  return { ...full, filedBy: name(full.filedById), closedBy: name(full.closedById), farmName: farm?.name ?? "", timeZone: farm?.timezone ?? "UTC", currency: farm?.costRates?.currency ?? "EUR" };
}

export async function listWarrantyClaims(db: Db, actor: Pick<Actor, "farmId" | "role">, query: ClaimListQuery) {
  const scope = farmScope(actor);
  const farmId = scope ?? query.farm ?? null;
  const base: Prisma.WarrantyClaimWhereInput = {
    ...(farmId !== null ? { farmId } : {}),
    ...(query.device ? { device: { deviceId: query.device.toUpperCase() } } : {}),
  };
  const where = { ...base, ...(query.status ? { status: query.status } : {}) };
  const [rows, total, byStatus] = await Promise.all([
    db.warrantyClaim.findMany({ where, orderBy: [{ filedAt: "desc" }, { id: "desc" }], skip: (query.page - 1) * query.pageSize, take: query.pageSize, include: { device: { select: { deviceId: true, name: true, deviceType: true } } } }),
    db.warrantyClaim.count({ where }),
    db.warrantyClaim.groupBy({ by: ["status"], where: base, _count: { _all: true } }),
  ]);
  const counts = Object.fromEntries(["open", "submitted", "approved", "rejected", "closed"].map((status) => [status, byStatus.find((row) => row.status === status)?._count._all ?? 0])) as Record<ClaimStatus, number>;
  return { data: rows, total, page: query.page, pageSize: query.pageSize, counts };
}

export function claimJson(claim: { id: number; claimNumber: string; farmId: number; maintenanceId: number | null; issueType: string; issueDescription: string; status: string; rmaNumber: string | null; resolution: string | null; resolutionNotes: string | null; costCovered: Prisma.Decimal | null; filedAt: Date; submittedAt: Date | null; closedAt: Date | null; device?: { deviceId: string; name: string } }) {
  return {
    id: claim.id,
    claimNumber: claim.claimNumber,
    deviceId: claim.device?.deviceId ?? null,
    deviceName: claim.device?.name ?? null,
    farmId: claim.farmId,
    maintenanceId: claim.maintenanceId,
    issueType: claim.issueType,
    issueDescription: claim.issueDescription,
    status: claim.status,
    rmaNumber: claim.rmaNumber,
    resolution: claim.resolution,
    resolutionNotes: claim.resolutionNotes,
    costCovered: claim.costCovered === null ? null : Number(claim.costCovered),
    filedAt: claim.filedAt.toISOString(),
    submittedAt: claim.submittedAt?.toISOString() ?? null,
    closedAt: claim.closedAt?.toISOString() ?? null,
  };
}

export type { WarrantyEligibility };
