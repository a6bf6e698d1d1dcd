import { describe, expect, it } from "vitest";
import type { Actor } from "../auth/permissions";
import { NotFoundError } from "../errors";
import { resolveSummaryFarm } from "./health-summary";

const farms = [
  { id: 1, code: "GV", name: "Green Valley Dairy" },
  { id: 2, code: "HM", name: "Hill Meadow" },
];

/** The farm lookups resolveSummaryFarm makes, answered from the list above. */
const db = {
  farm: {
    findUnique: async ({ where }: { where: { id?: number; code?: string } }) => farms.find((farm) => farm.id === where.id || farm.code === where.code) ?? null,
    findUniqueOrThrow: async ({ where }: { where: { id: number } }) => farms.find((farm) => farm.id === where.id)!,
  },
} as unknown as Parameters<typeof resolveSummaryFarm>[0];

const admin = { kind: "user", id: 1, label: "a", name: "A", role: "admin", farmId: null } as Actor;
const manager = { kind: "user", id: 2, label: "m", name: "M", role: "manager", farmId: 1 } as Actor;

describe("resolveSummaryFarm", () => {
  it("gives an admin every farm when none is asked for, and a farm-bound person their own", async () => {
    expect(await resolveSummaryFarm(db, admin, null)).toBeNull();
    expect(await resolveSummaryFarm(db, admin, "")).toBeNull();
    expect(await resolveSummaryFarm(db, manager, null)).toEqual(farms[0]);
  });

  it("finds a farm by id (number or digits) or by code in any case", async () => {
    expect(await resolveSummaryFarm(db, admin, 2)).toEqual(farms[1]);
    expect(await resolveSummaryFarm(db, admin, "2")).toEqual(farms[1]);
    expect(await resolveSummaryFarm(db, admin, "hm")).toEqual(farms[1]);
    expect(await resolveSummaryFarm(db, manager, "gv")).toEqual(farms[0]);
  });

  it("answers 'not found' for another farm to a farm-bound person, exactly as for a farm that does not exist", async () => {
    await expect(resolveSummaryFarm(db, manager, "HM")).rejects.toThrow(new NotFoundError("Farm HM not found."));
    await expect(resolveSummaryFarm(db, manager, 2)).rejects.toThrow(new NotFoundError("Farm 2 not found."));
    await expect(resolveSummaryFarm(db, admin, "XX")).rejects.toThrow(new NotFoundError("Farm XX not found."));
  });
});
