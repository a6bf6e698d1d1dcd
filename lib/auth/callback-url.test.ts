import { describe, expect, it } from "vitest";
import { safeCallbackPath } from "./callback-url";

const app = "http://farm.example:3000";

describe("safeCallbackPath", () => {
  it("keeps a path of the app, with its query and fragment", () => {
    expect(safeCallbackPath("/devices?farm=2#list", app)).toBe("/devices?farm=2#list");
    expect(safeCallbackPath("http://farm.example:3000/updates/4", app)).toBe("/updates/4");
  });

  it.each(["/\\evil.example/x", "//evil.example", "https://evil.example", "\\\\evil.example", "/.//evil.example", "http://farm.example:3001/x", "javascript:alert(1)", " //evil.example", "/\t/evil.example"])(
    "sends %j to the app's home, not another site",
    (value) => {
      const path = safeCallbackPath(value, app);
      expect(new URL(path, app).origin).toBe(app);
      expect(path.startsWith("//")).toBe(false);
    },
  );

  it("keeps an encoded backslash as a path on the app", () => {
    expect(new URL(safeCallbackPath("/%5cevil.example", app), app).origin).toBe(app);
  });

  it("answers / for nothing", () => {
    expect(safeCallbackPath(undefined, app)).toBe("/");
    expect(safeCallbackPath("", app)).toBe("/");
  });
});
