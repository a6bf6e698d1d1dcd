import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConflictError, DomainError, fieldErrorsFromIssues, ForbiddenError, InvalidError, isExpectedError, NotFoundError, RateLimitedError, UnauthorizedError } from "./errors";

describe("domain errors", () => {
  it("carry the HTTP status and code they are translated to, and their own name", () => {
    const cases: [DomainError, number, string][] = [
      [new UnauthorizedError(), 401, "unauthorized"],
      [new ForbiddenError(), 403, "forbidden"],
      [new NotFoundError(), 404, "not_found"],
      [new ConflictError("Device id MM001 is taken", { deviceId: ["Taken"] }), 409, "conflict"],
      [new InvalidError("Check the fields"), 400, "invalid"],
      [new RateLimitedError("Too many attempts", 60), 429, "rate_limited"],
    ];
    for (const [error, status, code] of cases) {
      expect(error).toBeInstanceOf(Error);
      expect({ status: error.status, code: error.code, name: error.name }).toEqual({ status, code, name: error.constructor.name });
    }
    expect(new ForbiddenError().message).toBe("Your role does not allow this.");
    expect(new ConflictError("x", { deviceId: ["Taken"] }).fieldErrors).toEqual({ deviceId: ["Taken"] });
    expect(new InvalidError("x").fieldErrors).toEqual({});
    expect(new RateLimitedError("x", 60).retryAfterSeconds).toBe(60);
  });

  it("tells expected failures from unexpected ones", () => {
    expect(isExpectedError(new NotFoundError())).toBe(true);
    expect(isExpectedError(new TypeError("boom"))).toBe(false);
    expect(isExpectedError("not found")).toBe(false);
  });
});

describe("fieldErrorsFromIssues", () => {
  const schema = z.object({ name: z.string().min(1, "Name is required"), readings: z.object({ temp: z.number({ error: "must be a number" }) }).strict() }).strict();

  it("lists each field's messages under its dotted path", () => {
    const result = schema.safeParse({ name: "", readings: { temp: "hot" } });
    expect(fieldErrorsFromIssues(result.error!.issues)).toEqual({ name: ["Name is required"], "readings.temp": ["must be a number"] });
  });

  it("names each unknown field as unknown, nested ones with their path", () => {
    const result = schema.safeParse({ name: "a", readings: { temp: 1, humidity: 2 }, colour: "red" });
    expect(fieldErrorsFromIssues(result.error!.issues)).toEqual({ "readings.humidity": ["Unknown field"], colour: ["Unknown field"] });
  });

  it("puts a problem of the whole body under _ and keeps several messages of one field", () => {
    expect(fieldErrorsFromIssues([{ path: [], message: "Send at least one field" }, { path: ["a"], message: "one" }, { path: ["a"], message: "two" }])).toEqual({ _: ["Send at least one field"], a: ["one", "two"] });
  });
});
