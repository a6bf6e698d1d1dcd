/**
 * A configuration refused, said the way a person fixes it: one message naming the first setting
 * by its dotted path (`telemetry.measurement_interval_sec: …`), and field errors keyed by those
 * paths so a form marks each field and the API's 400 lists them (`error.fields`).
 */
import type { z } from "zod";
import { fieldErrorsFromIssues, InvalidError, type FieldErrors } from "../errors";
import { configIssues } from "./config-schemas";

export function configFieldErrors(error: z.ZodError, prefix = ""): FieldErrors {
  const errors = fieldErrorsFromIssues(error.issues);
  if (!prefix) return errors;
  return Object.fromEntries(Object.entries(errors).map(([path, messages]) => [path === "_" ? prefix : `${prefix}.${path}`, messages]));
}

export function invalidConfig(what: string, error: z.ZodError, prefix = ""): InvalidError {
  const first = configIssues(error)[0];
  const where = first ? `${prefix && first.path !== "(configuration)" ? `${prefix}.` : ""}${first.path}: ${first.message}` : "invalid";
  return new InvalidError(`${what} (${where}${error.issues.length > 1 ? `, and ${error.issues.length - 1} more` : ""}).`, configFieldErrors(error, prefix));
}
