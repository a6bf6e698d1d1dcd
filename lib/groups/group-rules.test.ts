import { describe, expect, it } from "vitest";
import {
  changedFields,
  describeDevices,
  groupRefusal,
  groupToCheck,
  groupVisible,
  groupWriteRefusal,
  orderAsTree,
  parentRefusal,
  placementRefusal,
  rollUpCounts,
  subtreeIds,
  wouldCreateCycle,
} from "./group-rules";

const GVD = 1;
const HMF = 2;

describe("which devices a group may hold (groupRefusal)", () => {
  const parlour = { name: "Milking parlour", farmId: GVD, deviceTypeFilter: "milk_meter" as const };

  it("accepts a milk meter of the same farm in the parlour group", () => {
    expect(groupRefusal(parlour, { deviceId: "MM001", deviceType: "milk_meter", farmId: GVD })).toBeNull();
  });

  it("refuses a collar in a milk-meter-only group, naming both types", () => {
    expect(groupRefusal(parlour, { deviceId: "AC001", deviceType: "collar", farmId: GVD })).toBe("AC001 is an Activity Collar; group “Milking parlour” holds only Milk Meter devices.");
  });

  it("refuses another farm's device in a farm's group", () => {
    expect(groupRefusal(parlour, { deviceId: "MM101", deviceType: "milk_meter", farmId: HMF })).toMatch(/MM101 belongs to another farm/);
  });

  it("lets an all-types cross-farm group hold anything", () => {
    const everywhere = { name: "All gateways", farmId: null, deviceTypeFilter: null };
    expect(groupRefusal(everywhere, { deviceId: "GW001", deviceType: "gateway", farmId: HMF })).toBeNull();
  });

  it("checks the type filter of a cross-farm group too", () => {
    expect(groupRefusal({ name: "All meters", farmId: null, deviceTypeFilter: "milk_meter" }, { deviceId: "FD001", deviceType: "feeder", farmId: GVD })).toMatch(/holds only Milk Meter/);
  });
});

describe("no loops in the group tree (wouldCreateCycle)", () => {
  // ALL (1) → PARLOUR (2) → ROTARY (3); HERD (4) is a root.
  const parentOf = new Map<number, number | null>([
    [1, null],
    [2, 1],
    [3, 2],
    [4, null],
  ]);

  it("allows a top-level group (no parent)", () => {
    expect(wouldCreateCycle(2, null, parentOf)).toBe(false);
  });

  it("allows moving a group under an unrelated branch", () => {
    expect(wouldCreateCycle(4, 3, parentOf)).toBe(false);
  });

  it("refuses a group as its own parent", () => {
    expect(wouldCreateCycle(2, 2, parentOf)).toBe(true);
  });

  it("refuses a group under its own child or grandchild", () => {
    expect(wouldCreateCycle(1, 2, parentOf)).toBe(true);
    expect(wouldCreateCycle(1, 3, parentOf)).toBe(true);
  });

  it("refuses rather than spins when the data already holds a loop", () => {
    const broken = new Map<number, number | null>([
      [5, 6],
      [6, 5],
    ]);
    expect(wouldCreateCycle(9, 5, broken)).toBe(true);
  });

  it("treats a parent missing from the map as a root", () => {
    expect(wouldCreateCycle(1, 99, parentOf)).toBe(false);
  });
});

describe("a group and everything below it (subtreeIds)", () => {
  const parentOf = new Map<number, number | null>([
    [1, null],
    [2, 1],
    [3, 2],
    [4, 1],
    [5, null],
  ]);

  it("walks the whole branch breadth-first", () => {
    expect(subtreeIds(1, parentOf)).toEqual([1, 2, 4, 3]);
  });

  it("is just the group for a leaf", () => {
    expect(subtreeIds(3, parentOf)).toEqual([3]);
  });

  it("terminates on a loop in bad data", () => {
    const broken = new Map<number, number | null>([
      [1, 2],
      [2, 1],
    ]);
    expect(subtreeIds(1, broken).sort()).toEqual([1, 2]);
  });
});

describe("where a group may hang (parentRefusal)", () => {
  const crossFarm = { name: "All meters", farmId: null };
  const gvdAll = { name: "GVD — all barns", farmId: GVD };

  it("lets anything sit under a cross-farm group", () => {
    expect(parentRefusal({ name: "Parlour", farmId: GVD }, crossFarm)).toBeNull();
    expect(parentRefusal({ name: "EU meters", farmId: null }, crossFarm)).toBeNull();
  });

  it("lets a farm's group sit under a group of the same farm", () => {
    expect(parentRefusal({ name: "Parlour", farmId: GVD }, gvdAll)).toBeNull();
  });

  it("refuses a group of another farm as parent", () => {
    expect(parentRefusal({ name: "Parlour", farmId: HMF }, gvdAll)).toMatch(/belongs to another farm/);
  });

  it("refuses a cross-farm group under a farm's group", () => {
    expect(parentRefusal({ name: "All meters", farmId: null }, gvdAll)).toMatch(/cross-farm group cannot sit under “GVD — all barns”/);
  });
});

describe("who changes which group (groupWriteRefusal, groupVisible)", () => {
  it("lets an admin (no farm scope) change any group", () => {
    expect(groupWriteRefusal(null, null)).toBeNull();
    expect(groupWriteRefusal(null, HMF)).toBeNull();
  });

  it("lets a manager change their own farm's groups only", () => {
    expect(groupWriteRefusal(GVD, GVD)).toBeNull();
    expect(groupWriteRefusal(GVD, HMF)).toBe("You can only change your own farm's groups.");
  });

  it("keeps cross-farm groups for admins", () => {
    expect(groupWriteRefusal(GVD, null)).toBe("Cross-farm groups are managed by an admin.");
  });

  it("shows a farm-bound person their farm's and the cross-farm groups", () => {
    expect(groupVisible(GVD, GVD)).toBe(true);
    expect(groupVisible(GVD, null)).toBe(true);
    expect(groupVisible(GVD, HMF)).toBe(false);
    expect(groupVisible(null, HMF)).toBe(true);
  });
});

describe("naming the devices that block a change (describeDevices)", () => {
  it("lists them all when there are few", () => {
    expect(describeDevices(["MM001", "MM002"], 2)).toBe("MM001, MM002");
  });

  it("says how many more beyond the first ones", () => {
    expect(describeDevices(["MM001", "MM002"], 14)).toBe("MM001, MM002 and 12 more");
  });
});

describe("device and online counts with subtree totals (rollUpCounts)", () => {
  // ALL (1) → PARLOUR (2) → ROTARY (3); HERD (4) under ALL.
  const parentOf = new Map<number, number | null>([
    [1, null],
    [2, 1],
    [3, 2],
    [4, 1],
  ]);

  it("counts each group's own devices and adds them up the tree", () => {
    const counts = rollUpCounts(
      [
        { groupId: 2, online: true, count: 8 },
        { groupId: 2, online: false, count: 2 },
        { groupId: 3, online: true, count: 4 },
        { groupId: 4, online: false, count: 5 },
        { groupId: 1, online: true, count: 1 },
      ],
      parentOf,
    );
    expect(counts.get(2)).toEqual({ deviceCount: 10, onlineCount: 8, subtreeDeviceCount: 14, subtreeOnlineCount: 12 });
    expect(counts.get(3)).toEqual({ deviceCount: 4, onlineCount: 4, subtreeDeviceCount: 4, subtreeOnlineCount: 4 });
    expect(counts.get(1)).toEqual({ deviceCount: 1, onlineCount: 1, subtreeDeviceCount: 20, subtreeOnlineCount: 13 });
  });

  it("gives an empty group zeros, and ignores rows of groups not shown", () => {
    const counts = rollUpCounts([{ groupId: 99, online: true, count: 3 }], parentOf);
    expect(counts.get(4)).toEqual({ deviceCount: 0, onlineCount: 0, subtreeDeviceCount: 0, subtreeOnlineCount: 0 });
    expect(counts.has(99)).toBe(false);
  });

  it("stops at a parent that is not shown (a hidden farm's branch)", () => {
    const counts = rollUpCounts([{ groupId: 7, online: true, count: 2 }], new Map([[7, 50]]));
    expect(counts.get(7)?.subtreeDeviceCount).toBe(2);
  });

  it("counts once around a loop in bad data", () => {
    const counts = rollUpCounts(
      [{ groupId: 1, online: false, count: 3 }],
      new Map<number, number | null>([
        [1, 2],
        [2, 1],
      ]),
    );
    expect(counts.get(1)?.subtreeDeviceCount).toBe(3);
    expect(counts.get(2)?.subtreeDeviceCount).toBe(3);
  });
});

describe("what changed, for the history (changedFields)", () => {
  it("keeps only the fields that differ", () => {
    expect(changedFields({ name: "Parlour", code: "P", farm: "GVD" }, { name: "Rotary parlour", code: "P", farm: "GVD" })).toEqual({ before: { name: "Parlour" }, after: { name: "Rotary parlour" } });
  });

  it("is null when nothing changed", () => {
    expect(changedFields({ name: "Parlour", deviceTypeFilter: null }, { name: "Parlour", deviceTypeFilter: null })).toBeNull();
  });
});

describe("the tree in reading order (orderAsTree)", () => {
  const group = (id: number, parentId: number | null, name: string, sequence = 10) => ({ id, parentId, name, sequence });

  it("puts children right after their parent, by sequence then name, with their depth", () => {
    const ordered = orderAsTree([group(3, 1, "Herd collars"), group(2, 1, "Milking parlour", 5), group(1, null, "GVD — all barns"), group(4, 2, "Rotary")]);
    expect(ordered.map(({ group, depth }) => `${depth}:${group.name}`)).toEqual(["0:GVD — all barns", "1:Milking parlour", "2:Rotary", "1:Herd collars"]);
  });

  it("shows a group whose parent is hidden as a root", () => {
    expect(orderAsTree([group(2, 77, "Parlour")])).toEqual([{ group: group(2, 77, "Parlour"), depth: 0 }]);
  });

  it("lists groups caught in a loop at the end instead of losing them", () => {
    const ordered = orderAsTree([group(1, 2, "A"), group(2, 1, "B"), group(3, null, "C")]);
    expect(ordered.map(({ group, depth }) => `${depth}:${group.name}`)).toEqual(["0:C", "0:A", "0:B"]);
  });
});

describe("a device's group after an edit (the registry and the CSV import)", () => {
  it("checks a newly chosen group, and the device's own group when it moves farm", () => {
    expect(groupToCheck({ groupId: null, farmId: 1 }, { groupId: 5, farmId: 1 })).toBe(5);
    expect(groupToCheck({ groupId: 5, farmId: 1 }, { groupId: 5, farmId: 2 })).toBe(5);
    expect(groupToCheck({ groupId: 5, farmId: 1 }, { groupId: 5, farmId: 1 })).toBeNull();
    expect(groupToCheck({ groupId: 5, farmId: 1 }, { groupId: null, farmId: 2 })).toBeNull();
  });

  it("refuses an archived group before its type and farm", () => {
    const device = { deviceId: "AC001", deviceType: "collar" as const, farmId: 1 };
    expect(placementRefusal({ name: "Old", farmId: 2, deviceTypeFilter: null, active: false }, device)).toBe("Group “Old” is archived.");
    expect(placementRefusal({ name: "Herd", farmId: 2, deviceTypeFilter: null, active: true }, device)).toBe("AC001 belongs to another farm than group “Herd”.");
    expect(placementRefusal({ name: "All", farmId: null, deviceTypeFilter: null, active: true }, device)).toBeNull();
  });
});
