import { describe, expect, it } from "vitest";
import { z } from "zod";
import { booleanish, idList, keepWhenBlank, optionalDate, optionalEnum, optionalId, optionalNumber, optionalText, requiredText } from "./form-values";

const firstMessage = (result: { success: boolean; error?: z.ZodError }) => result.error?.issues[0]?.message;

describe("optionalText", () => {
  const text = optionalText(10);

  it("trims, and reads a blank form field as none (null) and a missing one as untouched", () => {
    expect(text.parse("  Barn 2 ")).toBe("Barn 2");
    expect(text.parse("   ")).toBeNull();
    expect(text.parse(null)).toBeNull();
    expect(text.parse(undefined)).toBeUndefined();
  });

  it("refuses more than its length after trimming, saying the limit", () => {
    expect(text.parse(`  ${"a".repeat(10)}  `)).toBe("a".repeat(10));
    expect(firstMessage(text.safeParse("a".repeat(11)))).toBe("At most 10 characters");
  });
});

describe("requiredText", () => {
  const name = requiredText(5, "Name");

  it("names the field when it is missing or blank", () => {
    expect(firstMessage(name.safeParse(undefined))).toBe("Name is required");
    expect(firstMessage(name.safeParse("   "))).toBe("Name is required");
    expect(firstMessage(name.safeParse("abcdef"))).toBe("At most 5 characters");
    expect(name.parse(" abc ")).toBe("abc");
  });
});

describe("optionalNumber", () => {
  const percent = optionalNumber({ min: 0, max: 100 });
  const seconds = optionalNumber({ min: 10, int: true });

  it("reads a form's string and a JSON number alike; blank is none", () => {
    expect(percent.parse("42.5")).toBe(42.5);
    expect(percent.parse(42.5)).toBe(42.5);
    expect(percent.parse("")).toBeNull();
    expect(percent.parse(undefined)).toBeUndefined();
  });

  it("refuses what is not a number with a message, not NaN", () => {
    expect(firstMessage(percent.safeParse("abc"))).toBe("Must be a number");
  });

  it("holds its bounds and wholeness", () => {
    expect(firstMessage(percent.safeParse("-1"))).toBe("Must be at least 0");
    expect(firstMessage(percent.safeParse(100.5))).toBe("Must be at most 100");
    expect(firstMessage(seconds.safeParse("30.5"))).toBe("Must be a whole number");
    expect(firstMessage(seconds.safeParse("9"))).toBe("Must be at least 10");
    expect(seconds.parse("86400")).toBe(86_400);
  });

  it("takes any number when no bounds are given", () => {
    expect(optionalNumber().parse("-1e6")).toBe(-1_000_000);
  });
});

describe("keepWhenBlank", () => {
  const threshold = keepWhenBlank(optionalNumber({ min: 0, max: 100 }));

  it("turns a blank field into 'leave it as it is' (undefined), never null", () => {
    expect(threshold.parse("")).toBeUndefined();
    expect(threshold.parse(null)).toBeUndefined();
    expect(threshold.parse("15")).toBe(15);
    expect(threshold.safeParse("150").success).toBe(false);
  });
});

describe("optionalId", () => {
  it("reads positive whole ids; blank is none; anything else asks to pick from the list", () => {
    expect(optionalId.parse("7")).toBe(7);
    expect(optionalId.parse("")).toBeNull();
    for (const bad of ["0", "-3", "1.5", "abc"]) expect(firstMessage(optionalId.safeParse(bad)), bad).toBe("Pick one from the list");
  });
});

describe("optionalDate", () => {
  it("keeps a calendar date at UTC midnight; blank is none", () => {
    expect(optionalDate.parse("2026-03-31")).toEqual(new Date(Date.UTC(2026, 2, 31)));
    expect(optionalDate.parse("  ")).toBeNull();
  });

  it("asks for the format when the text is not YYYY-MM-DD", () => {
    for (const bad of ["31.03.2026", "2026-3-31", "2026-03-31T10:00"]) expect(firstMessage(optionalDate.safeParse(bad)), bad).toBe("Use the format YYYY-MM-DD");
  });

  it("refuses a day the calendar does not have rather than moving it to the next month", () => {
    for (const bad of ["2026-13-01", "2026-02-30", "2026-04-31", "2025-02-29"]) expect(firstMessage(optionalDate.safeParse(bad)), bad).toBe("Not a real date");
    expect(optionalDate.parse("2028-02-29")).toEqual(new Date(Date.UTC(2028, 1, 29)));
  });
});

describe("optionalEnum", () => {
  const connection = optionalEnum(["wifi", "lora"], "Unknown connection type");

  it("takes a listed value, reads blank as none, names a wrong one", () => {
    expect(connection.parse("lora")).toBe("lora");
    expect(connection.parse("")).toBeNull();
    expect(firstMessage(connection.safeParse("zigbee"))).toBe("Unknown connection type");
  });
});

describe("idList", () => {
  it("reads one form field, repeated fields or a JSON array, dropping the lone 'none' marker", () => {
    expect(idList.parse("3")).toEqual([3]);
    expect(idList.parse(["3", "", "5"])).toEqual([3, 5]);
    expect(idList.parse([""])).toEqual([]);
    expect(idList.parse(undefined)).toBeUndefined();
  });

  it("refuses an id that is not a positive whole number, and more than 100 ids", () => {
    expect(firstMessage(idList.safeParse(["2", "-1"]))).toBe("Unknown id");
    expect(firstMessage(idList.safeParse(Array.from({ length: 101 }, (_, i) => i + 1)))).toBe("At most 100");
  });
});

describe("booleanish", () => {
  it("reads checkbox and query-string words in any case, and JSON booleans", () => {
    for (const yes of ["true", "on", "1", "YES", " True "]) expect(booleanish.parse(yes), yes).toBe(true);
    for (const no of ["false", "off", "0", "No"]) expect(booleanish.parse(no), no).toBe(false);
    expect(booleanish.parse(true)).toBe(true);
    expect(booleanish.parse(undefined)).toBeUndefined();
  });

  it("refuses anything else instead of guessing", () => {
    expect(firstMessage(booleanish.safeParse("maybe"))).toBe("Must be true or false");
    expect(firstMessage(booleanish.safeParse(2))).toBe("Must be true or false");
  });
});
