import { describe, expect, it } from "vitest";
import { changesText, fieldChanges } from "./audit-diff";

describe("fieldChanges", () => {
  it("lists the changed fields only, with values in words", () => {
    expect(fieldChanges({ name: "A", state: "active", tags: ["x"] }, { name: "B", state: "active", tags: ["x", "y"] })).toEqual([
      { field: "name", before: "A", after: "B" },
      { field: "tags", before: "x", after: "x, y" },
    ]);
  });

  it("shows a creation's values, a removal, nested values and plain values", () => {
    expect(fieldChanges(null, { role: "technician" })).toEqual([{ field: "role", before: null, after: "technician" }]);
    expect(fieldChanges({ note: "old" }, {})).toEqual([{ field: "note", before: "old", after: null }]);
    expect(fieldChanges({}, { parameters: { interval: 5 } })).toEqual([{ field: "parameters", before: null, after: '{"interval":5}' }]);
    expect(fieldChanges("a", "b")).toEqual([{ field: "value", before: "a", after: "b" }]);
    expect(fieldChanges(null, null)).toEqual([]);
  });

  it("cuts long values", () => {
    const [change] = fieldChanges({}, { text: "x".repeat(500) });
    expect(change!.after!.length).toBe(200);
    expect(change!.after!.endsWith("…")).toBe(true);
  });

  it("reads as one line for a CSV cell", () => {
    expect(changesText({ state: "active" }, { state: "retired", reason: "broken" })).toBe("state: active → retired; reason: broken");
  });
});
