import { describe, expect, it } from "vitest";
import { NotFoundError } from "../errors";
import { jobActionRequestSchema, updateJobIdFromPath, updateJobListQuerySchema, updateLogQuerySchema } from "./update-job-requests";

describe("updateJobIdFromPath", () => {
  it("reads a job's number from the URL", () => {
    expect(updateJobIdFromPath("42")).toBe(42);
  });

  it("answers 404 naming the id for anything that names no job, including numbers past the column", () => {
    for (const raw of ["abc", "0", "-1", "1.5", "2147483648", ""]) {
      expect(() => updateJobIdFromPath(raw), raw).toThrow(NotFoundError);
    }
    expect(() => updateJobIdFromPath("abc")).toThrow("No update job has the id “abc”.");
  });
});

describe("updateJobListQuerySchema", () => {
  it("has defaults, takes 'active' or a job state, and bounds the page", () => {
    expect(updateJobListQuerySchema.parse({})).toEqual({ page: 1, pageSize: 20 });
    expect(updateJobListQuerySchema.parse({ state: "active", page: "2", pageSize: "100" })).toEqual({ state: "active", page: 2, pageSize: 100 });
    expect(updateJobListQuerySchema.parse({ state: "" }).state).toBeUndefined();
    expect(updateJobListQuerySchema.safeParse({ state: "sleeping" }).error?.issues[0]?.message).toMatch(/^state must be one of active, /);
    expect(updateJobListQuerySchema.safeParse({ pageSize: "101" }).error?.issues[0]?.message).toBe("pageSize is at most 100");
    expect(updateJobListQuerySchema.safeParse({ page: "0" }).error?.issues[0]?.message).toBe("page starts at 1");
  });
});

describe("updateLogQuerySchema", () => {
  it("takes 'in_flight', a search and the cursor the API gave", () => {
    expect(updateLogQuerySchema.parse({ state: "in_flight", search: " MM0 ", cursor: "120" })).toEqual({ state: "in_flight", search: "MM0", cursor: 120, limit: 50 });
    expect(updateLogQuerySchema.parse({ search: "", cursor: "" })).toEqual({ limit: 50 });
  });

  it("refuses a cursor it did not give and a limit past 500", () => {
    for (const cursor of ["-1", "abc", "1.5"]) expect(updateLogQuerySchema.safeParse({ cursor }).error?.issues[0]?.message, cursor).toBe("Not a cursor this API gave");
    expect(updateLogQuerySchema.safeParse({ limit: "501" }).error?.issues[0]?.message).toBe("limit is at most 500");
  });
});

describe("jobActionRequestSchema", () => {
  it("takes a known action with an optional note, and nothing else", () => {
    expect(jobActionRequestSchema.parse({ action: "pause", note: " storm coming " })).toEqual({ action: "pause", note: "storm coming" });
    expect(jobActionRequestSchema.parse({ action: "approve", note: "" })).toEqual({ action: "approve", note: null });
    expect(jobActionRequestSchema.safeParse({ action: "explode" }).error?.issues[0]?.message).toBe("action must be one of pause, resume, cancel, approve, rollback");
    expect(jobActionRequestSchema.safeParse({ action: "pause", force: true }).success).toBe(false);
  });
});
