import { describe, expect, it } from "vitest";
import { fieldErrorsFromIssues } from "../errors";
import { groupCreateSchema, groupEditFormSchema, groupIdParamsSchema, groupUpdateSchema } from "./group-schemas";

function errorsOf(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  return result.success ? {} : fieldErrorsFromIssues(result.error!.issues);
}

describe("group input, from a form and from JSON alike", () => {
  it("reads a form: blanks are none, numbers are strings, the code is upper-cased", () => {
    const parsed = groupCreateSchema.parse({ name: " Milking parlour ", code: "gvd-parlour-2", farmId: "3", parentId: "", deviceTypeFilter: "", healthCheckInterval: "120", offlineAlertThreshold: "", description: "" });
    expect(parsed).toMatchObject({ name: "Milking parlour", code: "GVD-PARLOUR-2", farmId: 3, parentId: null, deviceTypeFilter: null, healthCheckInterval: 120, description: null });
    // Blank threshold: keep the default, never null.
    expect(parsed.offlineAlertThreshold).toBeUndefined();
  });

  it("reads JSON, where M92's 'all' type means no filter", () => {
    expect(groupCreateSchema.parse({ name: "All meters", code: "ALL_MM", farmId: null, deviceTypeFilter: "all" })).toMatchObject({ farmId: null, deviceTypeFilter: null });
    expect(groupCreateSchema.parse({ name: "Meters", code: "MM", deviceTypeFilter: "milk_meter" }).deviceTypeFilter).toBe("milk_meter");
  });

  it("gives one message per wrong field", () => {
    const errors = errorsOf(groupCreateSchema.safeParse({ name: "", code: "parlour #1", deviceTypeFilter: "tractor", healthCheckInterval: 5, offlineAlertThreshold: 0, color: 12 }));
    expect(errors.name).toEqual(["Name is required"]);
    expect(errors.code).toEqual(["Use letters, digits, - and _ only (e.g. GVD-PARLOUR)"]);
    expect(errors.deviceTypeFilter).toEqual(["Unknown device type"]);
    expect(errors.healthCheckInterval).toEqual(["Must be at least 10"]);
    expect(errors.offlineAlertThreshold).toEqual(["Must be at least 1"]);
    expect(errors.color).toEqual(["Must be at most 11"]);
  });

  it("requires a code and caps the health-check interval at a day", () => {
    const errors = errorsOf(groupCreateSchema.safeParse({ name: "Parlour", healthCheckInterval: 86_401 }));
    expect(errors.code).toEqual(["Code is required"]);
    expect(errors.healthCheckInterval).toEqual(["Must be at most 86400"]);
  });

  it("refuses unknown fields rather than ignoring them", () => {
    expect(errorsOf(groupCreateSchema.safeParse({ name: "Parlour", code: "P", owner: "me" })).owner).toEqual(["Unknown field"]);
  });

  it("updates with any subset, but not with nothing", () => {
    expect(groupUpdateSchema.parse({ offlineAlertThreshold: 3 })).toEqual({ offlineAlertThreshold: 3 });
    expect(groupUpdateSchema.safeParse({}).success).toBe(false);
    expect(groupUpdateSchema.parse({ parentId: null })).toEqual({ parentId: null });
  });

  it("reads the edit form's id", () => {
    expect(groupEditFormSchema.parse({ id: "12", name: "Parlour", code: "p" })).toMatchObject({ id: 12, code: "P" });
  });

  it("says clearly that a group id is a number", () => {
    expect(errorsOf(groupIdParamsSchema.safeParse({ id: "parlour" })).id).toEqual(["A group id is a number"]);
    expect(errorsOf(groupIdParamsSchema.safeParse({ id: "0" })).id).toEqual(["A group id is a positive number"]);
  });
});
