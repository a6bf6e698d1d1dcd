import { describe, expect, it } from "vitest";
import { fieldErrorsFromIssues } from "../errors";
import { tagCreateSchema, tagEditFormSchema, tagUpdateSchema } from "./tag-schemas";

describe("tag input", () => {
  it("reads a form: trimmed name, colour index as a string", () => {
    expect(tagCreateSchema.parse({ name: " Fresh cows ", color: "5" })).toEqual({ name: "Fresh cows", color: 5 });
  });

  it("keeps the default colour when none is picked", () => {
    expect(tagCreateSchema.parse({ name: "Barn 2", color: "" }).color).toBeUndefined();
  });

  it("refuses a blank name and a colour outside the palette, one message per field", () => {
    const result = tagCreateSchema.safeParse({ name: " ", color: 12 });
    expect(result.success).toBe(false);
    const errors = fieldErrorsFromIssues(result.error!.issues);
    expect(errors.name).toEqual(["Name is required"]);
    expect(errors.color).toEqual(["Must be at most 11"]);
  });

  it("renames or recolours alone, but needs one of them", () => {
    expect(tagUpdateSchema.parse({ color: 3 })).toEqual({ color: 3 });
    expect(tagUpdateSchema.safeParse({}).success).toBe(false);
    expect(tagUpdateSchema.safeParse({ name: "x", colour: 3 }).success).toBe(false);
  });

  it("reads the edit form's id", () => {
    expect(tagEditFormSchema.parse({ id: "4", name: "Dry cows", color: "2" })).toEqual({ id: 4, name: "Dry cows", color: 2 });
  });
});
