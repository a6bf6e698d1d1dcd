import { describe, expect, it } from "vitest";
import { containsInsensitive, containsPattern, equalsInsensitive, escapeLike } from "./like-pattern";

describe("LIKE patterns", () => {
  it("escapes the wildcards and the escape character itself", () => {
    expect(escapeLike("100%_\\x")).toBe("100\\%\\_\\\\x");
    expect(escapeLike("plain text")).toBe("plain text");
  });

  it("builds contains and equals filters around the escaped text", () => {
    expect(containsPattern("a_b")).toBe("%a\\_b%");
    expect(containsInsensitive("%")).toEqual({ contains: "\\%", mode: "insensitive" });
    expect(equalsInsensitive("Pen_1")).toEqual({ equals: "Pen\\_1", mode: "insensitive" });
  });
});
