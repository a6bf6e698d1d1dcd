import { describe, expect, it } from "vitest";
import { filterChipsFor, hrefWithout } from "./filter-chips";

describe("active-filter chips", () => {
  const fields = [
    { name: "device", label: "Device" },
    { name: "status", label: "Status", options: [{ value: "scheduled,in_progress,overdue", label: "Open (not done)" }, { value: "done", label: "Done" }, { value: "overdue", label: "Overdue" }] },
    { name: "type", label: "Type", options: [{ value: "milk_meter", label: "Milk meter" }] },
  ];

  it("names each active filter by its label and clears it, keeping the others, the look and the view", () => {
    const raw = { device: "MM0", status: "done,overdue", page: "3", density: "compact", columns: "date,status", savedView: "7", type: "" };
    expect(filterChipsFor("/maintenance/list", raw, fields)).toEqual([
      { name: "device", label: "Device", value: "MM0", href: "/maintenance/list?status=done%2Coverdue&density=compact&columns=date%2Cstatus&savedView=7" },
      { name: "status", label: "Status", value: "Done, Overdue", href: "/maintenance/list?device=MM0&density=compact&columns=date%2Cstatus&savedView=7" },
    ]);
  });

  it("reads an option that stands for several values as one, and shows an unknown value as written", () => {
    expect(filterChipsFor("/m", { status: "scheduled,in_progress,overdue", type: "robot" }, fields).map((chip) => chip.value)).toEqual(["Open (not done)", "robot"]);
  });

  it("gives no chip to a parameter the page could not read", () => {
    expect(filterChipsFor("/m", { status: "nonsense" }, fields, ["status"])).toEqual([]);
  });

  it("drops the page and the cursor with the filter: a narrower list starts at its first page", () => {
    expect(hrefWithout("/diagnostics", { status: "failed", cursor: "abc", prev: "x,y" }, ["status"])).toBe("/diagnostics");
    expect(hrefWithout("/alerts", { tag: ["a", "b"], severity: "critical" }, ["severity"])).toBe("/alerts?tag=a&tag=b");
  });
});
