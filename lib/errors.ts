/**
 * Expected domain failures, thrown by lib/ and translated once: to HTTP status codes in
 * lib/api/with-api.ts, to form errors in lib/actions/action.ts, to log lines in the worker.
 * Anything else is unexpected and logged as a failure.
 */
export type FieldErrors = Record<string, string[]>;

export class DomainError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class UnauthorizedError extends DomainError {
  constructor(message = "Sign in or send an API key.") {
    super(message, 401, "unauthorized");
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = "Your role does not allow this.") {
    super(message, 403, "forbidden");
  }
}

export class NotFoundError extends DomainError {
  constructor(message = "Not found.") {
    super(message, 404, "not_found");
  }
}

export class ConflictError extends DomainError {
  constructor(
    message: string,
    /** The field that clashes (a device id already taken), so a form shows it in place. */
    readonly fieldErrors: FieldErrors = {},
  ) {
    super(message, 409, "conflict");
  }
}

export class InvalidError extends DomainError {
  constructor(
    message: string,
    readonly fieldErrors: FieldErrors = {},
  ) {
    super(message, 400, "invalid");
  }
}

export class RateLimitedError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message, 429, "rate_limited");
  }
}

/** A request body over the route's limit, refused before (or while) it is read, never parsed. */
export class PayloadTooLargeError extends DomainError {
  constructor(
    readonly maxBytes: number,
    what = "The request body",
    readonly fieldErrors: FieldErrors = {},
  ) {
    super(`${what} is larger than ${formatBytes(maxBytes)}, the most this endpoint accepts.`, 413, "payload_too_large");
  }
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / 1024 / 1024} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}

export function isExpectedError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}

/**
 * zod issues → one list of messages per field ("battery_level": ["must be ≤ 100"]). A field that
 * the schema does not know is named as such, not lumped under the whole body.
 */
export function fieldErrorsFromIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string; code?: string; keys?: string[] }>): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys" && issue.keys?.length) {
      const prefix = issue.path.map(String).join(".");
      for (const key of issue.keys) (errors[prefix ? `${prefix}.${key}` : key] ??= []).push("Unknown field");
      continue;
    }
    const key = issue.path.map(String).join(".") || "_";
    (errors[key] ??= []).push(issue.message);
  }
  return errors;
}
