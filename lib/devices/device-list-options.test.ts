import { describe, expect, it } from "vitest";
import type { Actor } from "../auth/permissions";
import { readDeviceListOptions } from "./device-list-options";

type GroupRow = { id: number; name: string; parentId: number | null; farmId: number | null; deviceTypeFilter: string | null; farm: { code: string } | null };

/** Answers as PostgreSQL would for the rows given, and records the group query's filter. */
function fakeDb(groups: GroupRow[]) {
  const asked: { groupWhere?: unknown } = {};
  const db = {
    deviceGroup: { findMany: async (args: { where: unknown }) => ((asked.groupWhere = args.where), groups) },
    deviceTag: { findMany: async () => [{ id: 1, name: "Fresh cows", color: 2 }] },
    firmwareVersion: { findMany: async () => [{ version: "2.1.0" }, { version: "2.0.0" }] },
  };
  return { db: db as unknown as Parameters<typeof readDeviceListOptions>[0], asked };
}

const admin = { kind: "user", id: 1, label: "a", name: "A", role: "admin", farmId: null } as Actor;
const manager = { kind: "user", id: 2, label: "m", name: "M", role: "manager", farmId: 7 } as Actor;
const group = (id: number, name: string, parentId: number | null, farm: string | null = "GV"): GroupRow => ({
  id,
  name,
  parentId,
  farmId: farm ? 7 : null,
  deviceTypeFilter: null,
  farm: farm ? { code: farm } : null,
});

describe("readDeviceListOptions", () => {
  it("lists groups depth-first, each under its parent and indented, with the farm on top-level ones", async () => {
    const { db } = fakeDb([group(1, "Barn A", null), group(2, "Parlour", null, null), group(3, "Stalls", 1), group(4, "Row 1", 3), group(5, "Row 2", 3)]);
    const { groups, tags, firmwareVersions } = await readDeviceListOptions(db, admin);
    expect(groups.map((option) => option.label)).toEqual(["Barn A (GV)", "\u2003Stalls", "\u2003\u2003Row 1", "\u2003\u2003Row 2", "Parlour (all farms)"]);
    expect(groups[4]).toEqual({ id: 2, label: "Parlour (all farms)", farmId: null, deviceTypeFilter: null });
    expect(tags).toEqual([{ id: 1, name: "Fresh cows", color: 2 }]);
    expect(firmwareVersions).toEqual(["2.1.0", "2.0.0"]);
  });

  it("shows a group whose parent the person cannot see at the top, rather than losing it", async () => {
    const { db } = fakeDb([group(8, "Calf pens", 99)]);
    expect((await readDeviceListOptions(db, manager)).groups.map((option) => option.label)).toEqual(["Calf pens (GV)"]);
  });

  it("asks only for a farm-bound person's farm and the shared groups; an admin for all", async () => {
    const { db, asked } = fakeDb([]);
    await readDeviceListOptions(db, manager);
    expect(asked.groupWhere).toEqual({ active: true, OR: [{ farmId: 7 }, { farmId: null }] });
    await readDeviceListOptions(db, admin);
    expect(asked.groupWhere).toEqual({ active: true });
  });

  it("stops descending at 20 levels, so a cycle in the data cannot hang the page", async () => {
    const { db } = fakeDb([group(1, "Top", null), group(2, "Loop A", 3), group(3, "Loop B", 2)]);
    expect((await readDeviceListOptions(db, admin)).groups.map((option) => option.label)).toEqual(["Top (GV)"]);
    const chain = Array.from({ length: 25 }, (_, i) => group(i + 1, `L${i}`, i === 0 ? null : i));
    expect((await readDeviceListOptions(fakeDb(chain).db, admin)).groups).toHaveLength(21); // depths 0 to 20
  });
});
