import { describe, expect, it } from "vitest";
import { syncStatus } from "./sync-status";

const shadow = { desiredVersion: 3, desiredHash: "a", reportedHash: "a", status: "applied", drifted: false };

describe("syncStatus", () => {
  it("is unknown without a version", () => {
    expect(syncStatus(null)).toBe("unknown");
    expect(syncStatus({ ...shadow, desiredVersion: 0 })).toBe("unknown");
  });
  it("puts drift, a refusal and a failure before agreement", () => {
    expect(syncStatus({ ...shadow, drifted: true, reportedHash: "b" })).toBe("drift");
    expect(syncStatus({ ...shadow, status: "rejected", reportedHash: "b" })).toBe("rejected");
    expect(syncStatus({ ...shadow, status: "failed" })).toBe("failed");
  });
  it("is in sync when the hashes agree, else waiting", () => {
    expect(syncStatus(shadow)).toBe("in_sync");
    expect(syncStatus({ ...shadow, status: "sent", reportedHash: "b" })).toBe("sent");
    expect(syncStatus({ ...shadow, status: "pending", reportedHash: null })).toBe("pending");
    expect(syncStatus({ ...shadow, status: "applied", reportedHash: null })).toBe("unknown");
  });
});
