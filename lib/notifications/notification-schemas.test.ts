import { describe, expect, it } from "vitest";
import { channelCreateSchema, channelUpdateSchema, deliveryListQuerySchema, inboxQuerySchema, markReadSchema, minutesOfDay, onCallSchema, ruleCreateSchema, ruleUpdateSchema, timeOfDay } from "./notification-schemas";

describe("channel schema", () => {
  it("needs an address for e-mail and a URL for a webhook", () => {
    const mail = channelCreateSchema.safeParse({ farmId: 1, name: "Parlour", kind: "email" });
    expect(mail.success).toBe(false);
    expect(mail.error?.issues[0]?.path).toEqual(["address"]);
    const hook = channelCreateSchema.safeParse({ farmId: "", name: "Chat", kind: "webhook" });
    expect(hook.error?.issues[0]?.path).toEqual(["url"]);
  });
  it("reads a form: blank farm = shared, checkbox after hidden false, defaults", () => {
    const parsed = channelCreateSchema.parse({ farmId: "", name: " Chat ", kind: "webhook", url: "https://hooks.example/x", format: "", generateSecret: ["false", "true"], enabled: "false" });
    expect(parsed).toEqual({ farmId: null, name: "Chat", kind: "webhook", url: "https://hooks.example/x", format: "json", generateSecret: true, enabled: false });
    expect(channelCreateSchema.parse({ farmId: 2, name: "x", kind: "email", address: "a@b.example" }).enabled).toBe(true);
  });
  it("changes only what is sent", () => {
    expect(channelUpdateSchema.parse({ enabled: false })).toEqual({ enabled: false });
    expect(channelUpdateSchema.safeParse({ address: "nope" }).success).toBe(false);
  });
});

describe("rule schema", () => {
  it("fills defaults for a minimal rule", () => {
    expect(ruleCreateSchema.parse({ farmId: 1, name: "All" })).toMatchObject({ groupId: null, alertTypes: [], minSeverity: "warning", userIds: [], channelIds: [], quietStart: null, quietEnd: null, digest: false, enabled: true });
  });
  it("takes lists from checkboxes and a comma string", () => {
    const parsed = ruleCreateSchema.parse({ farmId: "1", name: "x", alertTypes: ["offline", "low_battery"], userIds: "3", channelIds: "4,5", minSeverity: "critical" });
    expect(parsed.alertTypes).toEqual(["offline", "low_battery"]);
    expect(parsed.userIds).toEqual([3]);
    expect(parsed.channelIds).toEqual([4, 5]);
  });
  it("refuses an unknown alert type, a bad time and half quiet hours", () => {
    const result = ruleCreateSchema.safeParse({ farmId: 1, name: "x", alertTypes: ["fire"], quietStart: "25:00" });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((issue) => issue.path.join("."));
    expect(paths).toContain("alertTypes.0");
    expect(paths).toContain("quietStart");
    const half = ruleCreateSchema.safeParse({ farmId: 1, name: "x", quietStart: "22:00" });
    expect(half.error!.issues.map((issue) => issue.path.join("."))).toEqual(["quietEnd"]);
  });
  it("update is partial", () => {
    expect(ruleUpdateSchema.parse({ enabled: false })).toEqual({ enabled: false });
    expect(ruleUpdateSchema.safeParse({ quietStart: "22:00", quietEnd: "22:00" }).success).toBe(false);
  });
  it("converts times of day", () => {
    expect(minutesOfDay("22:00")).toBe(1320);
    expect(minutesOfDay("06:30")).toBe(390);
    expect(timeOfDay(390)).toBe("06:30");
    expect(timeOfDay(null)).toBeNull();
  });
});

describe("on-call schema", () => {
  it("reads levels from JSON text (the form) or a list (the API)", () => {
    const parsed = onCallSchema.parse({ escalationIntervalMinutes: "15", debounceMinutes: "5", levels: JSON.stringify([{ userIds: [2] }, { channelIds: [7] }]) });
    expect(parsed.levels).toEqual([{ userIds: [2], channelIds: [] }, { userIds: [], channelIds: [7] }]);
  });
  it("refuses an empty level, 11 levels and timing outside the database's limits", () => {
    const result = onCallSchema.safeParse({ escalationIntervalMinutes: 0, debounceMinutes: 1441, levels: [{}, ...Array.from({ length: 10 }, () => ({ userIds: [1] }))] });
    const paths = result.error!.issues.map((issue) => issue.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["escalationIntervalMinutes", "debounceMinutes", "levels"]));
    expect(onCallSchema.safeParse({ escalationIntervalMinutes: 2, debounceMinutes: 0, levels: [{}] }).error!.issues[0]!.path).toEqual(["levels", 0, "userIds"]);
  });
});

describe("inbox and delivery log", () => {
  it("inbox defaults", () => {
    expect(inboxQuerySchema.parse({})).toEqual({ limit: 30, unread: false });
    expect(inboxQuerySchema.parse({ limit: "0", unread: "true" })).toEqual({ limit: 0, unread: true });
  });
  it("mark read needs ids or all", () => {
    expect(markReadSchema.safeParse({}).success).toBe(false);
    expect(markReadSchema.parse({ all: true })).toEqual({ all: true });
    expect(markReadSchema.parse({ ids: [1, 2] })).toEqual({ ids: [1, 2] });
  });
  it("delivery filters", () => {
    expect(deliveryListQuerySchema.parse({ status: "failed", from: "2026-12-01", farm: "" })).toEqual({ status: "failed", from: "2026-12-01", page: 1, pageSize: 25 });
    expect(deliveryListQuerySchema.safeParse({ status: "lost" }).success).toBe(false);
  });
});
