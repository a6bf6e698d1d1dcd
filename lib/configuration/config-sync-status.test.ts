import { describe, expect, it } from "vitest";
import { configSyncStatus } from "./config-sync-status";

const at = new Date("2026-12-03T10:00:00Z");
const shadow = (fields: Partial<Parameters<typeof configSyncStatus>[0] & object>) => ({ status: "pending", desiredHash: "h2", reportedHash: null, reportedAt: null, drifted: false, ...fields });

describe("configSyncStatus", () => {
  it("says unknown for a device without a shadow or that never reported", () => {
    expect(configSyncStatus(null)).toBe("unknown");
    expect(configSyncStatus(shadow({ status: "sent" }))).toBe("unknown");
  });
  it("says in sync when the reported hash is the desired one", () => {
    expect(configSyncStatus(shadow({ status: "applied", reportedHash: "h2", reportedAt: at }))).toBe("in_sync");
  });
  it("puts a refusal or failure before everything else, drift included", () => {
    expect(configSyncStatus(shadow({ status: "rejected", reportedHash: "h1", reportedAt: at, drifted: true }))).toBe("rejected");
    expect(configSyncStatus(shadow({ status: "failed", reportedHash: "h1", reportedAt: at }))).toBe("failed");
  });
  it("says drift once the sweep flagged it, waiting before that", () => {
    expect(configSyncStatus(shadow({ status: "applied", reportedHash: "h0", reportedAt: at, drifted: true }))).toBe("drift");
    expect(configSyncStatus(shadow({ status: "sent", reportedHash: "h1", reportedAt: at }))).toBe("sent");
    expect(configSyncStatus(shadow({ status: "pending", reportedHash: "h1", reportedAt: at }))).toBe("pending");
  });
});
