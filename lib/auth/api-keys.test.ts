import { describe, expect, it } from "vitest";
import { apiKeyFromHeaders, createApiKeySchema } from "./api-keys";

describe("createApiKeySchema", () => {
  it("reads the form's 'All farms' (empty) as no farm", () => {
    expect(createApiKeySchema.parse({ name: "ERP sync", role: "viewer", farmId: "" }).farmId).toBeNull();
    expect(createApiKeySchema.parse({ name: "ERP sync", role: "viewer", farmId: "3" }).farmId).toBe(3);
  });

  it("refuses a missing name, an unknown role and farm 0 with a message per field", () => {
    const result = createApiKeySchema.safeParse({ name: " ", role: "owner", farmId: "0" });
    expect(result.success).toBe(false);
    const fields = result.error!.issues.map((issue) => issue.path.join("."));
    expect(fields).toEqual(expect.arrayContaining(["name", "role", "farmId"]));
  });
});

describe("apiKeyFromHeaders", () => {
  it("accepts X-API-Key and Authorization: Bearer", () => {
    expect(apiKeyFromHeaders(new Headers({ "X-API-Key": "sdm_abc" }))).toBe("sdm_abc");
    expect(apiKeyFromHeaders(new Headers({ Authorization: "Bearer sdm_def" }))).toBe("sdm_def");
    expect(apiKeyFromHeaders(new Headers({ Authorization: "Basic xyz" }))).toBeNull();
    expect(apiKeyFromHeaders(new Headers())).toBeNull();
  });
});
