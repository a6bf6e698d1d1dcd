import { describe, expect, it } from "vitest";
import { nextLogState } from "./update-log-states";

describe("nextLogState", () => {
  it("moves forward along the update", () => {
    expect(nextLogState("pending", "downloading")).toBe("downloading");
    expect(nextLogState("downloading", "installing")).toBe("installing");
    expect(nextLogState("installing", "verifying")).toBe("verifying");
    expect(nextLogState("verifying", "completed")).toBe("completed");
    expect(nextLogState("downloading", "failed")).toBe("failed");
  });

  it("skips states a device did not report", () => {
    expect(nextLogState("pending", "completed")).toBe("completed");
    expect(nextLogState("downloading", "verifying")).toBe("verifying");
  });

  it("ignores duplicates and late, older reports", () => {
    expect(nextLogState("installing", "installing")).toBeNull();
    expect(nextLogState("verifying", "downloading")).toBeNull();
    expect(nextLogState("completed", "installing")).toBeNull();
    expect(nextLogState("completed", "completed")).toBeNull();
    expect(nextLogState("installing", "pending")).toBeNull();
  });

  it("never reopens a finished update except to roll it back", () => {
    expect(nextLogState("failed", "completed")).toBeNull();
    expect(nextLogState("completed", "failed")).toBeNull();
    expect(nextLogState("failed", "rolled_back")).toBe("rolled_back");
    expect(nextLogState("completed", "rolled_back")).toBe("rolled_back");
    expect(nextLogState("rolled_back", "completed")).toBeNull();
  });
});
